"""The short browser smoke test: the pages load, and the browser's own crypto (the
project's JCS, base58, did:key, Ed25519 event signing, Data Integrity proofs, RFC 9162
proofs and key files) agrees with the published vectors and with the node, byte for byte."""

from __future__ import annotations

import base64
import json
import random
from pathlib import Path
from typing import Any

import base58
import pytest
from playwright.sync_api import Browser, Page, expect

from commonweal.core import jcs
from commonweal.core.checkpoint import Checkpoint, sign_checkpoint
from commonweal.core.events import parse_event, sign_event
from commonweal.core.keys import PBKDF2, SigningKey, dump_key_file, load_key_file
from commonweal.core.note import NoteSigner
from commonweal.core.work import leading_zero_bits, work_digest
from commonweal.domain.governance.constitution import DEFAULT_CONSTITUTION
from tests.vectors import find_vectors
from tests.web.browser.live import LiveNode
from tests.web.browser.steps import Shots, new_page, watch_errors

VECTORS = find_vectors()
IDENTITY = VECTORS / "identity"
INCLUSION = VECTORS / "federation" / "transparency-dev-merkle" / "testdata" / "inclusion"


def jcs_vectors() -> list[dict[str, str]]:
    folder = IDENTITY / "jcs-rfc8785"
    return [
        {
            "name": path.stem,
            "input": path.read_text(encoding="utf-8"),
            "hex": "".join((folder / "outhex" / f"{path.stem}.txt").read_text().split()).lower(),
        }
        for path in sorted((folder / "input").glob("*.json"))
    ]


def inclusion_vectors() -> list[dict[str, Any]]:
    found = []
    for path in sorted(INCLUSION.rglob("*.json")):
        vector = json.loads(path.read_text())
        vector["name"] = str(path.relative_to(INCLUSION))
        vector["proof"] = vector["proof"] or []
        found.append(vector)
    return found


def run(page: Page, script: str, arg: Any = None) -> Any:
    return page.evaluate(script, arg)


JCS_CHECK = """async (vectors) => {
  const { canonicalBytes } = await import('/static/js/jcs.js');
  const { toHex } = await import('/static/js/bytes.js');
  return vectors.map(v => [v.name, toHex(canonicalBytes(JSON.parse(v.input))) === v.hex]);
}"""

BASE58_CHECK = """async (cases) => {
  const { encode, decode } = await import('/static/js/base58.js');
  const { fromHex, toHex } = await import('/static/js/bytes.js');
  return cases.map(([hex, text]) => encode(fromHex(hex)) === text && toHex(decode(text)) === hex);
}"""

DID_KEY_CHECK = """async (seeds) => {
  const { keyFromSeed } = await import('/static/js/keyfile.js');
  const { fromHex } = await import('/static/js/bytes.js');
  const { publicKeyFromDid, didFromPublicKey } = await import('/static/js/didkey.js');
  const out = [];
  for (const seed of seeds) {
    const key = await keyFromSeed(fromHex(seed));
    out.push([key.did, didFromPublicKey(publicKeyFromDid(key.did)) === key.did]);
  }
  return out;
}"""

RFC8032_CHECK = """async (vectors) => {
  const { keyFromSeed, sign } = await import('/static/js/keyfile.js');
  const { fromHex, toHex } = await import('/static/js/bytes.js');
  const out = [];
  for (const v of vectors) {
    const key = await keyFromSeed(fromHex(v.secretKey));
    out.push(toHex(key.publicKey) === v.publicKey
      && toHex(await sign(key.privateKey, fromHex(v.message))) === v.signature);
  }
  return out;
}"""

EVENT_CHECK = """async ({seed, fields}) => {
  const { keyFromSeed } = await import('/static/js/keyfile.js');
  const { signEvent } = await import('/static/js/events.js');
  const { fromHex } = await import('/static/js/bytes.js');
  const key = await keyFromSeed(fromHex(seed));
  const extractable = await crypto.subtle.exportKey('jwk', key.privateKey)
    .then(() => true, () => false);
  return { event: await signEvent(key, fields), extractable };
}"""

WORK_CHECK = """async ({unsigned, bits}) => {
  const { stamp, workBits } = await import('/static/js/work.js');
  return { body: await stamp(unsigned, bits), asked: await workBits('notary.document.attested') };
}"""

