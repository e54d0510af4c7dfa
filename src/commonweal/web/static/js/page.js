// On every page: the key banner, signed forms, signing out, and this browser's time zone.

import { explain } from "./api.js";
import { enhanceForms } from "./forms.js";
import { loadKey } from "./keystore.js";
import { rememberTimeZone } from "./locale.js";
import { t } from "./messages.js";
import { sessionDid, signOut } from "./session.js";
import { say, showCarriedMessage } from "./ui.js";

// `html`: a message of the catalogues (trusted), with its own markup, as a paragraph.
function banner(html) {
  const box = document.getElementById("key-banner");
  if (!box) return;
  box.innerHTML = `<p>${html}</p>`;
  box.hidden = false;
}

async function checkKey() {
  if (!window.isSecureContext || !crypto.subtle) {
    banner(t("This page is not served over HTTPS, so your browser will not sign anything here. Reading works; to act, open the node's https:// address."));
    return;
  }
  let key = null;
  try {
    key = await loadKey();
  } catch {
    banner(t("This browser does not let the page keep a key (private browsing or storage turned off). You can read everything, but not act."));
    return;
  }
  const signedIn = sessionDid();
  if (key && !key.backedUp && location.pathname !== "/key") {
    banner(t("<strong>Your key has no backup yet.</strong> If this browser loses it, you lose your membership's key. <a href=\"/key#backup\">Download your backup now</a>."));
  } else if (signedIn && (!key || key.did !== signedIn) && location.pathname !== "/key") {
    banner(t("You are signed in, but this browser does not hold that key, so it cannot sign for you. <a href=\"/key\">Restore your key or sign in again</a>."));
  }
  document.documentElement.dataset.key = key ? "present" : "absent";
}

function wireSignOut() {
  for (const button of document.querySelectorAll("[data-sign-out]")) {
    button.addEventListener("click", async () => {
      try {
        await signOut();
        location.assign("/");
      } catch (error) {
        say(explain(error), "error");
      }
    });
  }
}

// On a phone the main navigation folds behind a Menu button. Without this script the
// button stays hidden and the links show as they are: reading never needs JavaScript.
function foldMenu() {
  const header = document.querySelector("header.site");
  const button = header && header.querySelector("[data-menu-button]");
  const nav = document.getElementById("main-nav");
  if (!button || !nav) return;
  button.hidden = false;
  header.classList.add("foldable");
  button.addEventListener("click", () => {
    const open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    header.classList.toggle("menu-open", open);
  });
}

foldMenu();
rememberTimeZone();
showCarriedMessage();
enhanceForms();
wireSignOut();
checkKey();
