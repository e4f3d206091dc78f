"""Which addresses spinscan may connect to, decided on the address it connects to.

A name is resolved once, every address it resolves to is checked, and the connection is made
to that very address: a name that resolves to a public address for the check and to a private
one for the connection (DNS rebinding) cannot slip past, and neither can the many spellings of
loopback (``2130706433``, ``0x7f.1``, ``127.1``, ``0177.0.0.1``, ``[::ffff:127.0.0.1]``), which
all resolve to the address they name.

Public means on the global internet: not loopback, private, link-local (cloud metadata at
169.254.169.254), carrier-grade NAT, documentation, multicast or reserved ranges, and not an
IPv6 form that carries such an IPv4 address (IPv4-mapped, IPv4-compatible, NAT64, 6to4, Teredo).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from ..errors import InputError

NAT64 = ipaddress.ip_network("64:ff9b::/96")
NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")  # RFC 8215: local use, never public
SIX_TO_FOUR = ipaddress.ip_network("2002::/16")
V4_COMPATIBLE = ipaddress.ip_network("::/96")


class AddressRefused(InputError):
    """A URL that resolves to an address that is not public, where only public ones are fetched."""

    code = "address_refused"


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, compatible, NAT64, 6to4), if any."""
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip in NAT64 or (ip in V4_COMPATIBLE and int(ip) > 1):  # (:: and ::1 are not IPv4 forms)
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in SIX_TO_FOUR:
        return ip.sixtofour
    return None


def is_public(address: str) -> bool:
    """Whether ``address`` (an IP literal, IPv6 possibly with a ``%zone``) is on the public internet."""
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in NAT64_LOCAL:
            return False
        if ip.teredo:
            return all(is_public(str(v4)) for v4 in ip.teredo)
        v4 = embedded_ipv4(ip)
        if v4 is not None:
            return is_public(str(v4))
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (IP literals in any spelling included), in order."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, ValueError) as e:
        why = e.strerror if isinstance(e, socket.gaierror) else str(e)
        raise InputError(f"the host {host!r} cannot be found (DNS: {why})") from e
    return list(dict.fromkeys(info[4][0] for info in infos))


def public_addresses(host: str, port: int) -> list[str]:
    """``host``'s addresses when every one of them is public, else :class:`AddressRefused`."""
    addresses = resolve(host, port)
    for a in addresses:
        if not is_public(a):
            raise AddressRefused(
                f"refused: {host} resolves to {a}, a loopback, private, link-local or metadata "
                "address, and only public addresses are fetched here",
                setting="allow_private",
            )
    return addresses


def origin(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an http(s) URL, the default port filled in; ValueError if malformed."""
    parts = urlsplit(url)
    port = parts.port  # (raises ValueError on a port that is not a number or out of range)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if scheme not in ("http", "https") or not host:
        raise ValueError(f"not an http(s) URL with a host: {url!r}")
    return scheme, host, port or (443 if scheme == "https" else 80)


def check_public(url: str) -> None:
    """Refuse ``url`` unless its host resolves to public addresses only (a check before any
    request; the fetcher checks again, on the address it connects to)."""
    try:
        _, host, port = origin(url)
    except ValueError as e:
        raise InputError(f"{url}: not a valid URL ({e})") from e
    try:
        public_addresses(host, port)
    except InputError as e:
        raise type(e)(f"{url}: {e}", setting=e.setting) from e
