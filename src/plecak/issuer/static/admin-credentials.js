// Registrar screen: find issued credentials (learner name, e-mail address, title, achievement),
// suspend, lift a suspension or revoke one after a confirmation step, and read its history.
// Every value is put into the page with textContent (el()), never as HTML.
"use strict";

import { $, api, el, formatDate, signIn } from "./admin-common.js";

const ACTIONS = {
  suspend: {
    purpose: "suspension", status: true, button: "Suspend", confirm: "Yes, suspend", done: "Suspended",
    warning: "Verifiers will see it as suspended until you lift the suspension.",
  },
  unsuspend: {
    purpose: "suspension", status: false, button: "Lift suspension", confirm: "Yes, lift the suspension",
    done: "Suspension lifted for", warning: "Verifiers will see it as valid again.",
  },
  revoke: {
    purpose: "revocation", status: true, button: "Revoke", confirm: "Yes, revoke", done: "Revoked",
    warning: "Revocation is permanent: the credential can never be valid again.",
  },
};
const EVENTS = {
  issued: "Issued",
  suspended: "Suspended",
  unsuspended: "Suspension lifted",
  revoked: "Revoked",
};
const STATES = {
  active: "Valid",
  suspended: "Suspended",
  revoked: "Revoked",
  "not managed here": "Status not managed here",
};

let pending = null; // {credential, action} awaiting confirmation
let lastQuery = { q: "", achievement: "" };

function describe(credential) {
  return "“" + (credential.title || "credential") + "” of " + (credential.learner || "an unnamed learner");
}

function actionsFor(credential) {
  if (credential.status === "active") return ["suspend", "revoke"];
  if (credential.status === "suspended") return ["unsuspend", "revoke"];
  return [];
}

function card(credential) {
  const buttons = el("p", { class: "actions" });
  for (const name of actionsFor(credential)) {
    const action = ACTIONS[name];
    const button = el(
      "button",
      { type: "button", class: name === "revoke" ? "danger" : "secondary", "data-action": name },
      action.button,
    );
    button.append(el("span", { class: "visually-hidden" }, " " + describe(credential)));
    button.addEventListener("click", () => askToConfirm(credential, name));
    buttons.append(button, " ");
  }
  const history = el("button", { type: "button", class: "secondary", "data-action": "history" }, "History");
  history.append(el("span", { class: "visually-hidden" }, " of " + describe(credential)));
  history.addEventListener("click", () => showHistory(credential.id));
  buttons.append(history);
  return el(
    "li",
    { "data-id": credential.id, "data-status": credential.status },
    el("strong", { class: "learner" }, credential.learner || "(no name)"),
    el("span", { class: "title" }, credential.title),
    el("span", { class: "muted" }, "Issued " + formatDate(credential.issuedAt)),
    el("span", { class: "state state-" + credential.status.replaceAll(" ", "-") }, STATES[credential.status] || credential.status),
    buttons,
  );
}

async function search(query) {
  lastQuery = query;
  const params = new URLSearchParams();
  if (query.q) params.set("q", query.q);
  if (query.achievement) params.set("achievement", query.achievement);
  const found = await api("GET", "/api/credentials?" + params.toString());
  const list = $("results");
  list.replaceChildren(...found.credentials.map(card));
  $("search-status").textContent = found.total
    ? found.total === found.shown
      ? found.total + " credential(s) found."
      : found.total + " credential(s) found; the newest " + found.shown + " are shown."
    : "No credentials found.";
}

function askToConfirm(credential, name) {
  const action = ACTIONS[name];
  pending = { credential, name };
  $("confirm-text").textContent = action.button + " " + describe(credential) + "?";
  $("confirm-warning").textContent = action.warning;
  $("confirm-yes").textContent = action.confirm;
  $("action-status").textContent = "";
  $("confirm").hidden = false;
  $("confirm").focus();
}

function closeConfirm() {
  pending = null;
  $("confirm").hidden = true;
}

async function confirmAction() {
  if (pending === null) return;
  const { credential, name } = pending;
  const action = ACTIONS[name];
  closeConfirm();
  try {
    await api("POST", "/credentials/status", {
      credentialId: credential.id,
      credentialStatus: { statusPurpose: action.purpose },
      status: action.status,
    });
    $("action-status").textContent = action.done + " " + describe(credential) + ".";
  } catch (error) {
    $("action-status").textContent = error.message;
  }
  await search(lastQuery);
  if (!$("history").hidden && $("history").dataset.id === credential.id) await showHistory(credential.id);
  $("action-status").focus();
}

async function showHistory(id) {
  const data = await api("GET", "/api/credentials/" + encodeURIComponent(id) + "/history");
  $("history").dataset.id = id;
  $("history-title").textContent = "History of " + describe(data.credential);
  $("history-id").textContent = id;
  $("history-events").replaceChildren(
    ...data.events.map((event) =>
      el("li", { "data-event": event.event }, formatDate(event.at) + ": " + (EVENTS[event.event] || event.event)),
    ),
  );
  $("history").hidden = false;
  $("history").focus();
}

async function ready() {
  const list = await api("GET", "/api/achievements");
  const select = $("search-achievement");
  select.replaceChildren(el("option", { value: "" }, "All achievements"));
  for (const record of list.achievements) select.append(el("option", { value: record.uuid }, record.achievement.name));
  await search({ q: "", achievement: "" });
}

$("search-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  closeConfirm();
  try {
    await search({ q: $("search-q").value.trim(), achievement: $("search-achievement").value });
  } catch (error) {
    $("search-status").textContent = error.message;
  }
});
$("confirm-yes").addEventListener("click", confirmAction);
$("confirm-no").addEventListener("click", () => {
  closeConfirm();
  $("action-status").textContent = "Nothing was changed.";
});

signIn(ready);
