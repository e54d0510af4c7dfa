"""OpenID4VCI and OpenID4VP end to end: a real server on 127.0.0.1 and the independent
wallet of ``tests/web/wallet_client.py``; then bad input, each refused with its reason."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
import uvicorn

from commonweal.core.vc import ecdsa_sd
from commonweal.node.kernel.setup import init_node
from commonweal.web.app import create_app
from commonweal.web.session import COOKIE, SignedIn
from tests.builders import Clock, EventFactory
from tests.community import FOUNDERS, Community
from tests.server import free_port
from tests.web.wallet_client import PRE_AUTHORIZED, Wallet, es256_proof

JCS_CONFIG = "MembershipCredential_ldp_vc"
SD_CONFIG = "MembershipCredential_ldp_vc_sd"


@dataclass
class Served:
    url: str
    community: Community
    app: Any
    http: httpx.Client

    def wallet(self, name: str) -> Wallet:
        return Wallet(self.community.events.key(name).seed)

    def signed_in(self, did: str) -> httpx.Client:
        """A browser of member ``did``: the session cookie a signed challenge earns."""
        sessions = self.app.state.sessions
        cookie = sessions.cookie_value(SignedIn(did, int(time.time()) + 600))
        return httpx.Client(base_url=self.url, cookies={COOKIE: cookie}, timeout=30)

    def offer_uris(self, did: str) -> dict[str, str]:
        """The offers the member's wallet page shows, by configuration."""
        with self.signed_in(did) as browser:
            page = browser.get("/me/credentials/wallet")
        assert page.status_code == 200, page.text
        found = re.findall(r'data-offer="([^"]+)".*?href="([^"]+)" data-offer-uri', page.text, re.S)
        assert len(found) == 2 and page.text.count("<svg") >= 2
        return {config: html.unescape(uri) for config, uri in found}


@pytest.fixture
def served(tmp_path: Path, database_url: str | None, clock: Clock) -> Iterator[Served]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    factory = EventFactory("", clock)
    node = init_node(
        tmp_path / "node",
        name="Wallet Commons",
        url=url,
        database_url=database_url,
        clock=clock,
        founders=[factory.did(name) for name in FOUNDERS],
        admission={"admission": "open", "vouches_required": 2, "recovery_delay_seconds": 3600},
    )
    factory.node_did = node.identity.did
    community = Community(node, factory, clock)
    community.apply("uma")
    app = create_app(node, background_checkpoints=False)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        with httpx.Client(timeout=30) as http:
            yield Served(url, community, app, http)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        node.close()


def verified(served: Served, vc: Any) -> dict[str, Any]:
    body = orjson.dumps({"verifiableCredential": vc, "options": {}})
    answer: dict[str, Any] = served.http.post(
        served.url + "/credentials/verify", content=body
    ).json()
    return answer


