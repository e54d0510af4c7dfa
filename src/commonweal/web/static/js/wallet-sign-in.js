// Sign in with a wallet app: poll the OpenID4VP request this page made until the wallet
// answers. A verified answer sets the session cookie; then go to your credentials.

const box = document.getElementById("wallet-sign-in");
const status = box?.querySelector("[data-status]");

async function poll() {
  const url = `/openid4vp/requests/${encodeURIComponent(box.dataset.state)}`
    + `?transaction=${encodeURIComponent(box.dataset.transaction)}`;
  try {
    const response = await fetch(url, { credentials: "same-origin" });
    const outcome = await response.json();
    if (response.ok && outcome.status === "verified") {
      status.textContent = "Signed in.";
      window.location.assign("/me/credentials");
      return;
    }
    if (!response.ok || outcome.status === "refused") {
      const why = (outcome.problems || []).join("; ") || outcome.detail || "the request expired";
      status.textContent = `Not signed in: ${why}. Reload the page to try again.`;
      return;
    }
  } catch (error) {
    status.textContent = "The node cannot be reached; still trying…";
  }
  setTimeout(poll, 2000);
}

if (box) setTimeout(poll, 2000);
