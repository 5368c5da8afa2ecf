// Shared by the registrar screens (achievements, pathways): the admin token, calls to the admin
// API, reading and filling form fields, and showing the server's 422 problems next to the fields
// they name. The token is the same bearer token, kept in sessionStorage under the same key as
// /admin (admin.js). Every value is put into the page with textContent or .value, never as HTML.
"use strict";

const TOKEN_KEY = "plecak-issuer-admin-token";

export const $ = (id) => document.getElementById(id);

// The page's language: its sentences come in the catalogue the page hands over in <body data-texts>
// (empty in English); a sentence without an entry is shown as written. {name} placeholders are filled
// from params.
const TEXTS = JSON.parse(document.body.dataset.texts || "{}");
export function t(text, params = {}) {
  const template = Object.hasOwn(TEXTS, text) ? TEXTS[text] : text;
  return template.replace(/\{(\w+)\}/g, (whole, name) => (Object.hasOwn(params, name) ? String(params[name]) : whole));
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY) || "";
}

export class ApiError extends Error {
  constructor(status, data) {
    super(data.detail || data.title || t("Request failed ({status})", { status }));
    this.status = status;
    this.data = data;
  }
}

/** A call to the admin API: the response when it succeeded (any body), else an ApiError (401: sign in again). */
export async function request(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: { Authorization: "Bearer " + token(), "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    const data = await response.json().catch(() => ({}));
    if (response.status === 401) {
      sessionStorage.removeItem(TOKEN_KEY);
      showLogin();
    }
    throw new ApiError(response.status, data);
  }
  return response;
}

export async function api(method, path, body) {
  const response = await request(method, path, body);
  return response.status === 204 ? {} : await response.json().catch(() => ({}));
}

/** Words for screen readers only (naming what a button or link of a row acts on). */
export function unseen(text) {
  return el("span", { class: "visually-hidden" }, text);
}

/** An element with attributes and children; strings become text nodes (never parsed as HTML). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child === undefined || child === null) continue;
    node.append(typeof child === "string" || typeof child === "number" ? String(child) : child);
  }
  return node;
}

function showLogin() {
  $("login").hidden = false;
  $("app").hidden = true;
  $("token").focus();
}

/** Shows the page once the token works (``ready`` loads the data; a 401 asks for the token again). */
export function signIn(ready) {
  const start = async () => {
    await ready();
    $("login").hidden = true;
    $("app").hidden = false;
  };
  $("token-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $("token").value.trim());
    $("token-error").hidden = true;
    $("token").removeAttribute("aria-invalid");
    try {
      await start();
    } catch (error) {
      $("token-error").textContent = error.message;
      $("token-error").hidden = false;
      $("token").setAttribute("aria-invalid", "true");
      $("login").hidden = false;
      $("token").focus();
    }
  });
  if (token()) {
    start().catch((error) => {
      showLogin();
      if (!(error instanceof ApiError && error.status === 401)) {
        $("token-error").textContent = error.message;
        $("token-error").hidden = false;
      }
    });
  } else {
    showLogin();
  }
}

// -- fields ------------------------------------------------------------------------------------
function setPath(target, key, value) {
  const parts = key.split(".");
  let node = target;
  for (const part of parts.slice(0, -1)) node = node[part] ??= {};
  node[parts[parts.length - 1]] = value;
}

function getPath(source, key) {
  return key.split(".").reduce((node, part) => (node == null ? undefined : node[part]), source);
}

function readControl(control) {
  const kind = control.dataset.kind;
  const raw = control.value;
  if (kind === "lines") {
    const lines = raw.split("\n").map((line) => line.trim()).filter(Boolean);
    return lines.length ? lines : undefined;
  }
  if (kind === "number") {
    if (control.validity && control.validity.badInput) return t("not a number");
    if (raw.trim() === "") return undefined;
    const number = Number(raw);
    return Number.isNaN(number) ? raw : number;
  }
  if (kind === "date") return raw ? raw + "T00:00:00Z" : undefined;
  const text = raw.trim();
  return text === "" ? undefined : text;
}

