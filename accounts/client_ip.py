"""The client's address for the login lockout (AXES_CLIENT_IP_CALLABLE).

X-Forwarded-For is written by whoever sends the request, so it is read only when the connection comes from a
proxy listed in IDESK_TRUSTED_PROXIES, and then from the right: each trusted proxy appends the address it saw, so
the first address from the right that is not a trusted proxy is the client. Anything further left was written by
the client itself and is ignored.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    try:
        return tuple(ipaddress.ip_network(e.strip(), strict=False) for e in entries if e.strip())
    except ValueError as error:
        raise ImproperlyConfigured(f"IDESK_TRUSTED_PROXIES: {error}") from error


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.9:51234"
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped  # "::ffff:10.0.0.1" is 10.0.0.1
    return address


def client_ip(request: HttpRequest) -> str:
    """The address the lockout counts failures against."""
    peer = request.META.get("REMOTE_ADDR", "")
    trusted = _networks(tuple(settings.IDESK_TRUSTED_PROXIES))

    def is_trusted(address) -> bool:
        return address is not None and any(address in network for network in trusted)

    client = _address(peer)
    if not is_trusted(client):
        return str(client) if client else peer
    hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break  # not an address: the last trusted hop is all we know
        client = address
        if not is_trusted(address):
            break
    return str(client)
