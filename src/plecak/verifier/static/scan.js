// Scan a QR code with the phone camera and open its link (the camera and the reading of its frames:
// /shared/scan-camera.js, loaded first). The browser's BarcodeDetector reads the video where it exists
// (Chrome on Android); elsewhere (Firefox, Safari) a small JPEG of the camera picture goes to the verifier
// every 700 ms (POST /scan/frame), which reads it. Without a camera the page says so and offers the photo
// form (read on the server); the other ways work without JavaScript.
(function () {
  "use strict";
  var section = document.getElementById("scan");
  if (!section || !window.PlecakScan) { return; }
  var message = document.getElementById("scan-message");
  var toggle = document.getElementById("scan-toggle");
  var video = document.getElementById("scan-video");
  var text = section.dataset;

  function say(words) { message.textContent = words; }

  // A photo of the QR code (every browser): send it as soon as it is chosen.
  var photo = document.getElementById("photo-file");
  if (photo && photo.form) {
    photo.addEventListener("change", function () {
      if (photo.files && photo.files.length) { photo.form.submit(); }
    });
  }

  var token = photo && photo.form && photo.form.elements.csrf_token ? photo.form.elements.csrf_token.value : "";
  var options = { token: token, field: "csrf_token", failed: text.frameFailed, says: "detail" };
  function frameReader() { return window.PlecakScan.frameReader(video, options); }

  if (!frameReader()) {
    say(text.unsupported);
    return;
  }
  say(text.intro);
  toggle.hidden = false;

  function open(value) {
    var url;
    try { url = new URL(value, window.location.href); } catch (e) { url = null; }
    if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) {
      say(text.notLink);
      return false;
    }
    camera.stop();
    var inner = url.pathname.replace(/\/+$/, "").slice(-7) === "/verify" ? url.searchParams.get("url") : null;
    if (inner && /^https?:\/\//.test(inner)) {
      // a wallet's share QR code names its own verifier: check the shared link here
      window.location.assign("/verify?url=" + encodeURIComponent(inner));
    } else if (url.origin === window.location.origin) {
      window.location.assign(url.href);
    } else {
      window.location.assign("/verify?url=" + encodeURIComponent(url.href));
    }
    return true;
  }

  var camera = window.PlecakScan.camera(video, {
    started: function () { toggle.textContent = text.stop; say(text.waiting); },
    found: open,
    trouble: say,
    calm: function () { say(text.waiting); },
    stopped: function () { toggle.textContent = text.start; },
    failed: function () { say(text.denied); }
  });

  toggle.addEventListener("click", function () {
    if (camera.running()) {
      camera.stop();
      say(text.intro);
      return;
    }
    var reader = frameReader();
    if (!reader) { say(text.unsupported); return; }
    camera.start(reader);
  });
}());
