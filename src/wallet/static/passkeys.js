// Passkeys (WebAuthn): add one on the account page, sign in with one on the sign-in page.
// The wallet sends the options as JSON with base64url byte strings; this file turns them into
// ArrayBuffers for navigator.credentials and the answer back into base64url JSON, then posts it as
// an ordinary form (with the page's CSRF token). Messages come translated in data- attributes.
"use strict";
(function () {
  var root = document.getElementById("passkeys");
  var form = document.getElementById("passkey-add") || document.getElementById("passkey-signin");
  var message = document.getElementById("passkey-message");
  if (!root || !form || !message) return;
  var registering = form.id === "passkey-add";
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

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var csrf = form.querySelector("input[name=csrf]").value;
    button.disabled = true;
    say("");
    message.classList.remove("error");
    say(root.getAttribute("data-working"));
    var ceremony;
    if (registering) {
      var name = form.querySelector("input[name=name]").value;
      ceremony = post("/passkeys/register/options", { csrf: csrf })
        .then(function (options) {
          return navigator.credentials.create({ publicKey: creationOptions(options) });
        })
        .then(function (cred) {
          return post("/passkeys/register", { csrf: csrf, name: name, credential: credentialJSON(cred) });
        });
    } else {
      var email = document.getElementById("email");
      var next = form.querySelector("input[name=next]");
      ceremony = post("/passkeys/signin/options", { csrf: csrf })
        .then(function (options) {
          return navigator.credentials.get({ publicKey: requestOptions(options) });
        })
        .then(function (cred) {
          return post("/passkeys/signin", {
            csrf: csrf,
            credential: credentialJSON(cred),
            email: email ? email.value : "",
            next: next ? next.value : "/"
          });
        });
    }
    ceremony.then(function (data) {
      window.location.assign(data.redirect || "/");
    }).catch(function (err) {
      message.classList.add("error");
      say(explain(err));
      button.disabled = false;
    });
  });
})();
