// The notice line at the top of the page, for errors and news.

import { APIError } from "./api.js";
import { byId } from "./dom.js";

/** Shows `text` (or hides the notice when it is empty). */
export function notify(text, tone = "error") {
  const notice = byId("notice");
  notice.textContent = text;
  notice.dataset.tone = tone;
  notice.hidden = !text;
}

/** An error as one line for people. */
export function describe(error) {
  return error instanceof APIError ? error.summary : String(error?.message ?? error);
}

/** Runs `work`, showing its error (a 401 is handled by signing out). */
export async function attempt(work) {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof APIError && error.status === 401)) notify(describe(error));
    return undefined;
  }
}
