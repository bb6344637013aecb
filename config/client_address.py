"""The client's address, from a forwarding header only when a proxy we trust put it there.

DRF's throttles and django-axes both believed any ``X-Forwarded-For``: each
guess with a new forged address was a new client, never throttled. Behind a
reverse proxy, name it in TRUSTED_PROXIES (addresses or networks); the
client is then the nearest address in the header that is not one of ours.
With no proxy named (the default), the header is ignored.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any

from django.conf import settings

_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[_Network, ...]:
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies if proxy.strip())


def _trusted(address: str, networks: tuple[_Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def client_address(request: Any) -> str:
    """The address of the client behind ``request`` (an HttpRequest or DRF Request)."""
    remote = str(request.META.get("REMOTE_ADDR") or "")
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    if not networks or not _trusted(remote, networks):
        return remote
    hops = [hop.strip() for hop in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if hop.strip()]
    # Read from the right: each trusted proxy appended the address it saw;
    # everything left of the first untrusted hop was written by the client.
    for hop in reversed(hops):
        if not _valid(hop):
            return remote
        if not _trusted(hop, networks):
            return hop
    return hops[0] if hops else remote
