"""RSA keys for the test CA (documents/signing/testca.py), kept between runs: the world's signers, the demo's and
the tests' own certificates each need a 2048-bit key, ~40 ms of CPU apiece, made anew by every process of every run.

Each process (each xdist worker by its name) takes the keys of its own file under var/test-keys/ in order, every
key once, and adds the keys it had to make: no two certificates of a process, nor of two workers sharing a database
(tests/conftest.py's shared world), have the same key, and the next run makes none. The file's name holds a digest
of testca._key's source, so a change to how keys are made starts new files.
"""

from __future__ import annotations

import fcntl
import hashlib
import inspect
import os
from pathlib import Path

FOLDER = Path(__file__).resolve().parents[1] / "var" / "test-keys"
END = b"-----END PRIVATE KEY-----\n"


def install() -> None:
    from documents.signing import testca

    make = testca._key
    version = hashlib.sha256(inspect.getsource(make).encode()).hexdigest()[:12]
    path = FOLDER / f"{version}-{os.environ.get('PYTEST_XDIST_WORKER', 'master')}.pem"
    kept: list[bytes] = []
    try:
        # Whole keys only: a file cut short (a run stopped while writing) loses its last key, nothing more.
        kept = [block + END for block in path.read_bytes().split(END)[:-1]]
    except OSError:
        pass
    kept.reverse()  # taken from the end: the file's order

    def pooled():
        from cryptography.hazmat.primitives import serialization

        if kept:
            # OpenSSL's check of an RSA key costs as much as making one; these are keys this file's code made.
            return serialization.load_pem_private_key(kept.pop(), password=None, unsafe_skip_rsa_key_validation=True)
        key = make()
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        try:
            FOLDER.mkdir(parents=True, exist_ok=True)
            with path.open("ab") as file:
                fcntl.flock(file, fcntl.LOCK_EX)  # two runs of one checkout at once append whole keys
                file.write(pem)
        except OSError:
            pass  # nowhere to keep it: the next run makes it again
        return key

    testca._key = pooled
