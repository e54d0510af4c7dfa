// The page scripts' messages in the reader's language (docs/languages.md, "Page scripts").
//
// Every page carries the translations of the scripts' messages into its reader's language
// as JSON, <script type="application/json" id="cw-messages"> (made by
// web/script_messages.py, where each message is marked for the catalogues): English pages
// carry none, as a message's English is its own key. t("Signing…") is the message in the
// page's language; placeholders are named as in the catalogues: t("Entry %(index)s", {index}).

let table = null;

function messages() {
  if (table === null) {
    table = {};
    const element = globalThis.document && document.getElementById("cw-messages");
    try {
      if (element) table = JSON.parse(element.textContent) || {};
    } catch {
      table = {};
    }
  }
  return table;
}

function fill(text, values) {
  return text.replace(/%\((\w+)\)[sd]|%%/g, (whole, name) =>
    whole === "%%" ? "%" : name in values ? String(values[name]) : whole);
}

// `message` (its English, as marked in web/script_messages.py) in the page's language.
export function t(message, values = {}) {
  const said = (messages().messages || {})[message];
  return fill(typeof said === "string" && said ? said : message, values);
}

// The singular or the plural of a message for `n` (`%(num)s` is n), in the page's language:
// the page gives each plural category of its language (Intl.PluralRules) its form.
export function tn(singular, plural, n, values = {}) {
  const forms = (messages().plurals || {})[singular];
  let text = null;
  if (forms) {
    const language = (globalThis.document && document.documentElement.lang) || "en";
    text = forms[new Intl.PluralRules(language).select(n)] || forms.other || null;
  }
  return fill(text || (n === 1 ? singular : plural), { num: n, ...values });
}
