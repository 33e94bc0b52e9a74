// Calls to Grey's API with the signed-in key. The key lives in sessionStorage and only
// ever travels in the Authorization header, never in a URL.

const keyName = "grey.apiKey";

export function storedKey() {
  return sessionStorage.getItem(keyName);
}

export function storeKey(key) {
  sessionStorage.setItem(keyName, key);
}

export function forgetKey() {
  sessionStorage.removeItem(keyName);
}

/** An error answer of the API: its problem+json `detail` and `code`, or what went wrong. */
export class APIError extends Error {
  constructor(status, code, detail) {
    super(detail);
    this.status = status;
    this.code = code;
    this.detail = detail;
  }

  /** One line for people: the detail, then the code. */
  get summary() {
    return this.code ? `${this.detail} (${this.code})` : this.detail;
  }
}

/** Turns a failed response into an APIError, reading problem+json when it is one. */
export async function errorFrom(response) {
  let problem = {};
  try {
    problem = await response.json();
  } catch {
    // Not JSON: keep the status line.
  }
  const detail = typeof problem.detail === "string" ? problem.detail : `${response.status} ${response.statusText}`.trim();
  return new APIError(response.status, typeof problem.code === "string" ? problem.code : "", detail);
}

/** Listeners told when the API answers 401 (the key is wrong or was revoked). */
const unauthorizedListeners = [];
export function onUnauthorized(listener) {
  unauthorizedListeners.push(listener);
}

/**
 * Sends `method path` with the key (and `body` as JSON) and returns the parsed JSON, or
 * null for an empty answer. Throws an APIError for any status outside 2xx.
 */
export async function api(method, path, body, key = storedKey()) {
  const headers = { Accept: "application/json" };
  if (key) headers.Authorization = `Bearer ${key}`;
  const init = { method, headers, cache: "no-store", credentials: "omit" };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    throw new APIError(0, "network", `Grey could not be reached: ${error.message}`);
  }
  if (!response.ok) {
    const error = await errorFrom(response);
    if (response.status === 401 && key === storedKey()) unauthorizedListeners.forEach((listener) => listener(error));
    throw error;
  }
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

/** A query string from the defined values of `parameters`. */
export function query(parameters) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) {
    if (value !== undefined && value !== null && value !== "") search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

/** Percent-encodes one path segment (ids come from users and from the API). */
export function segment(value) {
  return encodeURIComponent(value);
}
