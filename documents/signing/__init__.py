"""Digital signatures (ký số, NĐ30 Art. 8): certificates and images, PAdES signing and verification.

Importing the package is cheap; pyHanko is loaded only by the modules that sign or verify.
"""
