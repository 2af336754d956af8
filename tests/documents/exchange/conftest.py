"""The fake peer on loopback and the province's peer, for every exchange test module (defined in test_exchange)."""

from .test_exchange import fake_peer, peer  # noqa: F401
