// My credentials: show only some claims of a selective-disclosure credential. The node
// derives it from the credential it issued (no key of the member's is needed); the page
// shows the result to download or copy.

import { explain, postJson } from "./api.js";
import { t } from "./messages.js";
import { clearFormError, download, formError, say } from "./ui.js";

async function derive(event) {
  event.preventDefault();
  const form = event.target;
  const box = form.closest("[data-selective]");
  const shown = box.querySelector("[data-derived]");
  clearFormError(form);
  shown.hidden = true;
  try {
    const reveal = [...form.querySelectorAll('input[name="reveal"]:checked')].map((input) => input.value);
    if (!reveal.length) throw new Error(t("Choose at least one claim to show."));
    const path = `/v1/members/${encodeURIComponent(form.dataset.did)}/credentials/selective/derive`;
    const answer = await postJson(path, { id: form.dataset.id, reveal });
    const text = JSON.stringify(answer.verifiableCredential, null, 2);
    box.querySelector("[data-derived-json]").textContent = text;
    box.querySelector("[data-download-derived]").onclick = () => download("credential-shown.json", text);
    box.querySelector("[data-copy-derived]").onclick = async () => {
      await navigator.clipboard.writeText(text);
      say(t("Copied."), "success");
    };
    shown.hidden = false;
    say(t("Your credential is made: it shows only what you chose."), "success");
  } catch (error) {
    formError(form, explain(error));
  }
}

for (const form of document.querySelectorAll("form[data-derive]")) {
  form.addEventListener("submit", derive);
}
