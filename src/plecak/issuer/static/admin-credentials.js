// Registrar screen: find issued credentials (learner name, e-mail address, title, achievement),
// suspend, lift a suspension or revoke one after a confirmation step, read its history, download
// it as a PDF (English or Polish) with a verification QR code, and withdraw the links those PDFs carry.
// Every value is put into the page with textContent (el()), never as HTML.
"use strict";

import { $, api, el, formatDate, request, signIn, t, unseen } from "./admin-common.js";

const ACTIONS = {
  suspend: {
    purpose: "suspension", status: true, button: t("Suspend"), confirm: t("Yes, suspend"),
    done: t("Suspended {credential}."), warning: t("Verifiers will see it as suspended until you lift the suspension."),
  },
  unsuspend: {
    purpose: "suspension", status: false, button: t("Lift suspension"), confirm: t("Yes, lift the suspension"),
    done: t("Suspension lifted for {credential}."), warning: t("Verifiers will see it as valid again."),
  },
  revoke: {
    purpose: "revocation", status: true, button: t("Revoke"), confirm: t("Yes, revoke"), done: t("Revoked {credential}."),
    warning: t("Revocation is permanent: the credential can never be valid again."),
  },
};
const EVENTS = {
  issued: t("Issued"),
  suspended: t("Suspended"),
  unsuspended: t("Suspension lifted"),
  revoked: t("Revoked"),
  "link-made": t("Verification link made"),
  "link-revoked": t("Verification link withdrawn"),
};
const PDF_LANGUAGES = { en: t("PDF in English"), pl: t("PDF in Polish") };
const LINK_STATES = { active: t("Works"), expired: t("Expired"), revoked: t("Withdrawn") };
const STATES = {
  active: t("Valid"),
  suspended: t("Suspended"),
  revoked: t("Revoked"),
  "not managed here": t("Status not managed here"),
};

let pending = null; // {credential, action} awaiting confirmation
let lastQuery = { q: "", achievement: "" };

function describe(credential) {
  return t("\u201c{title}\u201d of {learner}", {
    title: credential.title || t("credential"),
    learner: credential.learner || t("an unnamed learner"),
  });
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
      unseen(" " + describe(credential)),
    );
    button.addEventListener("click", () => askToConfirm(credential, name));
    buttons.append(button, " ");
  }
  const history = el(
    "button",
    { type: "button", class: "secondary", "data-action": "history" },
    t("History"),
    unseen(" " + t("of {credential}", { credential: describe(credential) })),
  );
  history.addEventListener("click", () => showHistory(credential.id));
  buttons.append(history);
  return el(
    "li",
    { "data-id": credential.id, "data-status": credential.status },
    el("strong", { class: "learner" }, credential.learner || t("(no name)")),
    el("span", { class: "title" }, credential.title),
    el("span", { class: "muted" }, t("Issued {date}", { date: formatDate(credential.issuedAt) })),
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
      ? t("{n} credential(s) found.", { n: found.total })
      : t("{n} credential(s) found; the newest {shown} are shown.", { n: found.total, shown: found.shown })
    : t("No credentials found.");
}

function askToConfirm(credential, name) {
  const action = ACTIONS[name];
  pending = { credential, name };
  $("confirm-text").textContent = t("{action} {credential}?", { action: action.button, credential: describe(credential) });
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
    $("action-status").textContent = t(action.done, { credential: describe(credential) });
  } catch (error) {
    $("action-status").textContent = error.message;
  }
  await search(lastQuery);
  if (!$("history").hidden && $("history").dataset.id === credential.id) await showHistory(credential.id);
  $("action-status").focus();
}

function eventText(event) {
  const what = EVENTS[event.event] || event.event;
  return formatDate(event.at) + ": " + what + (event.pdf ? " (" + (PDF_LANGUAGES[event.pdf] || event.pdf) + ")" : "");
}

function credentialPath(id) {
  return "/api/credentials/" + encodeURIComponent(id);
}

async function showHistory(id, { focus = true } = {}) {
  const data = await api("GET", credentialPath(id) + "/history");
  $("history").dataset.id = id;
  $("history-title").textContent = t("History of {credential}", { credential: describe(data.credential) });
  $("history-id").textContent = id;
  $("history-events").replaceChildren(
    ...data.events.map((event) => el("li", { "data-event": event.event }, eventText(event))),
  );
  if (focus) $("pdf-status").textContent = ""; // opened anew (not refreshed after an action of its own)
  await showLinks(id);
  $("history").hidden = false;
  if (focus) $("history").focus();
}

// -- the credential's PDF and the verification links the PDFs carry ------------------------------
function linkItem(id, link) {
  const item = el(
    "li",
    { "data-link": link.id, "data-state": link.state },
    t("Link {short}…, made {made}, works until {expires}: {state}", {
      short: link.id.slice(0, 8),
      made: formatDate(link.created),
      expires: formatDate(link.expires),
      state: LINK_STATES[link.state] || link.state,
    }),
  );
  if (link.state === "active") {
    const button = el("button", { type: "button", class: "secondary", "data-action": "withdraw" }, t("Withdraw"),
      unseen(" " + t("link {short}", { short: link.id.slice(0, 8) })));
    button.addEventListener("click", () => withdraw(id, link));
    item.append(" ", button);
  }
  return item;
}

async function showLinks(id) {
  const data = await api("GET", credentialPath(id) + "/links");
  $("links").replaceChildren(...data.links.map((link) => linkItem(id, link)));
  if (!data.links.length) $("links").append(el("li", { class: "muted" }, t("No links yet.")));
}

async function withdraw(id, link) {
  let message;
  try {
    await api("DELETE", credentialPath(id) + "/links/" + link.id);
    message = t("Link {short}… withdrawn: its QR code no longer opens the credential.", { short: link.id.slice(0, 8) });
  } catch (error) {
    message = error.message;
  }
  await showHistory(id, { focus: false });
  $("pdf-status").textContent = message;
}

async function downloadPdf(language) {
  const id = $("history").dataset.id;
  const field = $("pdf-days");
  const days = Number(field.value);
  if (field.value.trim() === "" || !Number.isInteger(days) || days < Number(field.min) || days > Number(field.max)) {
    // checked here, in the registrar's language (the server's answer would be in English)
    $("pdf-status").textContent = t("Days the link works: a whole number from 1 to {max}.", { max: field.max });
    field.focus();
    return;
  }
  $("pdf-status").textContent = t("Making the PDF…");
  try {
    const response = await request("POST", credentialPath(id) + "/pdf", { language, days });
    const named = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
    const address = URL.createObjectURL(await response.blob());
    const save = el("a", { href: address, download: named ? named[1] : "credential.pdf", hidden: "" });
    document.body.append(save);
    save.click();
    save.remove();
    setTimeout(() => URL.revokeObjectURL(address), 60000);
    await showHistory(id, { focus: false });
    $("pdf-status").textContent = t("PDF downloaded. Its link is listed below.");
  } catch (error) {
    $("pdf-status").textContent = error.message;
  }
}

async function ready() {
  const list = await api("GET", "/api/achievements");
  const select = $("search-achievement");
  select.replaceChildren(el("option", { value: "" }, t("All achievements")));
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
for (const button of [$("pdf-en"), $("pdf-pl")]) {
  button.addEventListener("click", () => downloadPdf(button.dataset.language));
}
$("confirm-no").addEventListener("click", () => {
  closeConfirm();
  $("action-status").textContent = t("Nothing was changed.");
});

signIn(ready);
