// Building the page from data without ever parsing data as HTML, and formatting values.

/**
 * A new element: `properties` are set as properties (`className`, `hidden`, `src`…) or,
 * under `attributes`/`dataset`, as attributes; children are nodes or text (set as text).
 */
export function el(tag, properties = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(properties)) {
    if (name === "attributes") {
      for (const [attribute, text] of Object.entries(value)) element.setAttribute(attribute, text);
    } else if (name === "dataset") {
      Object.assign(element.dataset, value);
    } else {
      element[name] = value;
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces every child of `element` with `children`. */
export function fill(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

/** Scrolls `element` into view, smoothly unless the reader asked for less motion. */
export function reveal(element, block = "nearest") {
  const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  element.scrollIntoView({ block, behavior: still ? "auto" : "smooth" });
}

/** The byId lookup, failing loudly when the page and the script disagree. */
export function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from the page`);
  return element;
}

/** ISO 4217 codes the browser knows, with their minor-unit digits (custom assets are absent). */
const isoCurrencies = new Set(typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("currency") : []);

function minorDigits(currency) {
  if (!isoCurrencies.has(currency)) return null;
  return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits;
}

/**
 * An integer of minor units as the currency writes it: 1234 USD is "12.34", 5 JPY is "5";
 * an asset code of the tenant's own is shown as the raw integer (1234 GOLD_COIN). Pure string arithmetic,
 * so every amount up to 2^53 - 1 stays exact.
 */
export function formatAmount(minorUnits, currency) {
  const negative = minorUnits < 0;
  const digits = String(Math.abs(minorUnits));
  const places = minorDigits(currency);
  let whole = digits;
  let fraction = "";
  if (places) {
    const padded = digits.padStart(places + 1, "0");
    whole = padded.slice(0, -places);
    fraction = padded.slice(-places);
  }
  const grouped = places === null ? whole : whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${negative ? "−" : ""}${grouped}${fraction ? "." + fraction : ""}`;
}

/** The amount and its currency code, e.g. "12.34 USD". */
export function formatMoney(minorUnits, currency) {
  return `${formatAmount(minorUnits, currency)} ${currency}`;
}

/** A timestamp in the reader's locale, short. */
export function formatTime(text) {
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) return String(text ?? "");
  return date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** A byte count for people (1.2 MB). */
export function formatSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** Status words as people read them. */
export function statusLabel(status) {
  return { awaiting_upload: "awaiting upload", processing: "processing", ready: "ready", rejected: "rejected" }[status] ?? status;
}
