// Issuer admin screen: create OpenID4VCI offers and change credential status.
// The admin token stays in sessionStorage; every value shown is set with textContent.
"use strict";

const TOKEN_KEY = "plecak-issuer-admin-token";
const $ = (id) => document.getElementById(id);

// The page's language: its sentences come in the catalogue the page hands over in <body data-texts>
// (empty in English); a sentence without an entry is shown as written. {name} placeholders are filled
// from params.
const TEXTS = JSON.parse(document.body.dataset.texts || "{}");
function t(text, params = {}) {
  const template = Object.hasOwn(TEXTS, text) ? TEXTS[text] : text;
  return template.replace(/\{(\w+)\}/g, (whole, name) => (Object.hasOwn(params, name) ? String(params[name]) : whole));
}

function token() {
  return sessionStorage.getItem(TOKEN_KEY) || "";
}

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: { Authorization: "Bearer " + token(), "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    if (response.status === 401) {
      sessionStorage.removeItem(TOKEN_KEY);
      showLogin();
    }
    const problem = new Error(data.detail || data.title || t("Request failed ({status})", { status: response.status }));
    problem.data = data;
    throw problem;
  }
  return data;
}

function showLogin() {
  $("login").hidden = false;
  $("issue").hidden = true;
  $("status").hidden = true;
}

async function showApp() {
  const list = await api("GET", "/api/achievements");
  const select = $("achievement");
  select.replaceChildren();
  for (const record of list.achievements) {
    const option = document.createElement("option");
    option.value = record.uuid;
    option.textContent = record.achievement.name + " (" + record.input.ects + " ECTS)";
    select.append(option);
  }
  $("login").hidden = true;
  $("issue").hidden = false;
  $("status").hidden = false;
}

$("token-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, $("token").value.trim());
  try {
    await showApp();
  } catch (error) {
    $("token").setCustomValidity(error.message);
    $("token").reportValidity();
    $("token").setCustomValidity("");
  }
});

$("offer-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const learner = { name: $("learner-name").value.trim() };
  if ($("learner-email").value.trim()) learner.email = $("learner-email").value.trim();
  const body = { learner, txCode: $("tx-code").checked };
  if ($("grade").value.trim()) body.grade = $("grade").value.trim();
  if ($("selective").checked) body.cryptosuite = "ecdsa-sd-2023";
  $("offer-error").hidden = true;
  try {
    const offer = await api("POST", "/api/achievements/" + encodeURIComponent($("achievement").value) + "/offers", body);
    $("offer-learner").textContent = learner.name;
    $("offer-qr").src = offer.qrCode;
    const link = offer.walletLink || offer.offerLink;
    $("offer-wallet-link").href = link;
    $("offer-link").textContent = offer.offerLink;
    $("offer-app-link").href = offer.offerLink;
    $("offer-app-qr").src = offer.appQrCode;
    $("offer-tx").hidden = !offer.txCode;
    $("offer-tx-code").textContent = offer.txCode || "";
    $("offer-expires").textContent = offer.expiresAt;
    $("offer-email").value =
      t("Dear {name},", { name: learner.name }) + "\n\n" +
      t("your micro-credential \u201c{title}\u201d is ready. Open this link on your phone to add it to your wallet:", {
        title: offer.achievementName,
      }) + "\n" + link + "\n\n" +
      (offer.txCode ? t("You will be asked for a code, which we send in a separate message.") + "\n\n" : "") +
      t("The link expires on {date}.", { date: offer.expiresAt.slice(0, 10) });
    $("offer-result").hidden = false;
  } catch (error) {
    $("offer-error").textContent = error.message;
    $("offer-error").hidden = false;
  }
});

$("status-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const [purpose, value] = $("status-action").value.split(":");
  try {
    const result = await api("POST", "/credentials/status", {
      credentialId: $("credential-id").value.trim(),
      credentialStatus: { type: "BitstringStatusListCredential", statusPurpose: purpose },
      status: value === "true",
    });
    $("status-result").textContent = result.changed ? t("Done.") : t("No change: it already had that status.");
  } catch (error) {
    $("status-result").textContent = error.message;
  }
});

if (token()) {
  showApp().catch(showLogin);
} else {
  showLogin();
}