PROOF_CHECK = """async ({seed, unsigned, config}) => {
  const { keyFromSeed } = await import('/static/js/keyfile.js');
  const { addProof } = await import('/static/js/presentation.js');
  const { fromHex } = await import('/static/js/bytes.js');
  const key = await keyFromSeed(fromHex(seed));
  const signed = await addProof(unsigned, key, config);
  return signed.proof.proofValue;
}"""

INCLUSION_CHECK = """async (vectors) => {
  const { verifyInclusion } = await import('/static/js/merkle.js');
  const { fromBase64 } = await import('/static/js/bytes.js');
  const out = [];
  for (const v of vectors) {
    const ok = await verifyInclusion(v.leafIdx, v.treeSize, fromBase64(v.leafHash || ''),
      v.proof.map(fromBase64), fromBase64(v.root || ''));
    out.push([v.name, ok === !v.wantErr]);
  }
  return out;
}"""

NOTE_CHECK = """async ({note, vkey, forged}) => {
  const { verifyCheckpoint } = await import('/static/js/note.js');
  const { toBase64 } = await import('/static/js/bytes.js');
  const good = await verifyCheckpoint(note, vkey);
  let refused = '';
  try { await verifyCheckpoint(forged, vkey); } catch (e) { refused = e.message; }
  return { size: good.size, root: toBase64(good.root), refused };
}"""

KEY_FILE_CHECK = """async ({seed, passphrase, fromCli, scrypt}) => {
  const { sealKeyFile, openKeyFile, keyFromSeed } = await import('/static/js/keyfile.js');
  const { fromHex, toHex } = await import('/static/js/bytes.js');
  const sealed = await sealKeyFile(fromHex(seed), passphrase);
  const opened = toHex(await openKeyFile(fromCli, passphrase));
  let wrong = '', cli = '';
  try { await openKeyFile(sealed, 'not the passphrase'); } catch (e) { wrong = e.message; }
  try { await openKeyFile(scrypt, passphrase); } catch (e) { cli = e.message; }
  return { sealed, opened, wrong, cli };
}"""


