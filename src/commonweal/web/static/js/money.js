// Treasury and mutual-credit pages: amounts typed as decimals and signed as whole minor
// units, receipts hashed in this browser (only their "sha256:" digest is signed; the
// file never leaves the page), budget lines offered by fund and unit, and the expense
// form, which drafts and then submits in two signed events.
//
//   <form data-event="treasury.transfer.sent" data-body="money">
//     <select name="unit"><option value="EUR" data-exponent="2">…</select>
//     <input name="amount" data-money>            → 1250 for "12.50"
//     <input type="file" data-ignore data-digest-into="evidence">
//     <input id="evidence" name="evidence" type="hidden" data-omit-empty>
//
// A data-money field takes its unit's exponent from its own data-exponent, or from the
// form's unit field (its selected option's data-exponent).

import { explain } from "./api.js";
import { sha256, toHex } from "./bytes.js";
import { act } from "./events.js";
import { registerBody } from "./forms.js";
import { readLocally } from "./locale.js";
import { t, tn } from "./messages.js";
import { clearFormError, formError, say, sayAfterReload } from "./ui.js";

const LARGEST = 2 ** 53 - 1;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

function labelOf(field) {
  const label = field.labels && field.labels[0];
  return label ? label.textContent.trim().replace(/\s+/g, " ").replace(/\s*\(.*$/, "") : t("The amount");
}

// "12.5" with exponent 2 → 1250. Exact: digits are joined as text, never multiplied as floats.
export function toMinor(text, exponent, label = t("The amount")) {
  const clean = String(text).trim();
  const match = /^(\d+)(?:\.(\d*))?$/.exec(clean);
  if (!match) {
    throw new Error(t("%(what)s must be a number like 12.50: digits, and a dot before the decimals (no thousands separators).", { what: label }));
  }
  const fraction = match[2] || "";
  if (fraction.length > exponent) {
    throw new Error(exponent ? tn("%(what)s has at most %(num)s decimal place in this unit.", "%(what)s has at most %(num)s decimal places in this unit.", exponent, { what: label }) : t("%(what)s is a whole number in this unit.", { what: label }));
  }
  const digits = (match[1] + fraction.padEnd(exponent, "0")).replace(/^0+(?=\d)/, "");
  if (digits.length > 16 || Number(digits) > LARGEST) throw new Error(t("%(what)s is too large.", { what: label }));
  const value = Number(digits);
  if (value <= 0) throw new Error(t("%(what)s must be more than zero.", { what: label }));
  return value;
}

function exponentOf(field, form) {
  if (field.dataset.exponent !== undefined) return Number(field.dataset.exponent);
  const unit = form.querySelector('[name="unit"]');
  const source = unit && unit.selectedOptions ? unit.selectedOptions[0] : unit;
  if (source && source.dataset.exponent !== undefined) return Number(source.dataset.exponent);
  throw new Error(t("Choose the unit first."));
}

function requireDigestsReady(form) {
  if (form.dataset.hashing) throw new Error(t("Still reading the file to compute its digest; try again in a moment."));
}

// A signed form's body with its data-money fields in minor units (see forms.js for the rest).
export function moneyBody(form) {
  requireDigestsReady(form);
  const body = {};
  for (const field of form.elements) {
    if (!field.name || field.disabled || field.hasAttribute("data-ignore")) continue;
    if ((field.type === "checkbox" || field.type === "radio") && !field.checked) continue;
    const raw = field.value;
    if (raw.trim() === "" && field.hasAttribute("data-omit-empty")) continue;
    let value = raw;
    if ("money" in field.dataset) value = toMinor(raw, exponentOf(field, form), labelOf(field));
    else if (field.dataset.type === "int") value = Number(raw);
    else if (field.dataset.type === "json") value = JSON.parse(raw);
    else if (field.tagName === "INPUT") value = raw.trim();
    if (field.name === "evidence" && typeof value === "string" && !DIGEST.test(value)) {
      throw new Error('The evidence digest is "sha256:" and 64 hexadecimal digits: choose the file and it is filled in.');
    }
    body[field.name] = value;
  }
  return body;
}

registerBody("money", moneyBody);

// --- receipts: digests computed here, never uploaded -------------------------------

export async function digestOf(file) {
  return "sha256:" + toHex(await sha256(new Uint8Array(await file.arrayBuffer())));
}

function showDigests(form, target, digests) {
  const shown = form.querySelector(`[data-digest-shown="${target.id}"]`);
  if (!shown) return;
  shown.textContent = "";
  if (shown.tagName === "UL" || shown.tagName === "OL") {
    for (const [name, digest] of digests) {
      const item = document.createElement("li");
      const code = document.createElement("code");
      code.textContent = digest;
      item.append(`${name}: `, code);
      shown.append(item);
    }
  } else if (digests.length) {
    shown.textContent = t("Digest of %(file)s: %(digest)s", { file: digests[0][0], digest: digests[0][1] });
  }
}

function wireDigests(root = document) {
  for (const input of root.querySelectorAll("input[type=file][data-digest-into]")) {
    const form = input.form;
    const target = document.getElementById(input.dataset.digestInto);
    input.addEventListener("change", async () => {
      form.dataset.hashing = "yes";
      try {
        const digests = [];
        for (const file of input.files) digests.push([file.name, await digestOf(file)]);
        if (target.dataset.type === "json") {
          target.value = digests.length ? JSON.stringify(digests.map(([, d]) => d)) : "";
        } else {
          target.value = digests.length ? digests[0][1] : "";
        }
        showDigests(form, target, digests);
        if (digests.length) say(tn("Computed the digest in this browser; the file stays here.", "Computed %(num)s digests in this browser; the files stay here.", digests.length));
      } catch (error) {
        formError(form, t("That file could not be read: %(why)s", { why: explain(error) }));
      } finally {
        delete form.dataset.hashing;
      }
    });
  }
}

// "Check a receipt": does a file someone shows you match one of the published digests?
function wireReceiptChecks() {
  for (const box of document.querySelectorAll("[data-check-receipts]")) {
    const digests = JSON.parse(box.dataset.digests);
    const input = box.querySelector("input[type=file]");
    const result = box.querySelector("[data-check-result]");
    input.addEventListener("change", async () => {
      if (!input.files.length) return;
      result.className = "verdict";
      result.textContent = t("Reading…");
      const digest = await digestOf(input.files[0]);
      const at = digests.indexOf(digest);
      result.textContent = at >= 0
        ? t("It matches receipt %(receipt)s: this is the document that was claimed.", { receipt: at + 1 })
        : t("It matches none of the receipts (its digest is %(digest)s).", { digest });
      result.classList.add(at >= 0 ? "good" : "bad");
    });
  }
}

// --- the expense form ---------------------------------------------------------------

function offerLines(form) {
  const select = form.querySelector("[data-budget-lines]");
  if (!select) return;
  const fund = form.querySelector('[name="fund"]').value;
  const unit = form.querySelector('[name="unit"]').value;
  for (const option of select.options) {
    if (!option.value) continue;
    const fits = option.dataset.fund === fund && option.dataset.unit === unit;
    option.hidden = !fits;
    option.disabled = !fits;
    if (!fits && option.selected) select.value = "";
  }
}

let itemCount = 0;

function addItem(form) {
  const row = document.getElementById("item-row").content.firstElementChild.cloneNode(true);
  itemCount += 1;
  for (const [selector, name] of [["[data-item-title]", "title"], ["[data-item-amount]", "amount"]]) {
    const input = row.querySelector(selector);
    input.id = `item-${itemCount}-${name}`;
    input.previousElementSibling.htmlFor = input.id;
    input.previousElementSibling.textContent = name === "title" ? t("Item %(item)s", { item: itemCount }) : t("Amount of item %(item)s", { item: itemCount });
  }
  const remove = row.querySelector("[data-remove-item]");
  remove.setAttribute("aria-label", t("Remove item %(item)s", { item: itemCount }));
  remove.addEventListener("click", () => {
    row.remove();
    form.querySelector("[data-add-item]").focus();
    itemsTotal(form);
  });
  row.addEventListener("input", () => itemsTotal(form));
  form.querySelector("[data-item-rows]").append(row);
  row.querySelector("[data-item-title]").focus();
}

function items(form) {
  const exponent = exponentOf(form.querySelector('[name="amount"]'), form);
  const found = [];
  for (const row of form.querySelectorAll(".item-row")) {
    const title = row.querySelector("[data-item-title]").value.trim();
    const amount = row.querySelector("[data-item-amount]").value.trim();
    if (!title && !amount) continue;
    if (!title) throw new Error(t("Each item needs a name."));
    found.push({ title, amount: toMinor(amount, exponent, t("The amount of %(item)s", { item: title })) });
  }
  return found;
}

function itemsTotal(form) {
  const shown = form.querySelector("[data-items-total]");
  try {
    const listed = items(form);
    if (!listed.length) {
      shown.textContent = "";
      return;
    }
    const total = listed.reduce((sum, item) => sum + item.amount, 0);
    const exponent = exponentOf(form.querySelector('[name="amount"]'), form);
    const text = exponent ? `${Math.floor(total / 10 ** exponent)}.${String(total % 10 ** exponent).padStart(exponent, "0")}` : String(total);
    shown.textContent = t("Items so far: %(total)s.", { total: text });
  } catch {
    shown.textContent = "";
  }
}

export function expenseBody(form) {
  const body = moneyBody(form);
  const listed = items(form);
  if (listed.length) {
    const total = listed.reduce((sum, item) => sum + item.amount, 0);
    if (total !== body.amount) throw new Error(t("The items must add up to the amount."));
    body.items = listed;
  }
  return body;
}

function wireExpenseForm() {
  const form = document.querySelector("form[data-expense-form]");
  if (!form) return;
  for (const name of ["fund", "unit"]) form.querySelector(`[name="${name}"]`).addEventListener("change", () => offerLines(form));
  offerLines(form);
  form.querySelector("[data-add-item]").addEventListener("click", () => addItem(form));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFormError(form);
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    form.setAttribute("aria-busy", "true");
    let restore = () => {};
    try {
      restore = await readLocally(form);
      const body = expenseBody(form);
      say(t("Signing with your key and sending…"));
      const { receipt } = await act("treasury.expense.drafted", body);
      let message = t("Your expense is saved as a draft (entry %(index)s).", { index: receipt.index });
      if (form.querySelector("#submit-now").checked) {
        try {
          await act("treasury.expense.submitted", { expense: receipt.index });
          message = t("Your expense is submitted for approval (entry %(index)s).", { index: receipt.index });
        } catch (error) {
          message = t("Your expense is saved as a draft, but submitting it failed: %(why)s Submit it from this page.", { why: explain(error) });
        }
      }
      sayAfterReload(message);
      location.assign(`/treasury/expenses/${receipt.index}`);
    } catch (error) {
      say("");
      formError(form, explain(error));
    } finally {
      restore();
      button.disabled = false;
      form.removeAttribute("aria-busy");
    }
  });
}

wireDigests();
wireReceiptChecks();
wireExpenseForm();
