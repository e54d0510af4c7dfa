// The Key page: create a key (and its sealed backup), restore one from a file,
// download or check the backup, sign in, and forget the key.

import { explain } from "./api.js";
import { describeKeyFile, keyFromSeed, newSeed, openKeyFile, sealKeyFile } from "./keyfile.js";
import { forgetKey, loadKey, markBackedUp, saveKey } from "./keystore.js";
import { t } from "./messages.js";
import { signIn, signOut, sessionDid } from "./session.js";
import { clearFormError, download, formError, say, sayAfterReload } from "./ui.js";

const $ = (id) => document.getElementById(id);

// Where to go once the key is ready: ?next=/join (a path on this site only).
function onwards() {
  const next = new URLSearchParams(location.search).get("next") || "";
  if (next.startsWith("/") && !next.startsWith("//")) location.assign(next);
  else location.reload();
}

async function store(seed, backup, backedUp) {
  const { privateKey, publicKey, did } = await keyFromSeed(seed);
  seed.fill(0);
  await saveKey({ did, publicKey, privateKey, backup, backedUp, created: new Date().toISOString() });
  return did;
}

function busy(form, on) {
  for (const button of form.querySelectorAll("button")) button.disabled = on;
  form.setAttribute("aria-busy", on ? "true" : "false");
}

// Keep the key in this browser, sign in with it, and go on (saying ``message`` after the reload).
async function keepAndSignIn(seed, backup, backedUp, message) {
  await store(seed, backup, backedUp);
  await signIn();
  sayAfterReload(message);
  onwards();
}

// Do a form's work with its buttons held, saying ``saying`` meanwhile; a failure is told on the form.
async function working(form, saying, work) {
  busy(form, true);
  say(saying);
  try {
    await work();
  } catch (error) {
    say("");
    formError(form, explain(error));
  } finally {
    busy(form, false);
  }
}

async function create(event) {
  event.preventDefault();
  const form = event.target;
  clearFormError(form);
  const passphrase = form.passphrase.value;
  if (passphrase.length < 10) return formError(form, t("Choose a passphrase of at least 10 characters."));
  if (passphrase !== form.confirm.value) return formError(form, t("The two passphrases differ."));
  await working(form, t("Creating your key and sealing its backup…"), async () => {
    const seed = newSeed();
    const backup = await sealKeyFile(seed, passphrase);
    await keepAndSignIn(seed, backup, false, t("Your key is ready and you are signed in. Download your backup file next (see the yellow note)."));
  });
}

async function readFile(input) {
  const file = input.files && input.files[0];
  if (!file) throw new Error(t("Choose a file first."));
  if (file.size > 65536) throw new Error(t("That file is too large to be a key file."));
  return file.text();
}

async function restore(event) {
  event.preventDefault();
  const form = event.target;
  clearFormError(form);
  await working(form, t("Opening the key file…"), async () => {
    const text = await readFile(form.file);
    const { sealed } = describeKeyFile(text);
    const passphrase = form.passphrase.value;
    if (!passphrase) throw new Error(sealed ? t("Type the passphrase of this backup.") : t("Type a passphrase (at least 10 characters) to seal a backup of this key."));
    if (!sealed && passphrase.length < 10) throw new Error(t("Choose a passphrase of at least 10 characters to seal this key's backup."));
    const seed = await openKeyFile(text, passphrase);
    const backup = sealed ? text : await sealKeyFile(seed.slice(), passphrase);
    await keepAndSignIn(seed, backup, sealed, sealed ? t("Your key is restored and you are signed in.") : t("The key is in this browser and you are signed in. Download its sealed backup now."));
  });
}

async function checkBackup(event) {
  event.preventDefault();
  const form = event.target;
  clearFormError(form);
  busy(form, true);
  try {
    const key = await loadKey();
    const seed = await openKeyFile(await readFile(form.file), form.passphrase.value);
    const { did } = await keyFromSeed(seed);
    seed.fill(0);
    if (did !== key.did) throw new Error(t("That backup opens, but it holds another key than this browser's."));
    await markBackedUp();
    say(t("Your backup opens with that passphrase and holds this key. Keep it safe."), "success");
    await show();
  } catch (error) {
    formError(form, explain(error));
  } finally {
    busy(form, false);
  }
}

async function show() {
  const key = await loadKey();
  $("no-key").hidden = Boolean(key);
  $("has-key").hidden = !key;
  if (!key) return;
  $("my-did").textContent = key.did;
  $("backup-state").textContent = key.backedUp
    ? t("You have downloaded (or restored from) your backup file.")
    : t("Not downloaded yet — do it now: without it, losing this browser's data loses your key.");
  $("backup-state").className = key.backedUp ? "" : "warning";
  const signedIn = sessionDid();
  if (signedIn && signedIn !== key.did) {
    $("session-state").textContent = t("Signed in with another key than this browser holds. Sign in again with this one.");
    $("sign-in").hidden = false;
  }
}

async function wire() {
  $("create-key").addEventListener("submit", create);
  $("restore-key").addEventListener("submit", restore);
  $("check-backup").addEventListener("submit", checkBackup);
  $("download-backup").addEventListener("click", async () => {
    const key = await loadKey();
    await markBackedUp(); // first: leaving the page right after the download must not lose it
    download(`commonweal-key-backup-${new Date().toISOString().slice(0, 10)}.json`, key.backup);
    say(t("Your backup file is downloading. Keep it somewhere safe, away from this device."), "success");
    await show();
  });
  $("sign-in").addEventListener("click", async () => {
    try {
      await signIn();
      sayAfterReload(t("You are signed in."));
      onwards();
    } catch (error) {
      say(explain(error), "error");
    }
  });
  $("forget-key").addEventListener("click", async () => {
    if (!window.confirm(t("Remove your key from this browser? Without your backup file it is gone for good."))) return;
    await forgetKey();
    try {
      await signOut();
    } catch {
      // signed out already
    }
    sayAfterReload(t("The key is removed from this browser and you are signed out."));
    location.assign("/key");
  });
  await show();
}

wire().catch((error) => say(explain(error), "error"));
