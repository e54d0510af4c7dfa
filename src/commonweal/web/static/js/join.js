// Applying to join: the profile stays private; the signed event carries a salted
// commitment to it, sha256 of the RFC 8785 bytes of {"profile", "salt"}.

import { explain } from "./api.js";
import { commitment, newSalt } from "./commitment.js";
import { act } from "./events.js";
import { t } from "./messages.js";
import { clearFormError, formError, say, sayAfterReload } from "./ui.js";

export { commitment, newSalt };

function profileOf(form) {
  const profile = { display_name: form.display_name.value.trim(), show_name: form.show_name.checked };
  for (const name of ["contact", "location", "bio"]) {
    const value = form[name].value.trim();
    if (value) profile[name] = value;
  }
  return profile;
}

async function apply(event) {
  event.preventDefault();
  const form = event.target;
  clearFormError(form);
  const profile = profileOf(form);
  if (!profile.display_name) return formError(form, t("Please give your name."));
  const button = form.querySelector("button");
  button.disabled = true;
  say(t("Signing your application…"));
  try {
    const salt = newSalt();
    await act("membership.application.submitted", { commitment: await commitment(profile, salt) }, {
      path: "/v1/membership/applications",
      wrap: (signed) => ({ event: signed, profile, salt }),
    });
    sayAfterReload(t("Your application is signed and logged."));
    location.reload();
  } catch (error) {
    say("");
    formError(form, explain(error));
  } finally {
    button.disabled = false;
  }
}

const form = document.getElementById("apply");
if (form) form.addEventListener("submit", apply);
for (const button of document.querySelectorAll("[data-copy]")) {
  button.addEventListener("click", async () => {
    await navigator.clipboard.writeText(button.dataset.copy);
    say(t("The link is copied."), "success");
  });
}