def test_pages_load_and_browser_crypto_matches_the_node(
    browser: Browser, live: LiveNode, artifacts: Path
) -> None:
    shot = Shots(artifacts)
    context, page = new_page(browser)
    errors = watch_errors(page)
    page.goto(live.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Harbour Guild")
    expect(page.get_by_test_id("figure-members")).to_have_text("2")
    shot(page, "home")

    # RFC 8785: all six published vectors, in the browser's own JCS.
    assert run(page, JCS_CHECK, jcs_vectors()) == [[v["name"], True] for v in jcs_vectors()]

    # base58btc against an independent implementation, leading zeros included.
    rng = random.Random(8785)
    blobs = [bytes(n) + rng.randbytes(rng.randrange(0, 40)) for n in (0, 1, 2, 0, 3, 0)]
    cases = [[b.hex(), base58.b58encode(b).decode()] for b in blobs]
    assert all(run(page, BASE58_CHECK, cases))

    # did:key from the seed, as the did:key method's own vectors say.
    did_vectors = json.loads((IDENTITY / "did-key" / "ed25519-x25519.json").read_text())
    seeds = {did: v["seed"] for did, v in did_vectors.items() if "seed" in v}
    assert run(page, DID_KEY_CHECK, list(seeds.values())) == [[did, True] for did in seeds]

    # Ed25519 signatures: RFC 8032 section 7.1.
    rfc = json.loads((IDENTITY / "ed25519" / "rfc8032-section7.1-ed25519.json").read_text())
    assert all(run(page, RFC8032_CHECK, rfc["vectors"]))

    # An event signed in the browser is byte for byte the node's: same bytes, same sig.
    key = SigningKey(bytes(range(32)))
    fields = {
        "type": "governance.comment.posted",
        "node": "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
        "seq": 7,
        "at": "2026-11-23T12:00:00Z",
        "body": {"proposal": 12, "text": 'Ça va, 𝄞 \u2028 "quoted"', "z": [1, {"b": 2, "a": None}]},
    }
    browser_made = run(page, EVENT_CHECK, {"seed": key.seed.hex(), "fields": fields})
    assert browser_made["extractable"] is False
    assert browser_made["event"] == sign_event(key, **fields)
    assert parse_event(browser_made["event"]).has_valid_signature()
    assert jcs.canonicalize(browser_made["event"]) == parse_event(browser_made["event"]).canonical

    # Proof of work (the write policy): the browser's stamp meets the node's check, and
    # the browser reads how many bits the node's constitution asks.
    unsigned = {**fields, "type": "notary.document.attested", "author": "did:key:z6Mkx"}
    unsigned["body"] = {"digest": "sha256:" + "ab" * 32}
    worked = run(page, WORK_CHECK, {"unsigned": unsigned, "bits": 10})
    stamped = jcs.canonicalize({**unsigned, "body": worked["body"]})
    assert leading_zero_bits(work_digest(stamped)) >= 10
    assert worked["asked"] == DEFAULT_CONSTITUTION["writes"]["types"][unsigned["type"]]["work_bits"]

    # eddsa-jcs-2022: the W3C test vector's proofValue, reproduced.
    di = IDENTITY / "w3c-vc-di-eddsa"
    seed = base58.b58decode(
        json.loads((di / "keyPair.json").read_text())["privateKeyMultibase"][1:]
    )
    config = json.loads((di / "eddsa-jcs-2022" / "proofConfigJCS.json").read_text())
    unsigned = json.loads((di / "unsigned.json").read_text())
    options = {k: config[k] for k in ("created", "verificationMethod", "proofPurpose")}
    expected = (di / "eddsa-jcs-2022" / "sigBTC58JCS.txt").read_text().strip()
    made = run(page, PROOF_CHECK, {"seed": seed[2:].hex(), "unsigned": unsigned, "config": options})
    assert made == expected

    # RFC 9162 inclusion proofs: every transparency-dev vector, right verdict each time.
    verdicts = run(page, INCLUSION_CHECK, inclusion_vectors())
    assert len(verdicts) > 90 and all(ok for _name, ok in verdicts), verdicts

    # A checkpoint signed by the node's key (a verifier key whose base64 holds a "+"), and
    # the same checkpoint with its size changed.
    signer = next(
        s
        for n in range(200)
        if "+"
        in (s := NoteSigner("example.org/log", SigningKey(bytes([n]) * 32))).vkey.split("+", 2)[2]
    )
    checkpoint = Checkpoint("example.org/log", 5, bytes(range(32)))
    note = sign_checkpoint(checkpoint, signer)
    forged = note.replace("\n5\n", "\n6\n", 1)
    seen = run(page, NOTE_CHECK, {"note": note, "vkey": signer.vkey, "forged": forged})
    assert seen == {
        "size": 5,
        "root": base64.b64encode(checkpoint.root).decode(),
        "refused": seen["refused"],
    }
    assert "not signed by this node's key" in seen["refused"]

    # Key files both ways: the browser opens the CLI's PBKDF2 file, the CLI the browser's.
    passphrase = "Grüße, commons!"
    cli_file = dump_key_file(key.seed, passphrase, kdf=PBKDF2).decode()
    scrypt_file = dump_key_file(key.seed, passphrase).decode()
    files = run(
        page,
        KEY_FILE_CHECK,
        {
            "seed": key.seed.hex(),
            "passphrase": passphrase,
            "fromCli": cli_file,
            "scrypt": scrypt_file,
        },
    )
    assert files["opened"] == key.seed.hex()
    assert load_key_file(files["sealed"].encode(), passphrase).seed == key.seed
    assert "passphrase does not open" in files["wrong"]
    assert "wallet export --for-browser" in files["cli"]
    assert errors == []
    context.close()


@pytest.mark.parametrize("width", [390])
@pytest.mark.slow
def test_every_page_fits_a_phone(
    browser: Browser, live: LiveNode, artifacts: Path, width: int
) -> None:
    shot = Shots(artifacts)
    context, page = new_page(browser, viewport={"width": width, "height": 800})
    for path in (
        "/",
        "/constitution",
        "/members",
        "/proposals",
        "/log",
        "/verify",
        "/key",
        "/join",
        "/aid",
        "/campaigns",
        "/rounds",
        "/network",
        "/network/votes",
    ):
        page.goto(live.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
        assert page.get_by_role("heading", level=1).count() == 1, path
        unlabeled = page.evaluate(
            """() => [...document.querySelectorAll(
                   'input:not([type=hidden]):not([hidden]), select, textarea')]
                 .filter(el => !el.labels.length && !el.getAttribute('aria-label'))
                 .map(el => el.id || el.name)"""
        )
        assert unlabeled == [], (path, unlabeled)
        shot(page, path.strip("/") or "home")
    context.close()
