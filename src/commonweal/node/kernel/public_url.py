"""The node's public URL: the one address every URL the node mints starts with.

Credentials (their status list and context URLs), the gatherings they name,
links in pages and the node's own context documents are all minted from it. It
is set by ``--public-url`` (or ``COMMONWEAL_PUBLIC_URL``, or ``node.json``); when
none is set it is the address the node is served on, ``http://<host>:<port>``
(``https://<domain>`` for a did:web node, whose DID already names its address).
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from commonweal.core.did import did_key_fingerprint
from commonweal.core.vc.did_web import did_web_url
from commonweal.node.kernel.queries import profile

if TYPE_CHECKING:
    from commonweal.node.kernel.service import Node


class PublicUrlError(ValueError):
    """The public URL is not an absolute http(s) URL without query or fragment."""


def check_public_url(text: str) -> str:
    """``text`` as a public URL (without a trailing slash), or ``PublicUrlError`` saying why."""
    try:
        parts = urlsplit(text.strip())
        port = parts.port
    except ValueError as error:
        raise PublicUrlError(f"the public URL {text!r} is not a URL: {error}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PublicUrlError(
            f"the public URL {text!r} must be an absolute http:// or https:// URL, "
            "like https://commons.example.org"
        )
    if parts.query or parts.fragment or text.strip().endswith(("?", "#")):
        raise PublicUrlError(f"the public URL {text!r} must have no query (?) or fragment (#)")
    if parts.username is not None or parts.password is not None:
        raise PublicUrlError(f"the public URL {text!r} must not carry a user name or password")
    if port == 0:
        raise PublicUrlError(f"the public URL {text!r} names port 0")
    if any(c.isspace() for c in text.strip()):
        raise PublicUrlError(f"the public URL {text!r} must not contain spaces")
    return text.strip().rstrip("/")


def served_url(host: str, port: int) -> str:
    """The URL of a node listening on ``host:port`` (IPv6 addresses in brackets)."""
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"http://{shown}:{port}"


def default_public_url(host: str, port: int, domain: str | None = None) -> str:
    """The public URL of a node for which none was set: a did:web node's ``https://<domain>``
    (its DID already names that address), else the address it is served on."""
    return check_public_url(f"https://{domain}" if domain else served_url(host, port))


def public_url_of(node: Node) -> str:
    """The node's public URL: the configured one; for a node opened without one (a library
    user, a test), its profile's URL, its did:web address, or a name that never resolves."""
    if node.config.public_url:
        return node.config.public_url
    url = profile(node).get("url", "")
    if url:
        return str(url).rstrip("/")
    if node.identity.did.startswith("did:web:"):
        return did_web_url(node.identity.did).removesuffix("/.well-known/did.json")
    return f"https://{did_key_fingerprint(node.identity.key_did).lower()}.invalid"
