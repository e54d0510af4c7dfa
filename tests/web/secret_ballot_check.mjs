// Runs the page's secret-ballot functions (static/js) in node on the JSON given on
// stdin, and prints what they made; tests/web/test_secret_ballot_js.py checks it with
// core/ballots in Python.
import { readFileSync } from "node:fs";

const root = new URL("../../src/commonweal/web/static/js/", import.meta.url);
const rsa = await import(new URL("blinding.js", root));
const secret = await import(new URL("secret-ballot.js", root));
const sealing = await import(new URL("sealing.js", root));
const { fromBase64, fromHex, toHex } = await import(new URL("bytes.js", root));

const input = JSON.parse(readFileSync(0, "utf8"));
const out = { vectors: [] };
for (const v of input.vectors) {
  const pk = rsa.publicKey(BigInt(v.n), BigInt(v.e));
  const salt = fromHex(v.salt);
  const prepared = rsa.prepare(fromHex(v.msg), () => fromHex(v.msg_prefix));
  const encoded = await rsa.emsaPssEncode(prepared, rsa.bitLength(pk.n) - 1, salt);
  const blinded = await rsa.blind(pk, prepared, {
    random: () => salt,
    r: rsa.modInverse(BigInt(v.inv), pk.n),
  });
  const sig = await rsa.finalize(pk, fromHex(v.input_msg), fromHex(v.blind_sig), blinded.inv);
  out.vectors.push({
    name: v.name,
    input_msg: toHex(prepared),
    encoded_msg: toHex(encoded),
    blinded_msg: toHex(blinded.blindedMsg),
    sig: toHex(sig),
  });
}
if (input.stage === "token") {
  const { pending, body } = await secret.startToken(input.view);
  out.pending = pending;
  out.body = body;
} else if (input.stage === "seal") {
  const token = await secret.finishToken(input.view, input.pending, input.blind_signature);
  out.sealed = [];
  for (const ballot of input.ballots) {
    const body = await secret.sealBallot(input.view, ballot, token);
    const event = await secret.sealedEvent(input.view, body, "2026-12-07T06:00:00Z");
    out.sealed.push({ event, receipt: await secret.receiptOf(input.view.proposal, 7, event, ballot) });
  }
}
if (input.stage === "seal-fixed") {
  // Every random scalar from the given 64-byte chunks, in the order they are drawn.
  let next = 0;
  const random = (n) => {
    if (n !== 64) throw new Error(`asked for ${n} random bytes`);
    return fromHex(input.chunks[next++]);
  };
  out.body = await secret.sealBallot(input.view, input.ballot, input.token, random);
  out.drawn = next;
}
if (input.stage === "check") {
  // The page's own range check, over proofs Python made (and one field moved).
  const scalar = (text) => fromBase64(text).reduceRight((v, b) => (v << 8n) | BigInt(b), 0n);
  const key = sealing.decodePoint(fromBase64(input.view.joint_key));
  out.checks = input.body.fields.map((field, n) => {
    const ct = { a: sealing.decodePoint(fromBase64(field.a)), b: sealing.decodePoint(fromBase64(field.b)) };
    const proofs = field.proof.map(([c, z]) => [scalar(c), scalar(z)]);
    const high = input.view.ranges[n];
    const where = (at) => sealing.context(input.view.node, input.view.proposal, input.nullifier, at);
    return [sealing.checkRange(key, ct, proofs, high, where(n)), sealing.checkRange(key, ct, proofs, high, where(n + 1))];
  });
}
process.stdout.write(JSON.stringify(out));
