"""One address per article: tracking parameters and fragments removed, host lower-cased; and one
fingerprint per text, so the same article found under two addresses is stored once."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# query parameters that say where a click came from, not which page it is
TRACKING = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|yclid|igshid|_ga|_gl|"
    r"ref|ref_src|cmpid|ocid|sr_share|smid|partner|at_medium|at_campaign|ito|spm)$",
    re.IGNORECASE,
)


def canonical(url: str) -> str:
    """``url`` without its fragment and tracking parameters, scheme and host lower-cased, the
    default port dropped, the remaining parameters in their order."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    port = parts.port  # (ValueError for a malformed port: callers check URLs first)
    netloc = (
        host if port is None or (parts.scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    )
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING.match(k)]
    )
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", query, ""))


def content_hash(text: str) -> str:
    """A fingerprint of an article's words: the same text under two addresses (or with other
    spacing) has the same one."""
    words = re.findall(r"\w+", text.lower())
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()[:32]
