// RFC 8785 JSON Canonicalization Scheme (JCS), the bytes every Commonweal signature covers.
//
// JCS was designed around ECMAScript's own JSON serialisation: numbers are written
// as Number.prototype.toString writes them, strings with JSON.stringify's escapes,
// and object members sorted by their UTF-16 code units (what Array.prototype.sort
// compares). What is left is to recurse, refuse what JSON cannot carry, and sort.

export class CanonicalizationError extends TypeError {}

export function canonicalize(value) {
  return serialize(value, 0);
}

export function canonicalBytes(value) {
  return new TextEncoder().encode(canonicalize(value));
}

const MAX_DEPTH = 64;

function serialize(value, depth) {
  if (depth > MAX_DEPTH) throw new CanonicalizationError("nested too deeply");
  if (value === null || typeof value === "boolean") return value ? "true" : value === null ? "null" : "false";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new CanonicalizationError("NaN and Infinity are not JSON");
    return JSON.stringify(value); // ES6 Number-to-String: exactly what RFC 8785 section 3.2.2.3 asks
  }
  if (typeof value === "string") {
    checkWellFormed(value);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return "[" + value.map((item) => serialize(item, depth + 1)).join(",") + "]";
  }
  if (typeof value === "object") {
    const keys = Object.keys(value).filter((k) => value[k] !== undefined).sort();
    return "{" + keys.map((k) => {
      checkWellFormed(k);
      return JSON.stringify(k) + ":" + serialize(value[k], depth + 1);
    }).join(",") + "}";
  }
  throw new CanonicalizationError(`a ${typeof value} is not JSON`);
}

function checkWellFormed(text) {
  // I-JSON (RFC 7493), which RFC 8785 requires, forbids lone surrogates.
  const paired = text.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, "");
  if (/[\uD800-\uDFFF]/.test(paired)) {
    throw new CanonicalizationError("a string holds a lone surrogate");
  }
}
