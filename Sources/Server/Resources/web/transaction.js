// The open transaction: its facts, its receipts, and uploads onto it.

import { api, APIError, query, segment } from "./api.js";
import { byId, el, fill, formatMoney, formatTime, reveal } from "./dom.js";
import { notify } from "./notice.js";
import { showReceipts } from "./receipts.js";
import { UploadRow, uploadReceipt } from "./uploads.js";

/** The transaction on show, or null. */
let current = null;

/** Forgets the open transaction (on signing out). */
export function closeTransaction() {
  current = null;
}

function fact(term, value) {
  return value === null || value === undefined || value === "" ? [] : [el("dt", { textContent: term }), el("dd", { textContent: String(value) })];
}

function showTransaction(transaction) {
  const entries = el(
    "ul",
    { className: "entries" },
    (transaction.entries ?? []).map((entry) =>
      el(
        "li",
        {},
        el("span", { className: "id", textContent: entry.walletId ?? entry.accountId }),
        el("span", { textContent: `${entry.direction} ${formatMoney(entry.amount, transaction.currency)}` }),
        el("span", { className: "muted", textContent: `after ${formatMoney(entry.balanceAfter, transaction.currency)}` }),
      ),
    ),
  );
  fill(byId("transaction-title"), "Transaction ", el("span", { className: "id", textContent: transaction.id }));
  fill(
    byId("transaction-facts"),
    fact("Type", transaction.type),
    fact("Amount", formatMoney(transaction.amount, transaction.currency)),
    fact("Created", formatTime(transaction.createdAt)),
    fact("Memo", transaction.memo),
    fact("Reference", transaction.externalRef),
    fact("Reverses", transaction.reversesId),
    el("dt", { textContent: "Entries" }),
    el("dd", {}, entries),
  );
}

/** Shows transaction `id`, its facts and its receipts. */
export async function openTransaction(id) {
  const transaction = await api("GET", `/v1/transactions/${segment(id)}`);
  current = transaction;
  showTransaction(transaction);
  fill(byId("uploads"));
  fill(byId("viewer"));
  byId("viewer").hidden = true;
  byId("transaction").hidden = false;
  await loadReceipts();
  reveal(byId("transaction"), "start");
}

async function loadReceipts() {
  const transaction = current;
  const files = [];
  let cursor = null;
  do {
    const page = await api("GET", `/v1/transactions/${segment(transaction.id)}/attachments${query({ cursor })}`);
    files.push(...page.data);
    cursor = page.nextCursor;
  } while (cursor);
  if (current === transaction) showReceipts(files, byId("receipts"), byId("viewer"));
}

/** Uploads one file onto the open transaction and redraws the receipts when it settles. */
async function upload(file) {
  const transaction = current;
  const row = new UploadRow(file, byId("uploads"));
  try {
    const settled = await uploadReceipt(file, transaction.id, row);
    if (settled.status === "ready" && !(settled.transactionIds ?? []).includes(transaction.id)) await attach(settled.id, transaction.id);
    if (current === transaction) await loadReceipts();
  } catch (error) {
    row.fail(error);
  }
}

/** Links a file to a transaction, for servers that did not link it at upload. */
async function attach(fileId, transactionId) {
  try {
    await api("POST", `/v1/transactions/${segment(transactionId)}/attachments`, { fileId });
  } catch (error) {
    if (!(error instanceof APIError && error.code === "already_attached")) throw error;
  }
}

function uploadAll(files) {
  if (!current) return;
  notify("");
  for (const file of files) upload(file);
}

/** Takes files dropped on the drop zone or chosen with its picker. */
export function wireDropZone() {
  const zone = byId("drop-zone");
  const input = byId("file-input");
  // A file dropped beside the zone must not make the browser navigate to it.
  for (const type of ["dragover", "drop"]) window.addEventListener(type, (event) => event.preventDefault());
  for (const type of ["dragenter", "dragover"]) {
    zone.addEventListener(type, (event) => {
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = "copy";
      zone.classList.add("active");
    });
  }
  zone.addEventListener("dragleave", (event) => {
    if (!zone.contains(event.relatedTarget)) zone.classList.remove("active");
  });
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("active");
    uploadAll(Array.from(event.dataTransfer?.files ?? []));
  });
  zone.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      input.click();
    }
  });
  input.addEventListener("change", () => {
    uploadAll(Array.from(input.files ?? []));
    input.value = "";
  });
}

