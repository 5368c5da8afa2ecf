// Registrar screen: pathways (a certificate plus a rule over component achievements) and the
// institutions whose credentials count. The rule is built from the form as the admin API's JSON
// (docs/pathways.md); the server validates it and its 422 problems are shown where they belong.
"use strict";

import {
  $, ApiError, api, clearErrors, el, fillFields, formatDate, markField, problemMessages, readFields,
  renderFactSheet, saveRecord, showSummary, signIn, t, unseen, wireRows,
} from "./admin-common.js";

const main = $("main");
const ownDid = main.dataset.did;
const editor = { mode: main.dataset.mode, editing: main.dataset.editing };
let ownAchievements = []; // records from GET /api/achievements
let rowCount = 0;

// -- list and trusted institutions -----------------------------------------------------------
async function showList() {
  const [list] = await Promise.all([api("GET", "/api/pathways"), showTrusted()]);
  const body = $("pathway-rows");
  body.replaceChildren();
  for (const record of list.pathways) {
    const title = record.achievement.name;
    const edit = el("a", { href: "/admin/pathways/" + encodeURIComponent(record.uuid) + "/edit" }, t("Edit"), unseen(" " + title));
    const view = el("a", { href: "/pathways/" + encodeURIComponent(record.uuid) }, t("Public page"), unseen(" of " + title));
    body.append(
      el(
        "tr",
        { "data-uuid": record.uuid },
        el("th", { scope: "row" }, title),
        el("td", { "data-label": "ECTS" }, String(record.input.ects ?? "")),
        el("td", { "data-label": t("Rule") }, record.achievement.compositionRule || ""),
        el("td", { "data-label": t("Last updated") }, formatDate(record.updated)),
        el("td", {}, edit, " · ", view),
      ),
    );
  }
  $("list-status").textContent = list.pathways.length
    ? t("{n} pathway(s).", { n: list.pathways.length })
    : t("No pathways yet: create the first one.");
}

async function showTrusted() {
  const data = await api("GET", "/api/trusted-issuers");
  const list = $("trusted-list");
  list.replaceChildren();
  for (const entry of data.trustedIssuers) {
    const remove = el("button", { type: "button", class: "danger" }, t("Remove"), unseen(" " + entry.name));
    remove.addEventListener("click", async () => {
      try {
        await api("DELETE", "/api/trusted-issuers/" + encodeURIComponent(entry.did));
        $("trusted-status").textContent = t("Removed {name}.", { name: entry.name });
        await showTrusted();
        $("trusted-title").focus();
      } catch (error) {
        $("trusted-status").textContent = error.message;
      }
    });
    list.append(
      el(
        "li",
        { "data-did": entry.did },
        el("strong", {}, entry.name),
        el("span", { class: "muted" }, entry.country ? t("Country: {country}", { country: entry.country }) : t("Country not stated")),
        el("code", {}, entry.did),
        remove,
      ),
    );
  }
  if (!data.trustedIssuers.length) list.append(el("li", {}, t("None yet: only your own achievements count.")));
}

async function addTrusted(event) {
  event.preventDefault();
  const form = $("trusted-form");
  const summary = $("trusted-summary");
  clearErrors(form, summary);
  const fields = readFields(form);
  const body = { name: fields.name };
  if (fields.country) body.country = fields.country;
  try {
    const entry = await api("PUT", "/api/trusted-issuers/" + encodeURIComponent(fields.did || "-"), body);
    $("trusted-status").textContent = t("Saved {name}.", { name: entry.name });
    form.reset();
    await showTrusted();
  } catch (error) {
    const entries = [];
    if (error instanceof ApiError && error.status === 422) {
      for (const [name, message] of problemMessages(error.data)) {
        const wrapper = form.querySelector('[data-field="' + CSS.escape(name) + '"]');
        entries.push({ message: name + ": " + message, control: wrapper ? markField(wrapper, message) : null });
      }
    }
    showSummary(summary, t("The institution was not saved"), entries.length ? "" : error.message, entries);
  }
}

// -- pathway form ----------------------------------------------------------------------------
function ownOptions(select) {
  const group = select.querySelector("optgroup[data-own]");
  group.replaceChildren();
  for (const record of ownAchievements) {
    const ects = record.input.ects === undefined ? "" : " (" + record.input.ects + " ECTS)";
    group.append(el("option", { value: record.id }, record.achievement.name + ects));
  }
}

function syncSource(row) {
  row.querySelector(".other").hidden = row.querySelector("[data-sub=source]").value !== "other";
}

