// The campaign pages: launching (the kind decides the terms; amounts are typed in the
// unit's decimals and sent as minor units; the deadline in the device's time zone is
// sent in UTC), and pledging an amount of one's choosing to an all-or-nothing campaign.

import { instant, toMinor, wholeNumber } from "./amounts.js";
import { enhanceForms, registerBody } from "./forms.js";
import { t } from "./messages.js";

function field(form, name) {
  return form.querySelector(`[name="${name}"]`);
}

function checked(form, name) {
  return form.querySelector(`[name="${name}"]:checked`).value;
}

function wireLaunch(form) {
  const update = () => {
    const kind = checked(form, "kind");
    for (const part of form.querySelectorAll("[data-when-kind]")) {
      part.hidden = !part.dataset.whenKind.split(" ").includes(kind);
    }
  };
  for (const radio of form.querySelectorAll('[name="kind"]')) radio.addEventListener("change", update);
  update();
}

registerBody("launch", (form) => {
  const kind = checked(form, "kind");
  const title = field(form, "title").value.trim();
  if (!title) throw new Error(t("Give the campaign a title."));
  const body = { kind, title, deadline: instant(field(form, "deadline").value, t("The deadline")) };
  const description = field(form, "description").value.trim();
  if (description) body.description = description;
  if (kind === "threshold") {
    body.action = field(form, "action").value.trim();
    if (!body.action) throw new Error(t("Say what each pledger will do."));
    body.threshold = wholeNumber(field(form, "threshold").value, t("How many people must pledge"));
    if (field(form, "network").checked) body.network = true;
    return body;
  }
  const unit = field(form, "unit");
  if (!unit.value) throw new Error(t("This node has declared no currency yet; a steward declares one in the treasury."));
  const exponent = Number(unit.selectedOptions[0].dataset.exponent || "0");
  body.unit = unit.value;
  body.goal = toMinor(field(form, "goal").value, exponent, t("The goal"));
  if (kind === "dominant_assurance") {
    body.price = toMinor(field(form, "price").value, exponent, t("The price"));
    body.bonus = toMinor(field(form, "bonus").value, exponent, t("The bonus"));
  }
  const beneficiary = checked(form, "beneficiary");
  if (beneficiary) body.beneficiary = beneficiary;
  return body;
});

registerBody("pledge", (form) => ({
  campaign: Number(field(form, "campaign").value),
  home: field(form, "home").value,
  amount: toMinor(field(form, "amount").value, Number(field(form, "exponent").value), t("Your pledge")),
}));

for (const form of document.querySelectorAll("[data-launch]")) wireLaunch(form);
enhanceForms();
