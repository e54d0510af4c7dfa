"""A proxy on 127.0.0.1 that forwards to a real node but corrupts every entry bundle."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx


class CorruptingProxy:
    """Serves ``target`` faithfully, except that one byte of each entry bundle is flipped."""

    def __init__(self, target: str) -> None:
        self.target = target.rstrip("/")
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                upstream = httpx.get(proxy.target + self.path, timeout=30)
                body = upstream.content
                if "/tile/entries/" in self.path and upstream.status_code == 200 and len(body) > 4:
                    middle = len(body) // 2
                    body = body[:middle] + bytes([body[middle] ^ 0x20]) + body[middle + 1 :]
                self.send_response(upstream.status_code)
                self.send_header("Content-Type", upstream.headers.get("content-type", ""))
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                upstream = httpx.post(
                    proxy.target + self.path, content=body, headers=headers, timeout=30
                )
                self.send_response(upstream.status_code)
                self.send_header("Content-Type", upstream.headers.get("content-type", ""))
                self.send_header("Content-Length", str(len(upstream.content)))
                self.end_headers()
                self.wfile.write(upstream.content)

            def log_message(self, *_args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> CorruptingProxy:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
