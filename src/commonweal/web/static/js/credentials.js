// My credentials: sign a presentation of chosen credentials for a verifier.

import { explain } from "./api.js";
import { loadKey } from "./keystore.js";
import { NoKey } from "./events.js";
import { t } from "./messages.js";
import { presentation } from "./presentation.js";
import { clearFormError, download, formError, say } from "./ui.js";

function credentialsPicked(form) {
  const picked = new Set([...form.querySelectorAll('input[name="pick"]:checked')].map((box) => box.value));
  return [...document.querySelectorAll("[data-credential]")]
    .filter((section) => picked.has(section.dataset.credential))
    .map((section) => JSON.parse(section.querySelector("[data-credential-json]").textContent));
}

async function present(event) {
  event.preventDefault();
  const form = event.target;
  clearFormError(form);
  try {
    const key = await loadKey();
    if (!key) throw new NoKey();
    const chosen = credentialsPicked(form);
    if (!chosen.length) throw new Error(t("Pick at least one credential."));
    const challenge = form.challenge.value.trim();
    const domain = form.domain.value.trim();
    if (!challenge || !domain) throw new Error(t("Type the challenge and the domain the verifier gave you."));
    const signed = await presentation(key, chosen, { challenge, domain });
    const text = JSON.stringify(signed, null, 2);
    document.getElementById("presentation-json").textContent = text;
    document.getElementById("presented").hidden = false;
    document.getElementById("download-presentation").onclick = () => download("presentation.json", text);
    const qr = await fetch("/qr.svg", { method: "POST", body: JSON.stringify(signed) });
    document.getElementById("presentation-qr").innerHTML = qr.ok
      ? await qr.text()
      : `<p>${t("This presentation is too large for one QR code; download it instead.")}</p>`;
    say(t("Your presentation is signed."), "success");
  } catch (error) {
    formError(form, explain(error));
  }
}

const form = document.getElementById("present");
if (form) form.addEventListener("submit", present);
