// Sign in with a wallet app: poll the OpenID4VP request this page made until the wallet
// answers. A verified answer sets the session cookie; then go to your credentials.

import { t } from "./messages.js";

const box = document.getElementById("wallet-sign-in");
const status = box?.querySelector("[data-status]");

async function poll() {
  const url = `/openid4vp/requests/${encodeURIComponent(box.dataset.state)}`
    + `?transaction=${encodeURIComponent(box.dataset.transaction)}`;
  try {
    const response = await fetch(url, { credentials: "same-origin" });
    const outcome = await response.json();
    if (response.ok && outcome.status === "verified") {
      status.textContent = t("Signed in.");
      window.location.assign("/me/credentials");
      return;
    }
    if (!response.ok || outcome.status === "refused") {
      const why = (outcome.problems || []).join("; ") || outcome.detail || t("the request expired");
      status.textContent = t("Not signed in: %(why)s. Reload the page to try again.", { why });
      return;
    }
  } catch (error) {
    status.textContent = t("The node cannot be reached; still trying…");
  }
  setTimeout(poll, 2000);
}

if (box) setTimeout(poll, 2000);
