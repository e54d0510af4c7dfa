"""Connection caps and deadlines, against a real ``commonweal serve`` (web.connections).

A client holding many idle connections, or sending a request very slowly, must not
lock anyone else out: connections over the per-address cap are refused as they are
accepted, and each phase of a request has a deadline.
"""

from __future__ import annotations

import re
import resource
import selectors
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from commonweal.node.kernel.runtime import FILES_BESIDES_CONNECTIONS, raise_open_file_limit
from commonweal.node.kernel.setup import init_node
from tests.server import ServerProcess, free_port

IDLE_CONNECTIONS = 1100
FLOODER = "127.0.0.2"  # another loopback address: "another client"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    init_node(tmp_path / "node", name="Connection Commons").close()
    return tmp_path / "node"


def _serve(data_dir: Path, *args: str) -> Iterator[ServerProcess]:
    server = ServerProcess(data_dir, args=list(args)).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def patient_server(data_dir: Path) -> Iterator[ServerProcess]:
    """Deadlines long enough that idle connections stay open for the whole test."""
    yield from _serve(data_dir, "--header-timeout", "60", "--max-connections-per-address", "64")


@pytest.fixture
def strict_server(data_dir: Path) -> Iterator[ServerProcess]:
    yield from _serve(
        data_dir, "--header-timeout", "1", "--body-timeout", "1", "--keep-alive-timeout", "1"
    )


def _connect_from(address: str, port: int) -> socket.socket:
    sock = socket.socket()
    sock.bind((address, 0))
    sock.connect(("127.0.0.1", port))
    return sock


def _answer(sock: socket.socket, within: float) -> bytes:
    """Everything the server sends until it closes, waiting at most ``within`` seconds."""
    sock.settimeout(within)
    received = b""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(4096)
        except TimeoutError:
            break
        if not chunk:
            return received
        received += chunk
    raise AssertionError(f"the connection was still open after {within} s: {received!r}")


