// Verify: read a chosen file into the form (the check itself happens on the server,
// so the page works without script too), and bring the verdict into view.

import { t } from "./messages.js";
import { say } from "./ui.js";

const picker = document.getElementById("file-picker");
const input = document.getElementById("document-file");
picker.hidden = false;
input.addEventListener("change", async () => {
  const file = input.files && input.files[0];
  if (!file) return;
  if (file.size > 256 * 1024) {
    say(t("That file is too large to be a credential."), "error");
    return;
  }
  document.getElementById("document").value = await file.text();
  say(t("Read %(file)s. Press Verify.", { file: file.name }));
});
const heading = document.getElementById("verdict-h");
if (heading) heading.focus();