def test_a_wallet_takes_the_membership_credential(served: Served) -> None:
    wallet = served.wallet("uma")
    offers = served.offer_uris(wallet.did)
    vc = wallet.receive(served.http, offers[JCS_CONFIG], JCS_CONFIG)
    assert vc["credentialSubject"]["id"] == wallet.did
    assert vc["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    assert verified(served, vc)["verified"] is True


def test_a_wallet_takes_the_selective_credential_and_shows_a_part(served: Served) -> None:
    wallet = served.wallet("uma")
    base = wallet.receive(served.http, served.offer_uris(wallet.did)[SD_CONFIG], SD_CONFIG)
    assert base["proof"]["cryptosuite"] == "ecdsa-sd-2023"
    shown = ecdsa_sd.derive(base, ["/credentialSubject/memberOf", "/validFrom"])
    assert verified(served, shown)["verified"] is True


def test_metadata_names_the_endpoints_and_the_keys(served: Served) -> None:
    metadata = served.http.get(served.url + "/.well-known/openid-credential-issuer").json()
    assert metadata["credential_issuer"] == served.url
    assert metadata["credential_endpoint"] == served.url + "/openid4vci/credential"
    configs = metadata["credential_configurations_supported"]
    assert configs[JCS_CONFIG]["format"] == "ldp_vc"
    assert configs[SD_CONFIG]["credential_signing_alg_values_supported"] == ["ecdsa-sd-2023"]
    jwt_proofs = configs[JCS_CONFIG]["proof_types_supported"]["jwt"]
    assert jwt_proofs["proof_signing_alg_values_supported"] == ["EdDSA", "ES256"]
    node = served.community.node.identity
    methods = {m["id"]: m["publicKeyMultibase"] for m in metadata["verification_methods"]}
    assert methods[node.selective_verification_method] == node.selective_key.multikey
    oauth = served.http.get(served.url + "/.well-known/oauth-authorization-server").json()
    assert oauth["pre-authorized_grant_anonymous_access_supported"] is True


def _started(served: Served, wallet: Wallet) -> tuple[dict[str, Any], dict[str, Any], str, str]:
    offer = wallet.read_offer(served.offer_uris(wallet.did)[JCS_CONFIG])
    metadata, oauth = wallet.discover(served.http, offer)
    code = offer["grants"][PRE_AUTHORIZED]["pre-authorized_code"]
    token = wallet.redeem(served.http, oauth, code).json()["access_token"]
    return metadata, oauth, code, token


def _nonce(served: Served, metadata: dict[str, Any]) -> str:
    nonce: str = served.http.post(metadata["nonce_endpoint"]).json()["c_nonce"]
    return nonce


def test_a_used_or_wrong_pre_authorised_code_is_refused(served: Served) -> None:
    wallet = served.wallet("uma")
    _metadata, oauth, code, _token = _started(served, wallet)
    again = wallet.redeem(served.http, oauth, code)
    assert again.status_code == 400
    assert again.json() == {
        "error": "invalid_grant",
        "error_description": "the pre-authorized code was already used",
    }
    wrong = wallet.redeem(served.http, oauth, code[:-3] + "AAA")
    assert wrong.json()["error"] == "invalid_grant"
    other_grant = served.http.post(oauth["token_endpoint"], data={"grant_type": "password"})
    assert other_grant.json()["error"] == "unsupported_grant_type"
    assert again.headers["cache-control"] == "no-store"


def test_bad_key_proofs_are_refused_with_the_reason(served: Served) -> None:
    wallet = served.wallet("uma")
    metadata, _oauth, _code, token = _started(served, wallet)
    issuer = metadata["credential_issuer"]

    def ask(proof: str) -> dict[str, Any]:
        answer = wallet.request_credential(served.http, metadata, token, JCS_CONFIG, proof)
        assert answer.status_code == 400, answer.text
        result: dict[str, Any] = answer.json()
        return result

    good = wallet.proof(issuer, _nonce(served, metadata))
    tampered = good[:-4] + ("AAAA" if not good.endswith("AAAA") else "BBBB")
    assert ask(tampered) == {
        "error": "invalid_proof",
        "error_description": "the proof's signature does not verify",
    }
    assert ask(wallet.proof(issuer, "not-a-nonce-this-node-gave"))["error"] == "invalid_nonce"
    assert ask(wallet.proof(issuer, None))["error"] == "invalid_nonce"
    wrong_aud = ask(wallet.proof("https://elsewhere.example", _nonce(served, metadata)))
    assert "aud" in wrong_aud["error_description"]
    old = ask(wallet.proof(issuer, _nonce(served, metadata), iat=int(time.time()) - 3600))
    assert "iat" in old["error_description"]
    none_alg = ask(wallet.proof(issuer, _nonce(served, metadata), header={"alg": "none"}))
    assert "alg must be one of EdDSA, ES256" in none_alg["error_description"]
    untyped = ask(wallet.proof(issuer, _nonce(served, metadata), header={"typ": "JWT"}))
    assert "typ" in untyped["error_description"]
    someone_else = ask(es256_proof(issuer, _nonce(served, metadata)))
    assert someone_else["error"] == "invalid_proof"
    assert "not by the member's key" in someone_else["error_description"]
    stranger = Wallet(b"\x07" * 32).proof(issuer, _nonce(served, metadata))
    assert "not by the member's key" in ask(stranger)["error_description"]
    # after all that, the token still works with a good proof, and a nonce works once
    nonce = _nonce(served, metadata)
    first = wallet.request_credential(
        served.http, metadata, token, JCS_CONFIG, wallet.proof(issuer, nonce)
    )
    assert first.status_code == 200
    assert ask(wallet.proof(issuer, nonce))["error"] == "invalid_nonce"


def test_the_credential_endpoint_needs_a_valid_token(served: Served) -> None:
    wallet = served.wallet("uma")
    metadata, _oauth, _code, _token = _started(served, wallet)
    proof = wallet.proof(metadata["credential_issuer"], _nonce(served, metadata))
    answer = wallet.request_credential(served.http, metadata, "forged", JCS_CONFIG, proof)
    assert answer.status_code == 401
    assert answer.json()["error"] == "invalid_token"
    assert answer.headers["www-authenticate"] == 'Bearer error="invalid_token"'


def test_an_offer_needs_a_signed_in_member(served: Served) -> None:
    answer = served.http.post(served.url + "/openid4vci/offers")
    assert answer.status_code == 401
    with served.signed_in(served.wallet("nobody").did) as browser:
        assert browser.post("/openid4vci/offers").status_code == 422


# -- OpenID4VP -------------------------------------------------------------------


def _membership(served: Served, wallet: Wallet) -> dict[str, Any]:
    held = served.http.get(f"{served.url}/v1/members/{wallet.did}/credentials").json()
    (vc,) = [c for c in held["credentials"] if "MembershipCredential" in c["type"]]
    return vc


@pytest.mark.parametrize("by_reference", [True, False], ids=["request_uri", "by-value"])
def test_a_wallet_signs_in_with_its_membership(served: Served, by_reference: bool) -> None:
    wallet = served.wallet("uma")
    with httpx.Client(base_url=served.url, timeout=30) as page:
        _sign_in_through(served, wallet, page, by_reference)


def _sign_in_through(
    served: Served, wallet: Wallet, page: httpx.Client, by_reference: bool
) -> None:
    made = page.post(
        "/openid4vp/requests", json={"purpose": "sign_in", "by_reference": by_reference}
    )
    assert made.status_code == 201
    started = made.json()
    request = wallet.read_request(served.http, started["authorization_request"])
    assert request["response_mode"] == "direct_post"
    expected_prefix = "decentralized_identifier:" if by_reference else "redirect_uri:"
    assert request["client_id"].startswith(expected_prefix)
    pending = page.get(
        f"/openid4vp/requests/{started['state']}", params={"transaction": started["transaction"]}
    )
    assert pending.json() == {"status": "pending"}
    vp = wallet.present(
        [_membership(served, wallet)], challenge=request["nonce"], domain=request["client_id"]
    )
    answered = wallet.answer(served.http, request, vp)
    assert answered.status_code == 200, answered.text
    outcome = page.get(
        f"/openid4vp/requests/{started['state']}", params={"transaction": started["transaction"]}
    )
    assert outcome.json()["status"] == "verified"
    assert outcome.json()["holder"] == wallet.did
    assert page.get("/session").json() == {"did": wallet.did}
    replayed = wallet.answer(served.http, request, vp)
    assert replayed.status_code == 400
    assert replayed.json()["error_description"] == "this request was already answered"
    stranger = page.get(f"/openid4vp/requests/{started['state']}", params={"transaction": "guess"})
    assert stranger.status_code == 403
    assert stranger.headers["content-type"] == "application/problem+json"


def test_a_presentation_for_another_nonce_or_verifier_is_refused(served: Served) -> None:
    wallet = served.wallet("uma")
    vc = _membership(served, wallet)
    for wrong in ("challenge", "domain"):
        started = served.http.post(served.url + "/openid4vp/requests", json={}).json()
        request = wallet.read_request(served.http, started["authorization_request"])
        challenge, domain = request["nonce"], request["client_id"]
        if wrong == "challenge":
            challenge = "a-nonce-from-another-request"
        else:
            domain = "redirect_uri:https://elsewhere.example/response"
        answered = wallet.answer(
            served.http, request, wallet.present([vc], challenge=challenge, domain=domain)
        )
        assert answered.status_code == 400
        assert f"wrong_{wrong}" in answered.json()["error_description"]  # English, for software
        shown = served.http.get(
            f"{served.url}/openid4vp/requests/{started['state']}",
            params={"transaction": started["transaction"]},
            headers={"Accept-Language": "fr"},
        ).json()
        assert shown["status"] == "refused"
        assert (
            shown["problems"][0]
            == {
                "challenge": "wrong_challenge : la preuve ne répond pas à ce défi",
                "domain": "wrong_domain : la preuve est destinée à un autre domaine",
            }[wrong]
        )


def test_a_response_to_no_request_is_refused(served: Served) -> None:
    answered = served.http.post(
        served.url + "/openid4vp/response", data={"vp_token": "{}", "state": "made-up"}
    )
    assert answered.status_code == 400
    assert answered.json()["error"] == "invalid_request"


# -- a second check: an existing open-source OpenID4VCI client --------------------

NODE = shutil.which("node")
LIBRARY_CHECK = Path(__file__).with_name("openid4vci_library_check.mjs")
WEB = Path(__file__).resolve().parents[2] / "web"


@pytest.mark.skipif(
    NODE is None or not (WEB / "node_modules" / "@openid4vc" / "openid4vci").is_dir(),
    reason="needs node and web/node_modules (make vendor)",
)
@pytest.mark.parametrize("config_id", [JCS_CONFIG, SD_CONFIG])
def test_the_openwallet_foundation_client_takes_the_credential(
    served: Served, config_id: str
) -> None:
    wallet = served.wallet("uma")
    payload = {
        "offer": served.offer_uris(wallet.did)[config_id],
        "seedHex": wallet.seed.hex(),
        "did": wallet.did,
        "configurationId": config_id,
        "nodeModules": str(WEB / "node_modules"),
    }
    done = subprocess.run(
        [str(NODE), str(LIBRARY_CHECK)],
        input=json.dumps(payload).encode(),
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    answer = json.loads(done.stdout)
    assert "error" not in answer, answer
    (issued,) = answer["credentials"]
    assert issued["credential"]["credentialSubject"]["id"] == wallet.did
    vc = issued["credential"]
    if config_id == SD_CONFIG:
        vc = ecdsa_sd.derive(vc, ["/credentialSubject/memberOf"])
    assert verified(served, vc)["verified"] is True


def test_a_wallet_presents_only_membership_and_date(served: Served) -> None:
    """ "Member in good standing since …": a derived ecdsa-sd-2023 credential in the VP."""
    wallet = served.wallet("uma")
    base = wallet.receive(served.http, served.offer_uris(wallet.did)[SD_CONFIG], SD_CONFIG)
    shown = ecdsa_sd.derive(base, ["/credentialSubject/memberOf", "/validFrom"])
    started = served.http.post(served.url + "/openid4vp/requests", json={}).json()
    request = wallet.read_request(served.http, started["authorization_request"])
    vp = wallet.present([shown], challenge=request["nonce"], domain=request["client_id"])
    answered = wallet.answer(served.http, request, vp)
    assert answered.status_code == 200, answered.text
    outcome = served.http.get(
        f"{served.url}/openid4vp/requests/{started['state']}",
        params={"transaction": started["transaction"]},
    ).json()
    assert outcome["status"] == "verified"
    assert outcome["issuers"] == [served.community.node.identity.did]


def _run_library(script: str, payload: dict[str, Any]) -> dict[str, Any]:
    done = subprocess.run(
        [str(NODE), str(Path(__file__).with_name(script))],
        input=json.dumps({**payload, "nodeModules": str(WEB / "node_modules")}).encode(),
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    answer: dict[str, Any] = json.loads(done.stdout)
    assert "error" not in answer, answer
    return answer


@pytest.mark.skipif(
    NODE is None or not (WEB / "node_modules" / "@openid4vc" / "openid4vp").is_dir(),
    reason="needs node and web/node_modules (make vendor)",
)
def test_the_openwallet_foundation_client_answers_a_presentation_request(served: Served) -> None:
    wallet = served.wallet("uma")
    started = served.http.post(served.url + "/openid4vp/requests", json={}).json()
    resolved = _run_library(
        "openid4vp_library_check.mjs",
        {"step": "resolve", "request": started["authorization_request"]},
    )
    request = resolved["request"]
    assert resolved["dcql"]["credentials"][0]["format"] == "ldp_vc"
    vp = wallet.present(
        [_membership(served, wallet)], challenge=request["nonce"], domain=request["client_id"]
    )
    submitted = _run_library(
        "openid4vp_library_check.mjs",
        {"step": "submit", "request": request, "vpToken": {"membership": [vp]}},
    )
    assert submitted["status"] == 200, submitted
    outcome = served.http.get(
        f"{served.url}/openid4vp/requests/{started['state']}",
        params={"transaction": started["transaction"]},
    ).json()
    assert outcome["status"] == "verified"


def test_the_sign_in_page_shows_a_request_a_wallet_answers(served: Served) -> None:
    """The page's QR request, answered by the wallet; the page's poll opens the session."""
    wallet = served.wallet("uma")
    with httpx.Client(base_url=served.url, timeout=30) as browser:
        page = browser.get("/sign-in/wallet")
        assert page.status_code == 200 and "<svg" in page.text
        state = html.unescape(re.search(r'data-state="([^"]+)"', page.text)[1])  # type: ignore[index]
        transaction = re.search(r'data-transaction="([^"]+)"', page.text)[1]  # type: ignore[index]
        uri = html.unescape(re.search(r'href="([^"]+)" data-request-uri', page.text)[1])  # type: ignore[index]
        request = wallet.read_request(served.http, uri)
        assert request["state"] == state
        vp = wallet.present(
            [_membership(served, wallet)], challenge=request["nonce"], domain=request["client_id"]
        )
        assert wallet.answer(served.http, request, vp).status_code == 200
        outcome = browser.get(f"/openid4vp/requests/{state}", params={"transaction": transaction})
        assert outcome.json()["status"] == "verified"
        assert browser.get("/session").json() == {"did": wallet.did}
        assert browser.get("/me/credentials").status_code == 200
