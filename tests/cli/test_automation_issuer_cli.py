"""A node configured for the W3C suites as docs/conformance.md says: ``init --open-kind``
names the automation issuer, ``issuer-token --kind`` scopes a token to the open kind, and
``serve --tls-cert/--tls-key`` serves HTTPS (the data model suite sends its headers over
HTTPS only), where the token has a suite's example credential signed."""

from __future__ import annotations

import datetime
import ipaddress
import ssl
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.server import free_port

COMMONWEAL = str(Path(sys.executable).parent / "commonweal")


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert, key_file = folder / "tls.crt", folder / "tls.key"
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert, key_file


def run(*args: str) -> str:
    done = subprocess.run([COMMONWEAL, *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.slow
def test_a_suite_node_issues_over_https_with_a_token_scoped_to_its_open_kind(
    tmp_path: Path,
) -> None:
    port = free_port()
    url = f"https://127.0.0.1:{port}"
    data = tmp_path / "node"
    made = run("init", "--name", "Suite node", "-d", str(data), "--open-kind", "w3c-suite",
               "--public-url", url)  # fmt: skip
    (line,) = [line for line in made.splitlines() if "automation issuer" in line]
    automation = line.split()[-1]
    assert automation.startswith("did:key:z6Mk")
    token = run("issuer-token", "-d", str(data), "--kind", "w3c-suite").strip()
    cert, key = self_signed(tmp_path)
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen(
        [COMMONWEAL, "serve", "-d", str(data), "--port", str(port), "--no-rate-limit",
         "--tls-cert", str(cert), "--tls-key", str(key)],
        stdout=log, stderr=log,
    )  # fmt: skip
    trust = ssl.create_default_context(cafile=str(cert))
    try:
        with httpx.Client(base_url=url, verify=trust, timeout=30) as client:
            deadline = time.monotonic() + 60
            while True:
                try:
                    client.get("/.well-known/commonweal")
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
                    time.sleep(0.2)
            credential = {
                "@context": ["https://www.w3.org/ns/credentials/v2"],
                "type": ["VerifiableCredential"],
                "issuer": automation,
                "credentialSubject": {"id": "did:example:subject"},
            }
            refused = client.post("/credentials/issue", json={"credential": credential})
            assert refused.status_code == 401
            issued = client.post(
                "/credentials/issue",
                json={"credential": credential, "options": {"cryptosuite": "eddsa-rdfc-2022"}},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert issued.status_code == 201, issued.text
            vc = issued.json()["verifiableCredential"]
            assert vc["issuer"] == automation
            assert vc["credentialStatus"]["statusListCredential"] == (
                url + "/credentials/status/automation"
            )
            checked = client.post("/credentials/verify", json={"verifiableCredential": vc})
            assert checked.status_code == 200, checked.text
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()
