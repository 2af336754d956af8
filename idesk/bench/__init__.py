"""The benchmark tooling (`make bench`, `make bench-small`, `make loadtest`): scale data, the timed benchmark and the
HTTP load test, with their management commands. Its own Django app (label `idesk_bench`), so the site package
reads as the site."""
