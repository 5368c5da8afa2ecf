// Passkeys (WebAuthn): add one on the account page, sign in with one on the sign-in page, create an
// account with one on the sign-up page. The form's data-options URL answers the options as JSON with
// base64url byte strings; this file turns them into ArrayBuffers for navigator.credentials and the
// answer back into base64url JSON, then posts it to the form's action as an ordinary form (with the
// page's CSRF token; data-email adds the page's e-mail field). Messages come translated in data-
// attributes of #passkeys.
"use strict";
(function () {
  var root = document.getElementById("passkeys");
  var form = root && root.querySelector("form.passkey-form");
  var message = document.getElementById("passkey-message");
  if (!root || !form || !message) return;
  var registering = form.hasAttribute("data-registering");
  var button = form.querySelector("button[type=submit]");

  function say(text) {
    message.textContent = text || "";
    message.hidden = !text;
  }

  if (!window.PublicKeyCredential || !navigator.credentials || !navigator.credentials.create) {
    say(root.getAttribute("data-not-supported"));
    return;
  }
  button.disabled = false;

  function toBytes(text) {
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) b64 += "=";
    var binary = atob(b64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }

  function toText(buffer) {
    if (!buffer) return null;
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function descriptors(list) {
    return (list || []).map(function (d) {
      var out = { type: d.type, id: toBytes(d.id) };
      if (d.transports && d.transports.length) out.transports = d.transports;
      return out;
    });
  }

  function creationOptions(o) {
    var publicKey = {
      rp: o.rp,
      user: { id: toBytes(o.user.id), name: o.user.name, displayName: o.user.displayName },
      challenge: toBytes(o.challenge),
      pubKeyCredParams: o.pubKeyCredParams,
      timeout: o.timeout,
      excludeCredentials: descriptors(o.excludeCredentials),
      authenticatorSelection: o.authenticatorSelection,
      attestation: o.attestation
    };
    return publicKey;
  }

  function requestOptions(o) {
    return {
      challenge: toBytes(o.challenge),
      timeout: o.timeout,
      rpId: o.rpId,
      allowCredentials: descriptors(o.allowCredentials),
      userVerification: o.userVerification
    };
  }

  function credentialJSON(cred) {
    var r = cred.response;
    var response = { clientDataJSON: toText(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = toText(r.attestationObject);
      response.transports = typeof r.getTransports === "function" ? r.getTransports() : [];
    } else {
      response.authenticatorData = toText(r.authenticatorData);
      response.signature = toText(r.signature);
      response.userHandle = toText(r.userHandle);
    }
    return JSON.stringify({
      id: cred.id,
      rawId: toText(cred.rawId),
      type: cred.type,
      response: response,
      authenticatorAttachment: cred.authenticatorAttachment || undefined,
      clientExtensionResults: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {}
    });
  }

  function Failure(text) { this.text = text; }

  function post(url, fields) {
    var body = new URLSearchParams();
    Object.keys(fields).forEach(function (k) { body.append(k, fields[k]); });
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).catch(function () {
      throw new Failure(root.getAttribute("data-network"));
    }).then(function (resp) {
      return resp.json().catch(function () { return {}; }).then(function (data) {
        if (!resp.ok) throw new Failure(data.title || root.getAttribute("data-failed"));
        return data;
      });
    });
  }

  function explain(err) {
    if (err instanceof Failure) return err.text;
    var name = err && err.name;
    if (name === "NotAllowedError" || name === "AbortError") return root.getAttribute("data-cancelled");
    if (name === "InvalidStateError" && registering) return root.getAttribute("data-exists");
    if (name === "NotSupportedError") return root.getAttribute("data-not-supported");
    // the page is open at another address than the wallet's (e.g. 127.0.0.1 instead of localhost)
    if (name === "SecurityError") return root.getAttribute("data-unavailable");
    return root.getAttribute("data-failed");
  }

  function fields(extra) {
    var out = {};
    new FormData(form).forEach(function (value, key) { out[key] = String(value); });
    var email = document.getElementById("email");
    if (form.hasAttribute("data-email") && email) out.email = email.value;
    Object.keys(extra).forEach(function (k) { out[k] = extra[k]; });
    return out;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    button.disabled = true;
    message.classList.remove("error");
    say(root.getAttribute("data-working"));
    post(form.getAttribute("data-options"), fields({}))
      .then(function (options) {
        return registering
          ? navigator.credentials.create({ publicKey: creationOptions(options) })
          : navigator.credentials.get({ publicKey: requestOptions(options) });
      })
      .then(function (cred) {
        return post(form.getAttribute("action"), fields({ credential: credentialJSON(cred) }));
      })
      .then(function (data) {
        window.location.assign(data.redirect || "/");
      })
      .catch(function (err) {
        message.classList.add("error");
        say(explain(err));
        button.disabled = false;
      });
  });
})();