function readRows(fieldset) {
  const rows = [];
  for (const row of fieldset.querySelectorAll(":scope > ol > li")) {
    const item = {};
    for (const input of row.querySelectorAll("[data-sub]")) {
      const value = input.value.trim();
      if (value) item[input.dataset.sub] = value;
    }
    if (Object.keys(item).length) rows.push(item);
  }
  return rows.length ? rows : undefined;
}

/** The API body described by the ``[data-key]`` controls inside ``root`` (blank ones left out). */
export function readFields(root) {
  const out = {};
  for (const control of root.querySelectorAll("[data-key]")) {
    const value = control.dataset.kind === "rows" ? readRows(control) : readControl(control);
    if (value !== undefined) setPath(out, control.dataset.key, value);
  }
  return out;
}

let rowCounter = 0;

export function addRow(fieldset, values = {}) {
  const row = fieldset.querySelector(":scope > template").content.firstElementChild.cloneNode(true);
  for (const input of row.querySelectorAll("[data-sub]")) {
    input.value = values[input.dataset.sub] ?? "";
  }
  rowCounter += 1;
  row.dataset.row = String(rowCounter);
  fieldset.querySelector(":scope > ol").append(row);
  return row;
}

/** Wires the "Add" and "Remove" buttons of every ``data-kind="rows"`` fieldset inside ``root``. */
export function wireRows(root) {
  root.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (!button || !root.contains(button)) return;
    if (button.dataset.action === "add-row") {
      const row = addRow(button.closest("fieldset"));
      row.querySelector("input")?.focus();
    } else if (button.dataset.action === "remove-row") {
      const fieldset = button.closest("fieldset");
      button.closest("li").remove();
      fieldset.querySelector("[data-action=add-row]")?.focus();
    }
  });
}

/** Puts an API input object back into the controls (for editing). */
export function fillFields(root, data) {
  for (const control of root.querySelectorAll("[data-key]")) {
    const value = getPath(data, control.dataset.key);
    if (control.dataset.kind === "rows") {
      control.querySelector(":scope > ol").replaceChildren();
      for (const item of value || []) addRow(control, item);
    } else if (control.dataset.kind === "lines") {
      control.value = Array.isArray(value) ? value.join("\n") : "";
    } else if (control.dataset.kind === "date") {
      control.value = typeof value === "string" ? value.slice(0, 10) : "";
    } else {
      control.value = value === undefined || value === null ? "" : String(value);
    }
  }
}

// -- errors ------------------------------------------------------------------------------------
/** Removes every field message and the summary. */
export function clearErrors(root, summary) {
  for (const message of root.querySelectorAll(".field-error")) {
    message.textContent = "";
    message.hidden = true;
  }
  for (const control of root.querySelectorAll("[aria-invalid]")) {
    control.removeAttribute("aria-invalid");
    const ids = (control.getAttribute("aria-describedby") || "").split(" ").filter((id) => id && !id.endsWith("-error"));
    if (ids.length) control.setAttribute("aria-describedby", ids.join(" "));
    else control.removeAttribute("aria-describedby");
  }
  summary.hidden = true;
  summary.querySelector("ul").replaceChildren();
}

function focusTarget(wrapper) {
  return wrapper.matches("input, select, textarea, button")
    ? wrapper
    : wrapper.querySelector("input, select, textarea, button[data-action=add-row]");
}

let autoId = 0;