function addComponent(list, component) {
  const row = $("component-template").content.firstElementChild.cloneNode(true);
  const select = row.querySelector("[data-sub=source]");
  rowCount += 1;
  row.dataset.n = String(rowCount);
  ownOptions(select);
  if (component) {
    const own = component.issuer === ownDid && ownAchievements.some((r) => r.id === component.achievement);
    if (own) {
      select.value = component.achievement;
    } else {
      select.value = "other";
      for (const key of ["achievement", "issuer", "name", "ects"]) {
        row.querySelector("[data-sub=" + key + "]").value = component[key] ?? "";
      }
    }
  }
  select.addEventListener("change", () => syncSource(row));
  syncSource(row);
  list.append(row);
  return row;
}

function addGroup(kind, group, components) {
  const container = $(kind === "elective" ? "electives" : "modules").querySelector(".groups");
  const fieldset = $("group-template").content.firstElementChild.cloneNode(true);
  fieldset.dataset.kind = kind;
  const number = container.children.length + 1;
  fieldset.querySelector("legend").textContent = kind === "elective" ? t("Elective group {n}", { n: number }) : t("Module {n}", { n: number });
  for (const label of fieldset.querySelectorAll("[data-only]")) {
    if (label.dataset.only !== kind) label.remove();
  }
  if (group) {
    for (const key of ["name", "minCount", "minEcts", "minEctsEach"]) {
      const input = fieldset.querySelector(":scope > label > [data-sub=" + key + "]");
      if (input) input.value = group[key] ?? "";
    }
    const list = fieldset.querySelector("ol");
    for (const ref of group.components) addComponent(list, components.get(ref));
  }
  container.append(fieldset);
  return fieldset;
}

function numberOrText(raw) {
  const text = raw.trim();
  if (text === "") return undefined;
  const number = Number(text);
  return Number.isNaN(number) ? text : number;
}

function readComponent(row) {
  const source = row.querySelector("[data-sub=source]").value;
  if (source === "") return null;
  if (source !== "other") {
    const record = ownAchievements.find((r) => r.id === source);
    const component = { achievement: source, issuer: ownDid, name: record ? record.achievement.name : source };
    if (record && record.input.ects !== undefined) component.ects = record.input.ects;
    return component;
  }
  const component = {};
  for (const key of ["achievement", "issuer", "name"]) {
    const value = row.querySelector("[data-sub=" + key + "]").value.trim();
    if (value) component[key] = value;
  }
  const ects = numberOrText(row.querySelector("[data-sub=ects]").value);
  if (ects !== undefined) component.ects = ects;
  return component;
}

/** The rule as the API expects it, and which form rows produced each component (for errors). */
function readRule() {
  const components = [];
  const rowsOf = [];
  const index = new Map();
  const refs = (list) => {
    const out = [];
    for (const row of list.querySelectorAll(":scope > li")) {
      const component = readComponent(row);
      if (!component) continue;
      const key = component.achievement ?? "row-" + row.dataset.n;
      if (!index.has(key)) {
        index.set(key, components.length);
        components.push(component);
        rowsOf.push([]);
      }
      rowsOf[index.get(key)].push(row);
      out.push(component.achievement ?? "");
    }
    return out;
  };
  const rule = {};
  const mandatory = refs($("mandatory").querySelector("ol"));
  if (mandatory.length) rule.mandatory = mandatory;
  for (const [kind, key, subs] of [
    ["electives", "electiveGroups", ["minCount", "minEcts", "minEctsEach"]],
    ["modules", "modules", ["minCount"]],
  ]) {
    const groups = [];
    for (const fieldset of $(kind).querySelectorAll(".groups > fieldset")) {
      const group = { name: fieldset.querySelector(":scope > label > [data-sub=name]").value.trim() };
      group.components = refs(fieldset.querySelector("ol"));
      for (const sub of subs) {
        const value = numberOrText(fieldset.querySelector(":scope > label > [data-sub=" + sub + "]").value);
        if (value !== undefined) group[sub] = value;
      }
      groups.push(group);
    }
    if (groups.length) rule[key] = groups;
  }
  rule.components = components;
  Object.assign(rule, readFields($("rule")));
  return { rule, rowsOf, index };
}

function fillRule(rule) {
  const components = new Map(rule.components.map((c) => [c.achievement, c]));
  const mandatory = $("mandatory").querySelector("ol");
  mandatory.replaceChildren();
  for (const ref of rule.mandatory || []) addComponent(mandatory, components.get(ref));
  for (const group of rule.electiveGroups || []) addGroup("elective", group, components);
  for (const module of rule.modules || []) addGroup("module", module, components);
  fillFields($("rule"), rule);
}

