// Registrar screen: the list of achievements, and the form creating or editing one with every EU
// micro-credential element. Validation is the server's: a 422 names the fields, shown beside them.
"use strict";

import {
  $, ApiError, api, el, fillFields, formatDate, markField, problemMessages, readFields,
  renderFactSheet, saveRecord, showSummary, signIn, t, unseen, wireRows,
} from "./admin-common.js";

const main = $("main");
const editor = { mode: main.dataset.mode, editing: main.dataset.editing };

function numberText(value) {
  return value === undefined || value === null ? "" : String(value);
}

async function showList() {
  const list = await api("GET", "/api/achievements");
  const body = $("achievement-rows");
  body.replaceChildren();
  for (const record of list.achievements) {
    const input = record.input || {};
    const title = record.achievement.name;
    const edit = el("a", { href: "/admin/achievements/" + encodeURIComponent(record.uuid) + "/edit" }, t("Edit"), unseen(" " + title));
    body.append(
      el(
        "tr",
        { "data-uuid": record.uuid },
        el("th", { scope: "row" }, title),
        el("td", { "data-label": "ECTS" }, numberText(input.ects)),
        el("td", { "data-label": "EQF" }, numberText(input.eqfLevel)),
        el("td", { "data-label": t("Last updated") }, formatDate(record.updated)),
        el("td", {}, edit),
      ),
    );
  }
  $("list-status").textContent = list.achievements.length
    ? t("{n} achievement(s).", { n: list.achievements.length })
    : t("No achievements yet: create the first one.");
}

function showPreview(record) {
  const narrative = record.achievement && record.achievement.criteria && record.achievement.criteria.narrative;
  if (!narrative) {
    $("preview").hidden = true;
    return;
  }
  $("preview-body").replaceChildren(renderFactSheet(narrative));
  $("preview-version").textContent = String(record.version);
  $("preview-link").href = "/achievements/" + encodeURIComponent(record.uuid);
  $("preview").hidden = false;
}

async function showForm() {
  if (editor.mode === "edit") {
    const record = await api("GET", "/api/achievements/" + encodeURIComponent(editor.editing));
    fillFields($("achievement-form"), record.input);
    showPreview(record);
  }
}

function showProblem(form, error) {
  const summary = $("error-summary");
  const entries = [];
  if (error instanceof ApiError && error.status === 422) {
    for (const [name, message] of problemMessages(error.data)) {
      const wrapper = form.querySelector('[data-field="' + CSS.escape(name) + '"]');
      const control = wrapper ? markField(wrapper, message) : null;
      const label = wrapper ? wrapper.querySelector("label, legend") : null;
      const prefix = label ? label.firstChild.textContent.trim() + ": " : name === "$" ? "" : name + ": ";
      entries.push({ message: prefix + message, control });
    }
  }
  const title = error instanceof ApiError ? error.data.title || t("The achievement was not saved") : t("The achievement was not saved");
  showSummary(summary, title, entries.length ? "" : error.message, entries);
}

function save(event) {
  const form = $("achievement-form");
  return saveRecord(event, editor, {
    form,
    collection: "achievements",
    body: () => readFields(form),
    shown: showPreview,
    failed: (error) => showProblem(form, error),
  });
}

if (editor.mode === "list") {
  signIn(showList);
} else {
  wireRows($("achievement-form"));
  $("achievement-form").addEventListener("submit", (event) => {
    save(event).catch(() => {});
  });
  signIn(showForm);
}
