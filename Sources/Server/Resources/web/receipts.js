// A transaction's receipts: a tile per file with its preview, and the viewer that shows
// one inline (the large thumbnail, the PDF, the video or the audio).

import { api, APIError, segment } from "./api.js";
import { el, fill, formatSize, reveal, statusLabel } from "./dom.js";

/** What kind of thing the file is, by the type Grey detected (else the declared one). */
export function kindOf(file) {
  const type = file.detectedType || file.declaredType || "";
  if (type === "application/pdf") return "pdf";
  if (type.startsWith("image/")) return "image";
  if (type.startsWith("video/")) return "video";
  if (type.startsWith("audio/")) return "audio";
  return "document";
}

/**
 * The preview of one of `kinds` made for a box of `size` (previews fit a square box, so
 * their longer side): the smallest at least that large, else the largest there is.
 */
function preview(file, kinds, size) {
  const side = (item) => Math.max(item.width, item.height);
  const candidates = (file.previews ?? []).filter((item) => kinds.includes(item.kind)).sort((a, b) => side(a) - side(b));
  return candidates.find((item) => side(item) >= size) ?? candidates.at(-1) ?? null;
}

/** A signed URL for the file's bytes, shown inline or downloaded. */
async function downloadURL(file, disposition) {
  const answer = await api("POST", `/v1/files/${segment(file.id)}/download-url`, { disposition });
  return answer.url;
}

/** One tile: the preview image (or the status), the name, and a button that opens it. */
function tile(file, onOpen) {
  const small = preview(file, ["thumbnail", "page", "still", "waveform"], 256);
  const picture = small
    ? el("img", { src: small.url, alt: `Preview of ${file.filename}`, width: small.width, height: small.height, loading: "lazy", decoding: "async" })
    : el("span", { className: "placeholder", textContent: kindOf(file) });
  const caption = [el("span", { className: "name", textContent: file.filename, title: file.filename })];
  if (file.status !== "ready") caption.push(el("span", { className: "status", textContent: statusLabel(file.status) }));
  if (file.rejection) {
    caption.push(el("span", { className: "message", textContent: `${file.rejection.detail} (${file.rejection.code})` }));
  }
  const button = el(
    "button",
    { type: "button", className: "tile", disabled: file.status !== "ready", attributes: { "aria-label": `Open ${file.filename}` } },
    el("span", { className: "frame" }, picture),
    ...caption,
  );
  button.addEventListener("click", () => onOpen(file));
  return el("li", { dataset: { fileId: file.id, status: file.status, kind: kindOf(file) } }, button);
}

/** Draws `files` into `list`, each opening in `viewer` when clicked. */
export function showReceipts(files, list, viewer) {
  if (files.length === 0) {
    fill(list, el("li", { className: "empty muted", textContent: "No receipts yet." }));
    return;
  }
  fill(list, files.map((file) => tile(file, (chosen) => openReceipt(chosen, viewer))));
}

/** Shows `file` inline in `viewer`. */
export async function openReceipt(file, viewer) {
  viewer.hidden = false;
  const close = el("button", { type: "button", className: "quiet", textContent: "Close" });
  close.addEventListener("click", () => {
    fill(viewer);
    viewer.hidden = true;
  });
  const heading = el(
    "div",
    { className: "viewer-bar" },
    el("strong", { className: "name", textContent: file.filename }),
    el("span", { className: "muted", textContent: `${file.detectedType ?? file.declaredType} · ${formatSize(file.size)}` }),
    close,
  );
  fill(viewer, heading, el("p", { className: "muted", textContent: "Loading…" }));
  viewer.dataset.fileId = file.id;
  try {
    const body = await viewerBody(file);
    if (viewer.dataset.fileId !== file.id) return; // another file was opened meanwhile
    fill(viewer, heading, body);
    reveal(viewer);
  } catch (error) {
    const text = error instanceof APIError ? error.summary : String(error.message ?? error);
    fill(viewer, heading, el("p", { className: "message", textContent: text }));
  }
}

async function viewerBody(file) {
  const kind = kindOf(file);
  if (kind === "image") {
    const large = preview(file, ["thumbnail"], 1024);
    const src = large ? large.url : await downloadURL(file, "inline");
    return el("img", { className: "shown", src, alt: file.filename, dataset: { role: "receipt-image" } });
  }
  if (kind === "pdf") {
    const src = await downloadURL(file, "inline");
    // Phones often show no PDF in a frame: the link opens the browser's own viewer.
    return el(
      "div",
      { className: "pdf" },
      el("iframe", { className: "shown document", src, title: file.filename, dataset: { role: "receipt-pdf" } }),
      el("a", { href: src, target: "_blank", rel: "noopener noreferrer", textContent: "Open the PDF in a new tab" }),
    );
  }
  if (kind === "video") {
    const still = preview(file, ["still"], 1024);
    const src = await downloadURL(file, "inline");
    const video = el("video", { className: "shown", src, controls: true, preload: "metadata", dataset: { role: "receipt-video" } });
    if (still) video.poster = still.url;
    return video;
  }
  if (kind === "audio") {
    const waveform = preview(file, ["waveform"], 1024);
    const src = await downloadURL(file, "inline");
    return el(
      "div",
      { className: "audio" },
      waveform ? el("img", { className: "shown", src: waveform.url, alt: `Waveform of ${file.filename}` }) : null,
      el("audio", { src, controls: true, preload: "metadata", dataset: { role: "receipt-audio" } }),
    );
  }
  const link = el("a", { className: "button", textContent: `Download ${file.filename}`, href: await downloadURL(file, "attachment") });
  return el("p", {}, link);
}