@pytest.fixture
def enough_open_files() -> Iterator[None]:
    """The test itself holds 1,100 sockets: raise its soft limit (and restore it)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = IDLE_CONNECTIONS + 200
    if hard != resource.RLIM_INFINITY and hard < wanted:
        pytest.skip(f"the hard open-file limit {hard} is below the {wanted} this test needs")
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    yield
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


@pytest.mark.slow
@pytest.mark.usefixtures("enough_open_files")
def test_1100_idle_connections_from_one_client_leave_others_served(
    patient_server: ServerProcess,
) -> None:
    held = [_connect_from(FLOODER, patient_server.port) for _ in range(IDLE_CONNECTIONS)]
    try:
        started = time.monotonic()
        response = httpx.get(patient_server.url + "/.well-known/commonweal", timeout=10)
        assert response.status_code == 200
        assert time.monotonic() - started < 5
        # The connections over the cap were answered 503 and closed at once; 64 stay open.
        refused = _refused(held, wait=5.0)
        assert refused >= IDLE_CONNECTIONS - 64
        assert refused <= IDLE_CONNECTIONS - 64  # the first 64 are held, not refused
        # ...and a new connection from the flooder is still refused while they are held
        extra = _connect_from(FLOODER, patient_server.port)
        assert _answer(extra, within=5).startswith(b"HTTP/1.1 503")
        extra.close()
    finally:
        for sock in held:
            sock.close()


def _refused(socks: list[socket.socket], wait: float) -> int:
    """How many of ``socks`` were sent a 503 and closed (epoll: there are over 1,024)."""
    selector = selectors.DefaultSelector()
    for sock in socks:
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ)
    refused = 0
    pending = set(socks)
    deadline = time.monotonic() + wait
    while pending and time.monotonic() < deadline:
        for key, _events in selector.select(timeout=0.5):
            sock = key.fileobj
            assert isinstance(sock, socket.socket)
            data = sock.recv(4096)
            if data.startswith(b"HTTP/1.1 503"):
                refused += 1
            selector.unregister(sock)
            pending.discard(sock)
        if len(pending) <= 64:
            break
    selector.close()
    return refused


@pytest.mark.slow
def test_slow_header_connection_is_closed_after_the_header_timeout(
    strict_server: ServerProcess,
) -> None:
    sock = _connect_from("127.0.0.1", strict_server.port)
    sock.sendall(b"GET /.well-known/comm")  # half a request line, then nothing
    started = time.monotonic()
    assert _answer(sock, within=5).startswith(b"HTTP/1.1 408")
    assert time.monotonic() - started < 3
    sock.close()


@pytest.mark.slow
def test_idle_new_connection_is_closed_after_the_header_timeout(
    strict_server: ServerProcess,
) -> None:
    sock = _connect_from("127.0.0.1", strict_server.port)
    started = time.monotonic()
    assert _answer(sock, within=5).startswith(b"HTTP/1.1 408")
    assert time.monotonic() - started < 3
    sock.close()


@pytest.mark.slow
def test_slow_body_connection_is_closed_after_the_body_timeout(
    strict_server: ServerProcess,
) -> None:
    sock = _connect_from("127.0.0.1", strict_server.port)
    sock.sendall(b"POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 200\r\n\r\n{")
    started = time.monotonic()
    sock.settimeout(0.2)
    received = b""
    while time.monotonic() - started < 5:  # a byte every 0.2 s: alive, but far too slow
        try:
            sock.sendall(b" ")
            chunk = sock.recv(4096)
        except TimeoutError:
            continue
        except (BrokenPipeError, ConnectionResetError):
            break
        if not chunk:
            break
        received += chunk
    assert received.startswith(b"HTTP/1.1 408"), received
    assert time.monotonic() - started < 3
    assert httpx.get(strict_server.url + "/v1/events/0").status_code == 200  # nothing logged
    sock.close()


@pytest.mark.slow
def test_idle_kept_alive_connection_is_closed(strict_server: ServerProcess) -> None:
    with _connect_from("127.0.0.1", strict_server.port) as sock:
        sock.sendall(b"GET /.well-known/commonweal HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        _whole_response(sock, within=5)
        started = time.monotonic()
        sock.settimeout(5)
        assert sock.recv(4096) == b""  # closed by the keep-alive timeout
        assert time.monotonic() - started < 3


def _whole_response(sock: socket.socket, within: float) -> bytes:
    """One HTTP/1.1 response, read to the end of its ``Content-Length`` body (the head and
    the body may come in separate segments)."""
    sock.settimeout(within)
    received = b""
    while b"\r\n\r\n" not in received:
        chunk = sock.recv(4096)
        assert chunk, f"closed before the response's head was whole: {received!r}"
        received += chunk
    head, body = received.split(b"\r\n\r\n", 1)
    assert head.startswith(b"HTTP/1.1 200"), head
    length = int(re.search(rb"(?i)\r\ncontent-length: *(\d+)", head).group(1))  # type: ignore[union-attr]
    while len(body) < length:
        chunk = sock.recv(4096)
        assert chunk, "closed before the body was whole"
        body += chunk
    return body


def test_open_file_limit_is_raised_towards_the_hard_limit() -> None:
    script = (
        "import resource\n"
        "from commonweal.node.kernel.runtime import raise_open_file_limit\n"
        "resource.setrlimit(resource.RLIMIT_NOFILE, (300, 4000))\n"
        "limit = raise_open_file_limit(1000)\n"
        "print(limit.before, limit.soft, resource.getrlimit(resource.RLIMIT_NOFILE)[0],"
        " limit.warning())\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    needed = 1000 + FILES_BESIDES_CONNECTIONS
    assert out.stdout.split() == ["300", str(needed), str(needed), "None"]


def test_open_file_limit_too_low_is_said_plainly() -> None:
    script = (
        "import resource\n"
        "from commonweal.node.kernel.runtime import raise_open_file_limit\n"
        "resource.setrlimit(resource.RLIMIT_NOFILE, (300, 500))\n"
        "limit = raise_open_file_limit(1000)\n"
        "print(limit.soft)\n"
        "print(limit.warning())\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    soft, warning = out.stdout.splitlines()
    assert soft == "500"  # raised as far as the hard limit allows
    assert "open-file limit is 500" in warning
    assert "--max-connections" in warning


@pytest.mark.slow
def test_serve_warns_at_start_when_the_open_file_limit_is_too_low(data_dir: Path) -> None:
    def low_limit() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (400, 400))

    port = free_port()
    command = [str(Path(sys.executable).parent / "commonweal"), "serve", "--data-dir"]
    process = subprocess.Popen(
        [*command, str(data_dir), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=low_limit,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/.well-known/commonweal").is_success:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
    finally:
        process.terminate()
        _out, err = process.communicate(timeout=10)
    assert "Warning: The open-file limit is 400 (hard limit 400)" in err
    assert f"{1000 + FILES_BESIDES_CONNECTIONS}" in err


def test_raise_open_file_limit_never_lowers_the_limit() -> None:
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    limit = raise_open_file_limit(1)
    assert resource.getrlimit(resource.RLIMIT_NOFILE)[0] == soft
    assert limit.enough


@pytest.mark.slow
def test_the_overall_cap_refuses_one_connection_more_at_once(data_dir: Path) -> None:
    for server in _serve(data_dir, "--max-connections", "5", "--header-timeout", "60"):
        held = [_connect_from(f"127.0.0.{3 + n}", server.port) for n in range(5)]
        try:
            time.sleep(0.3)  # accepted and counted
            late = _connect_from("127.0.0.1", server.port)
            answer = _answer(late, within=5)
            assert answer.startswith(b"HTTP/1.1 503") and b"retry-after: 5" in answer
            late.close()
        finally:
            for sock in held:
                sock.close()
        time.sleep(0.3)  # released: served again
        assert httpx.get(server.url + "/.well-known/commonweal").status_code == 200
