// Uploading a receipt: hash it in the browser, declare it, PUT the bytes to the signed URL
// with a progress bar, then follow the file until it is ready or rejected.

import { api, APIError, segment } from "./api.js";
import { el, formatSize, statusLabel } from "./dom.js";

/** Types by extension, for files the browser gives no type (HEIC on many systems). */
const typesByExtension = {
  jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png", heic: "image/heic", heif: "image/heif",
  webp: "image/webp", gif: "image/gif", mp4: "video/mp4", mov: "video/quicktime", pdf: "application/pdf",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  mp3: "audio/mpeg", wav: "audio/wav",
};

/** Headers a page may not set on a request; the browser sets them itself. */
const forbiddenHeaders = new Set(["content-length", "host", "connection", "expect", "transfer-encoding"]);

const pollInterval = 1000;
const pollLimit = 10 * 60 * 1000;

function contentTypeOf(file) {
  if (file.type) return file.type;
  const extension = file.name.includes(".") ? file.name.split(".").pop().toLowerCase() : "";
  return typesByExtension[extension] ?? "application/octet-stream";
}

/** The file's SHA-256 as lowercase hex. */
export async function sha256Hex(file) {
  const digest = await crypto.subtle.digest("SHA-256", await file.arrayBuffer());
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** PUTs `file` as `upload` says, reporting progress; resolves with the file JSON. */
function put(file, upload, onProgress) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open(upload.method || "PUT", upload.url);
    for (const [name, value] of Object.entries(upload.headers ?? {})) {
      if (!forbiddenHeaders.has(name.toLowerCase())) request.setRequestHeader(name, value);
    }
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded, event.total);
    };
    request.onload = () => {
      let body = null;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        // An empty or non-JSON answer.
      }
      if (request.status >= 200 && request.status < 300) {
        onProgress(file.size, file.size);
        resolve(body);
      } else {
        const detail = body && typeof body.detail === "string" ? body.detail : `Upload failed with ${request.status}`;
        reject(new APIError(request.status, body?.code ?? "", detail));
      }
    };
    request.onerror = () => reject(new APIError(0, "network", "The upload was interrupted."));
    request.send(file);
  });
}

const sleep = (milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/**
 * One upload's row in the list: its name, a <progress>, and its status as it moves.
 * `onSettled(file)` runs once the file is ready or rejected.
 */
export class UploadRow {
  constructor(file, list) {
    this.status = el("span", { className: "status", textContent: "hashing" });
    this.progress = el("progress", { max: 1, value: 0, attributes: { "aria-label": `Upload of ${file.name}` } });
    this.message = el("p", { className: "message", hidden: true });
    this.element = el(
      "li",
      { className: "upload" },
      el("span", { className: "name", textContent: file.name, title: file.name }),
      el("span", { className: "muted", textContent: formatSize(file.size) }),
      this.status,
      this.progress,
      this.message,
    );
    this.element.dataset.state = "hashing";
    list.prepend(this.element);
  }

  show(state, text = statusLabel(state)) {
    this.element.dataset.state = state;
    this.status.textContent = text;
  }

  fail(error) {
    this.show("failed", "failed");
    this.message.hidden = false;
    this.message.textContent = error instanceof APIError ? error.summary : String(error.message ?? error);
  }
}

/** Uploads `file` onto `transactionId`, driving `row`; resolves with the settled file. */
export async function uploadReceipt(file, transactionId, row) {
  const sha256 = await sha256Hex(file);
  row.show("declaring", "declaring");
  const declared = await api("POST", "/v1/uploads", {
    filename: file.name, contentType: contentTypeOf(file), size: file.size, sha256, transactionId,
  });
  row.element.dataset.fileId = declared.fileId;
  row.show("awaiting_upload");
  const uploaded = await put(file, declared.upload, (loaded, total) => {
    row.progress.max = total || 1;
    row.progress.value = loaded;
  });
  let current = uploaded ?? (await api("GET", `/v1/files/${segment(declared.fileId)}`));
  const deadline = Date.now() + pollLimit;
  while (current.status !== "ready" && current.status !== "rejected") {
    row.show(current.status);
    if (Date.now() > deadline) throw new APIError(0, "timeout", "The file is still processing; look again later.");
    await sleep(pollInterval);
    current = await api("GET", `/v1/files/${segment(declared.fileId)}`);
  }
  row.show(current.status);
  if (current.status === "rejected") {
    const rejection = current.rejection ?? { code: "rejected", detail: "The file was refused." };
    row.message.hidden = false;
    row.message.textContent = `Rejected: ${rejection.detail} (${rejection.code})`;
  }
  return current;
}