/** Shows ``message`` inside ``wrapper`` (an element holding a ``.field-error``); returns the control. */
export function markField(wrapper, message) {
  const holder = wrapper.querySelector(":scope > .field-error, :scope .field-error");
  if (holder) {
    holder.textContent = holder.textContent ? holder.textContent + " " + message : message;
    holder.hidden = false;
  }
  const control = focusTarget(wrapper);
  if (control && !control.id) {
    autoId += 1;
    control.id = "field-" + autoId;
  }
  if (holder && !holder.id) holder.id = (control ? control.id : "field-" + ++autoId) + "-error";
  if (control) {
    control.setAttribute("aria-invalid", "true");
    if (holder && holder.id) {
      const ids = (control.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      if (!ids.includes(holder.id)) ids.push(holder.id);
      control.setAttribute("aria-describedby", ids.join(" "));
    }
  }
  return control;
}

/** Fills the error summary: each entry ``{message, control}`` links to its control when it has one. */
export function showSummary(summary, title, detail, entries) {
  summary.querySelector("h2").textContent = title;
  summary.querySelector("p").textContent = detail || "";
  const list = summary.querySelector("ul");
  list.replaceChildren();
  for (const { message, control } of entries) {
    const item = control && control.id ? el("a", { href: "#" + control.id }, message) : message;
    if (control && control.id) {
      item.addEventListener("click", (event) => {
        event.preventDefault();
        control.focus();
      });
    }
    list.append(el("li", {}, item));
  }
  summary.hidden = false;
  summary.focus();
}

/** The field messages of a 422 problem: ``fields`` when the server sent them, else missing/invalid. */
export function problemMessages(data) {
  if (data.fields && typeof data.fields === "object") return Object.entries(data.fields);
  const out = (data.missing || []).map((name) => [name, t("missing")]);
  return out.concat(Object.entries(data.invalid || {}));
}

// -- fact sheet ----------------------------------------------------------------------------------
/** The Markdown fact sheet (lists, nested lists, **bold** lines) as DOM nodes built from text. */
export function renderFactSheet(markdown) {
  const out = document.createDocumentFragment();
  let list = null;
  let inner = null;
  for (const line of markdown.split("\n")) {
    const nested = line.match(/^ {2,}- (.*)$/);
    const item = line.match(/^- (.*)$/);
    if (nested && list) {
      if (!inner) {
        inner = el("ul");
        list.lastElementChild.append(inner);
      }
      inner.append(el("li", {}, nested[1]));
    } else if (item) {
      if (!list) {
        list = el("ul");
        out.append(list);
      }
      inner = null;
      list.append(el("li", {}, item[1]));
    } else if (line.trim()) {
      list = null;
      inner = null;
      const bold = line.match(/^\*\*(.*)\*\*$/);
      out.append(bold ? el("p", {}, el("strong", {}, bold[1])) : el("p", {}, line));
    }
  }
  return out;
}

export function formatDate(iso) {
  return typeof iso === "string" ? iso.slice(0, 16).replace("T", " ") + " UTC" : "";
}

/**
 * The edit screen's Save: clears the last problems, creates (POST) or updates (PUT) the record of
 * /api/{collection}, and after a creation moves the screen to the new record's edit address.
 * editor: {mode: "new" | "edit", editing: uuid}, updated here; body() reads the form (after the
 * problems are cleared); shown(record) shows the saved record; failed(error) shows the problem.
 */
export async function saveRecord(event, editor, { form, collection, body, shown, failed }) {
  event.preventDefault();
  clearErrors(form, $("error-summary"));
  $("save-status").textContent = "";
  const payload = body();
  $("save").disabled = true;
  try {
    const record =
      editor.mode === "edit"
        ? await api("PUT", "/api/" + collection + "/" + encodeURIComponent(editor.editing), payload)
        : await api("POST", "/api/" + collection, payload);
    if (editor.mode === "new") {
      history.replaceState(null, "", "/admin/" + collection + "/" + encodeURIComponent(record.uuid) + "/edit");
      editor.mode = "edit";
      editor.editing = record.uuid;
      $("save").textContent = t("Save changes");
    }
    shown(record);
    $("save-status").replaceChildren(
      t("Saved \u201c{name}\u201d (version {version}).", { name: record.achievement.name, version: record.version }) + " ",
      el("a", { href: "/admin/" + collection }, t("Back to the list")),
    );
  } catch (error) {
    failed(error);
  } finally {
    $("save").disabled = false;
  }
}
