// Ed25519 keys in WebCrypto, and the key file a member backs up and restores.
//
// A key file is the command line's format (core/keys.py): {"version": 1, "type":
// "ed25519", "encrypted": {...}} or, unsealed, {"seed": base64}. The browser
// seals with PBKDF2-SHA256 (600,000 rounds) and AES-256-GCM, which WebCrypto has;
// it cannot open the command line's scrypt sealing, and says how to re-export.

import { concat, fromBase64, toBase64 } from "./bytes.js";
import { didFromPublicKey } from "./didkey.js";
import { t } from "./messages.js";

export const PBKDF2_ITERATIONS = 600000;
const MIN_ITERATIONS = 100000;
const MAX_ITERATIONS = 10000000;
const PKCS8_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);

export class KeyFileError extends Error {}

export function newSeed() {
  return crypto.getRandomValues(new Uint8Array(32));
}

// The signing key for a 32-byte seed, as a non-extractable CryptoKey, and its public key.
// WebCrypto derives no public key from a private one, so the seed is first imported
// extractable only to read the public key ("x") from its JWK form; that copy is dropped.
export async function keyFromSeed(seed) {
  if (seed.length !== 32) throw new KeyFileError("an Ed25519 seed is 32 bytes");
  const pkcs8 = concat(PKCS8_PREFIX, seed);
  const readable = await crypto.subtle.importKey("pkcs8", pkcs8, { name: "Ed25519" }, true, ["sign"]);
  const jwk = await crypto.subtle.exportKey("jwk", readable);
  const publicKey = fromBase64(jwk.x);
  const privateKey = await crypto.subtle.importKey("pkcs8", pkcs8, { name: "Ed25519" }, false, ["sign"]);
  pkcs8.fill(0);
  return { privateKey, publicKey, did: didFromPublicKey(publicKey) };
}

export async function sign(privateKey, bytes) {
  return new Uint8Array(await crypto.subtle.sign({ name: "Ed25519" }, privateKey, bytes));
}

async function passphraseKey(passphrase, salt, iterations) {
  const material = await crypto.subtle.importKey(
    "raw", new TextEncoder().encode(passphrase.normalize("NFC")), "PBKDF2", false, ["deriveKey"],
  );
  return crypto.subtle.deriveKey(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    material, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"],
  );
}

// A key file holding `seed` sealed with `passphrase` (text, ready to download).
export async function sealKeyFile(seed, passphrase) {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const nonce = crypto.getRandomValues(new Uint8Array(12));
  const key = await passphraseKey(passphrase, salt, PBKDF2_ITERATIONS);
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv: nonce }, key, seed));
  // Like the command line, the file does not name whose key it holds.
  const document = {
    version: 1,
    type: "ed25519",
    encrypted: {
      kdf: "pbkdf2-sha256",
      iterations: PBKDF2_ITERATIONS,
      salt: toBase64(salt),
      cipher: "aes-256-gcm",
      nonce: toBase64(nonce),
      sealed: toBase64(sealed),
    },
  };
  return JSON.stringify(document, null, 2) + "\n";
}

// What a key file is, without opening it: {sealed, kdf, did}.
export function describeKeyFile(text) {
  let document;
  try {
    document = JSON.parse(text);
  } catch {
    throw new KeyFileError(t("This is not a Commonweal key file (it is not JSON)."));
  }
  if (!document || document.type !== "ed25519") {
    throw new KeyFileError(t("This is not a Commonweal key file (it holds no Ed25519 key)."));
  }
  if (document.encrypted) {
    return { sealed: true, kdf: document.encrypted.kdf, did: document.did || null, document };
  }
  if (typeof document.seed !== "string") throw new KeyFileError(t("This key file holds no key."));
  return { sealed: false, kdf: null, did: document.did || null, document };
}

// The 32-byte seed inside a key file; `passphrase` opens a sealed one.
export async function openKeyFile(text, passphrase) {
  const { sealed, kdf, did, document } = describeKeyFile(text);
  let seed;
  if (!sealed) {
    seed = fromBase64(document.seed);
  } else if (kdf === "scrypt") {
    throw new KeyFileError(
      t("This backup was sealed by the command line (scrypt), which browsers cannot open. Run `commonweal wallet export --for-browser > key.json` and restore that file here."),
    );
  } else if (kdf === "pbkdf2-sha256") {
    seed = await openPbkdf2(document.encrypted, passphrase || "");
  } else {
    throw new KeyFileError(t("This key file is sealed in a way this page does not know (%(kdf)s).", { kdf }));
  }
  if (seed.length !== 32) throw new KeyFileError(t("This key file holds no valid key."));
  if (did) {
    const derived = (await keyFromSeed(seed)).did;
    if (derived !== did) throw new KeyFileError(t("This key file is damaged: it names another key than it holds."));
  }
  return seed;
}

async function openPbkdf2(encrypted, passphrase) {
  const { iterations } = encrypted;
  if (!Number.isInteger(iterations) || iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
    throw new KeyFileError(t("This key file asks for an unusual amount of work; it was not opened."));
  }
  if (encrypted.cipher !== "aes-256-gcm") throw new KeyFileError(t("This key file uses an unknown cipher."));
  const key = await passphraseKey(passphrase, fromBase64(encrypted.salt), iterations);
  try {
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: fromBase64(encrypted.nonce) }, key, fromBase64(encrypted.sealed),
    );
    return new Uint8Array(plain);
  } catch {
    throw new KeyFileError(t("That passphrase does not open this backup (or the file is damaged)."));
  }
}
