// The receipts page: sign in with an API key, find wallets and read their history; a
// transaction opens in transaction.js.

import { api, APIError, forgetKey, onUnauthorized, query, segment, storedKey, storeKey } from "./api.js";
import { byId, el, fill, formatMoney, formatTime } from "./dom.js";
import { attempt, describe, notify } from "./notice.js";
import { closeTransaction, openTransaction, wireDropZone } from "./transaction.js";

const historyPageSize = 20;
/**
 * The wallet whose history is on show, the cursor of its next page, the ids already listed,
 * and which opening of the list this is: a page answered for an earlier opening is dropped.
 */
const state = { wallet: null, cursor: null, shown: new Set(), opening: 0 };

// Signing in and out

function showSignedIn(signedIn) {
  byId("sign-in").hidden = signedIn;
  byId("workspace").hidden = !signedIn;
  byId("sign-out").hidden = !signedIn;
}

function signOut(message = "", tone = "info") {
  forgetKey();
  Object.assign(state, { wallet: null, cursor: null, shown: new Set(), opening: state.opening + 1 });
  closeTransaction();
  for (const id of ["wallets", "history-list", "receipts", "uploads", "transaction-facts", "viewer"]) fill(byId(id));
  for (const id of ["history", "transaction", "viewer"]) byId(id).hidden = true;
  showSignedIn(false);
  notify(message, tone);
  byId("api-key").focus();
}

async function signIn(event) {
  event.preventDefault();
  const input = byId("api-key");
  const key = input.value.trim();
  if (!key) return;
  try {
    // Any authenticated read tells a good key from a bad one; a 403 (no ledger scope) is still a good key.
    await api("GET", `/v1/transactions${query({ limit: 1 })}`, undefined, key);
  } catch (error) {
    if (error instanceof APIError && error.status === 401) {
      notify(`That API key was refused: ${describe(error)}`);
      return;
    }
    if (!(error instanceof APIError && error.status === 403)) {
      notify(describe(error));
      return;
    }
  }
  storeKey(key);
  input.value = "";
  notify("");
  showSignedIn(true);
  byId("find-id").focus();
}

// Wallets

function walletItem(wallet) {
  const button = el(
    "button",
    { type: "button", className: "wallet", dataset: { walletId: wallet.id } },
    el("span", { className: "id", textContent: wallet.id }),
    el("span", { className: "amount", textContent: formatMoney(wallet.balance, wallet.currency) }),
    wallet.status && wallet.status !== "active" ? el("span", { className: "status", textContent: wallet.status }) : null,
  );
  button.addEventListener("click", () => attempt(() => openWallet(wallet)));
  return el("li", {}, button);
}

async function find(event) {
  event.preventDefault();
  notify("");
  const id = byId("find-id").value.trim();
  const list = byId("wallets");
  await attempt(async () => {
    if (id.startsWith("usr_")) {
      const user = await api("GET", `/v1/users/${segment(id)}`);
      const wallets = user.wallets ?? [];
      fill(list, wallets.length ? wallets.map(walletItem) : el("li", { className: "muted", textContent: `${user.externalId ?? id} has no wallets.` }));
      if (wallets.length === 1) await openWallet(wallets[0]);
    } else if (id.startsWith("wal_")) {
      const wallet = await api("GET", `/v1/wallets/${segment(id)}`);
      fill(list, walletItem(wallet));
      await openWallet(wallet);
    } else if (id.startsWith("txn_")) {
      await openTransaction(id);
    } else {
      notify("Type a user id (usr_…), a wallet id (wal_…) or a transaction id (txn_…).");
    }
  });
}

// History

/** This wallet's entry in `transaction`: its signed movement and the balance after it. */
function walletEntry(transaction, walletId) {
  const hex = walletId.slice("wal_".length);
  const entry = (transaction.entries ?? []).find((item) => item.walletId === walletId || item.accountId === `acc_${hex}`);
  if (!entry) return null;
  return { movement: entry.direction === "credit" ? entry.amount : -entry.amount, balanceAfter: entry.balanceAfter };
}

function historyRow(transaction) {
  const entry = walletEntry(transaction, state.wallet.id);
  const movement = entry ? entry.movement : transaction.amount;
  const button = el(
    "button",
    { type: "button", className: "row", dataset: { transactionId: transaction.id } },
    el("span", { className: "when", textContent: formatTime(transaction.createdAt) }),
    el("span", { className: "type", textContent: transaction.type }),
    el("span", { className: `amount ${movement < 0 ? "out" : "in"}`, textContent: (movement < 0 ? "" : "+") + formatMoney(movement, transaction.currency) }),
    el("span", { className: "after muted", textContent: entry ? `balance ${formatMoney(entry.balanceAfter, transaction.currency)}` : "" }),
    transaction.memo ? el("span", { className: "memo muted", textContent: transaction.memo }) : null,
  );
  button.addEventListener("click", () => attempt(() => openTransaction(transaction.id)));
  return el("li", {}, button);
}

async function openWallet(wallet) {
  Object.assign(state, { wallet, cursor: null, shown: new Set(), opening: state.opening + 1 });
  byId("history").hidden = false;
  fill(byId("history-title"), "History of ", el("span", { className: "id", textContent: wallet.id }));
  byId("history-summary").textContent = `${wallet.currency} · balance ${formatMoney(wallet.balance, wallet.currency)}`;
  fill(byId("history-list"));
  await loadHistory();
}

/** Appends the next page of history; "More" stays disabled until it has arrived. */
async function loadHistory() {
  const { wallet, opening } = state;
  const more = byId("history-more");
  more.disabled = true;
  try {
    const page = await api("GET", `/v1/transactions${query({ walletId: wallet.id, limit: historyPageSize, cursor: state.cursor })}`);
    if (state.opening !== opening) return;
    const fresh = page.data.filter((transaction) => !state.shown.has(transaction.id));
    for (const transaction of fresh) state.shown.add(transaction.id);
    const list = byId("history-list");
    list.append(...fresh.map(historyRow));
    if (!list.children.length) list.append(el("li", { className: "muted", textContent: "No transactions yet." }));
    state.cursor = page.nextCursor;
    more.hidden = !page.nextCursor;
  } finally {
    if (state.opening === opening) more.disabled = false;
  }
}

function start() {
  onUnauthorized((error) => signOut(`Your API key was refused (401 ${error.code || "unauthorized"}): ${error.detail} Sign in again.`, "error"));
  byId("sign-in-form").addEventListener("submit", signIn);
  byId("sign-out").addEventListener("click", () => signOut("Signed out."));
  byId("find-form").addEventListener("submit", find);
  byId("history-more").addEventListener("click", () => attempt(loadHistory));
  wireDropZone();
  showSignedIn(Boolean(storedKey()));
}

start();
