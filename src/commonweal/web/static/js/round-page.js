// The funding pages: amounts typed in the unit's decimals become minor units (giving to
// a project, asking a pool, adding funds, opening a round), and an open round's matches
// follow the log while the page is open.

import { getJson } from "./api.js";
import { instant, toMinor } from "./amounts.js";
import { enhanceForms, registerBody } from "./forms.js";
import { t } from "./messages.js";

function field(form, name) {
  return form.querySelector(`[name="${name}"]`);
}

function amount(form, what, name = "amount") {
  return toMinor(field(form, name).value, Number(field(form, "exponent").value), what);
}

registerBody("contribution", (form) => ({
  project: Number(field(form, "project").value),
  amount: amount(form, t("Your gift")),
}));

registerBody("proposal", (form) => {
  const body = { pool: Number(field(form, "pool").value), title: field(form, "title").value.trim(), amount: amount(form, t("The amount")) };
  const description = field(form, "description").value.trim();
  if (description) body.description = description;
  return body;
});

registerBody("deposit", (form) => ({ pool: Number(field(form, "pool").value), amount: amount(form, t("The amount")) }));

registerBody("round", (form) => {
  const unit = field(form, "unit");
  if (!unit.value) throw new Error(t("This node has declared no currency yet; declare one in the treasury first."));
  const exponent = Number(unit.selectedOptions[0].dataset.exponent || "0");
  const method = field(form, "method").value;
  const body = {
    title: field(form, "title").value.trim(),
    unit: unit.value,
    pool: toMinor(field(form, "pool").value, exponent, t("The matching pool")),
    closes: instant(field(form, "closes").value, t("The closing time")),
    method,
  };
  const description = field(form, "description").value.trim();
  if (description) body.description = description;
  if (method === "capped") body.cap = toMinor(field(form, "cap").value, exponent, t("The cap"));
  if (method === "pairwise") body.m = toMinor(field(form, "m").value, exponent, "M");
  if (field(form, "spend_whole_pool").checked) body.spend_whole_pool = true;
  return body;
});

function wireRoundForm(form) {
  const method = field(form, "method");
  const update = () => {
    for (const part of form.querySelectorAll("[data-when-method]")) part.hidden = part.dataset.whenMethod !== method.value;
  };
  method.addEventListener("change", update);
  update();
}

// The matches of an open round, refreshed from the JSON API while the page is visible.
function followRound(section) {
  const id = section.dataset.liveRound;
  const format = (value, unit, exponent) => {
    const digits = String(value).padStart(exponent + 1, "0");
    const whole = digits.slice(0, digits.length - exponent).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return `${whole}${exponent ? "." + digits.slice(-exponent) : ""} ${unit}`;
  };
  const refresh = async () => {
    if (document.hidden) return;
    try {
      const round = await getJson(`/v1/rounds/${id}`);
      const exponent = Number(section.dataset.exponent || "0");
      for (const project of round.projects) {
        const cell = document.querySelector(`[data-match="${project.id}"]`);
        if (cell) cell.textContent = format(project.match, round.unit, exponent);
      }
      const matched = section.querySelector("[data-round-matched]");
      if (matched) matched.textContent = format(round.result.matched, round.unit, exponent);
    } catch {
      // the next tick tries again
    }
  };
  setInterval(refresh, 15000);
}

for (const form of document.querySelectorAll("[data-open-round]")) wireRoundForm(form);
for (const section of document.querySelectorAll("[data-live-round]")) if (section.dataset.liveRound) followRound(section);
enhanceForms();
