"""A real Web Push service on 127.0.0.1 for the tests, written from the RFCs, not from
``pywebpush``: it checks every push's VAPID authorization (RFC 8292: ``vapid t=<JWT>,
k=<key>``, the JWT an ES256 signature by ``k`` over ``aud``, ``exp``, ``sub``), decrypts
its body (RFC 8291/8188 ``aes128gcm``, with ``http_ece`` and the subscription's private
key kept here as a browser keeps it) and keeps what it read."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from tests.notifications.mailbox import free_port


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Device:
    """A browser's side of one subscription: its key pair and auth secret."""

    path: str
    private: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth: bytes = field(default_factory=lambda: bytes(range(16)))
    answer: int = 201
    """What the service answers a push to this device (410: gone, 500: try later)."""
    received: list[dict[str, Any]] = field(default_factory=list)

    def keys(self) -> dict[str, str]:
        point = self.private.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {"p256dh": b64(point), "auth": b64(self.auth)}


class PushService:
    """The service: ``device()`` makes a subscription; every push it accepts is decrypted
    into its device's ``received``; every push it refuses leaves a line in ``errors``."""

    def __init__(self, vapid_key: Callable[[], str], clock: Callable[[], datetime]) -> None:
        self.vapid_key = vapid_key
        self.clock = clock
        self.devices: dict[str, Device] = {}
        self.errors: list[str] = []
        self.hits: list[str] = []
        self.port = free_port()
        self.server: ThreadingHTTPServer | None = None

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def device(self, name: str) -> Device:
        made = Device(f"/push/{name}")
        self.devices[made.path] = made
        return made

    def subscription(self, device: Device) -> dict[str, Any]:
        return {"endpoint": self.origin + device.path, "keys": device.keys()}

    def start(self) -> None:
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                service.hits.append(self.path)
                headers = {k.lower(): v for k, v in self.headers.items()}
                status = service.receive(self.path, headers, body)
                self.send_response(status)
                if status in (301, 302, 307, 308):
                    self.send_header("Location", "/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def receive(self, path: str, headers: dict[str, str], body: bytes) -> int:
        """Check and decrypt one push (``headers``' names in lower case); the answer."""
        device = self.devices.get(path)
        if device is None:
            self.errors.append(f"no such device {path}")
            return 404
        if device.answer != 201:
            return device.answer
        try:
            claims = self.check_vapid(headers.get("authorization", ""))
            if headers.get("content-encoding") != "aes128gcm":
                raise AssertionError(f"Content-Encoding {headers.get('content-encoding')}")
            if not headers.get("ttl", "").isdigit():
                raise AssertionError("no TTL header (RFC 8030)")
            plain = http_ece.decrypt(
                body, private_key=device.private, auth_secret=device.auth, version="aes128gcm"
            )
        except Exception as error:  # whatever is wrong with it, the push is refused
            self.errors.append(f"{type(error).__name__}: {error}")
            return 400
        device.received.append({"payload": json.loads(plain), "claims": claims, **headers})
        return 201

    def check_vapid(self, authorization: str) -> dict[str, Any]:
        """RFC 8292, section 3: ``vapid t=<JWT>, k=<the public key>``."""
        scheme, _space, params = authorization.partition(" ")
        assert scheme.lower() == "vapid", f"scheme {scheme!r}"
        fields = dict(part.strip().split("=", 1) for part in params.split(","))
        assert fields["k"] == self.vapid_key(), "k is not the node's VAPID public key"
        header_b64, claims_b64, signature_b64 = fields["t"].split(".")
        header = json.loads(unb64(header_b64))
        assert header == {"typ": "JWT", "alg": "ES256"}, header
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64(fields["k"]))
        raw = unb64(signature_b64)
        assert len(raw) == 64, "an ES256 signature is r || s, 64 bytes"
        der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        public.verify(der, f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
        claims: dict[str, Any] = json.loads(unb64(claims_b64))
        assert claims["aud"] == self.origin, f"aud {claims['aud']}"
        now = self.clock().timestamp()
        assert now < claims["exp"] <= now + 24 * 3600, "exp must be within 24 hours"
        assert str(claims["sub"]).startswith(("mailto:", "https://")), claims["sub"]
        return claims


@pytest.fixture
def push_service(community: Any) -> Iterator[PushService]:
    from dataclasses import replace

    from commonweal.node.services import push

    community.node.config = replace(community.node.config, push_allow_loopback=True)
    service = PushService(lambda: push.vapid_public_key(community.node), community.clock)
    service.start()
    yield service
    service.stop()