function showResult(record) {
  $("rule-description").textContent = record.achievement.compositionRule || "";
  const warnings = $("warnings");
  warnings.replaceChildren(...(record.warnings || []).map((text) => el("li", {}, text)));
  $("public-link").href = "/pathways/" + encodeURIComponent(record.uuid);
  const narrative = record.achievement.criteria && record.achievement.criteria.narrative;
  $("preview-body").replaceChildren(narrative ? renderFactSheet(narrative) : "");
  $("result").hidden = false;
}

async function showForm() {
  ownAchievements = (await api("GET", "/api/achievements")).achievements;
  if (editor.mode === "edit") {
    const record = await api("GET", "/api/pathways/" + encodeURIComponent(editor.editing));
    fillFields($("certificate"), record.input);
    fillRule(record.rule);
    showResult(record);
  } else if (!$("mandatory").querySelector("li")) {
    addComponent($("mandatory").querySelector("ol"));
  }
}

/** Where a rule problem belongs: the component rows, a group, a field, or the rule as a whole. */
function ruleTargets(text, read) {
  let match = text.match(/^rule\.components\[(\d+)\]/);
  if (match) return read.rowsOf[Number(match[1])] || [];
  match = text.match(/^component (\S+) /);
  if (match && read.index.has(match[1])) return read.rowsOf[read.index.get(match[1])];
  match = text.match(/^rule\.(electiveGroups|modules)\[(\d+)\]/);
  if (match) {
    const kind = match[1] === "electiveGroups" ? "electives" : "modules";
    const group = $(kind).querySelectorAll(".groups > fieldset")[Number(match[2])];
    return group ? [group] : [];
  }
  if (/^rule\.mandatory|^rule\.components |^the rule has no requirement/.test(text)) return [$("mandatory")];
  match = text.match(/^rule\.(minInstitutions|minCountries|validity\.\w+)/);
  if (match) {
    const wrapper = $("rule").querySelector('[data-field="' + CSS.escape(match[1]) + '"]');
    return wrapper ? [wrapper] : [];
  }
  return [];
}

function showProblem(error, read) {
  const entries = [];
  if (error instanceof ApiError && error.status === 422) {
    for (const [name, message] of problemMessages(error.data)) {
      if (name === "rule") {
        for (const text of message.split("; ")) {
          const targets = ruleTargets(text, read);
          const controls = targets.map((target) => markField(target, text));
          if (!targets.length) markField($("rule"), text);
          entries.push({ message: t("Rule: {problem}", { problem: text }), control: controls[0] || $("mandatory").querySelector("button") });
        }
      } else if (name.startsWith("achievement.")) {
        const key = name.slice("achievement.".length);
        const wrapper = $("certificate").querySelector('[data-field="' + CSS.escape(key) + '"]');
        const control = wrapper ? markField(wrapper, message) : null;
        const label = wrapper ? wrapper.querySelector("label, legend").firstChild.textContent.trim() : key;
        entries.push({ message: t("Certificate, {field}: {problem}", { field: label, problem: message }), control });
      } else {
        entries.push({ message: name + ": " + message, control: null });
      }
    }
  }
  const title = error instanceof ApiError ? error.data.title || t("Not saved") : t("Not saved");
  showSummary($("error-summary"), title, entries.length ? "" : error.message, entries);
}

function save(event) {
  let read = null; // the rule as read from the form, and where each of its parts is
  return saveRecord(event, editor, {
    form: $("pathway-form"),
    collection: "pathways",
    body: () => {
      read = readRule();
      return { achievement: readFields($("certificate")), rule: read.rule };
    },
    shown: showResult,
    failed: (error) => showProblem(error, read),
  });
}

function wireForm() {
  const form = $("pathway-form");
  wireRows(form);
  form.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    const action = button.dataset.action;
    if (action === "add-component") {
      const row = addComponent(button.parentElement.querySelector(":scope > ol"));
      row.querySelector("select").focus();
    } else if (action === "remove-component") {
      const fieldset = button.closest("fieldset");
      button.closest("li").remove();
      fieldset.querySelector("[data-action=add-component]").focus();
    } else if (action === "add-group") {
      const group = addGroup(button.dataset.kind);
      addComponent(group.querySelector("ol"));
      group.querySelector("input").focus();
    } else if (action === "remove-group") {
      const container = button.closest(".stack");
      button.closest("fieldset").remove();
      container.querySelector("[data-action=add-group]").focus();
    }
  });
  form.addEventListener("submit", (event) => {
    save(event).catch(() => {});
  });
}

if (editor.mode === "list") {
  $("trusted-form").addEventListener("submit", (event) => {
    addTrusted(event).catch(() => {});
  });
  signIn(showList);
} else {
  wireForm();
  signIn(showForm);
}
