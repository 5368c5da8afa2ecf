// Scan a QR code with the phone camera (BarcodeDetector, else jsQR, on a getUserMedia video) and open its link.
// Without these browser features the page says so and offers the photo form (read on the server);
// the other ways in work without JavaScript.
(function () {
  "use strict";
  var section = document.getElementById("scan");
  if (!section) { return; }
  var message = document.getElementById("scan-message");
  var toggle = document.getElementById("scan-toggle");
  var video = document.getElementById("scan-video");
  var text = section.dataset;
  var stream = null;
  var timer = null;

  function say(words) { message.textContent = words; }

  // A photo of the QR code (every browser): send it as soon as it is chosen.
  var photo = document.getElementById("photo-file");
  if (photo && photo.form) {
    photo.addEventListener("change", function () {
      if (photo.files && photo.files.length) { photo.form.submit(); }
    });
  }

  // A function reading one video frame: a promise of the QR code's text, or null (none seen).
  // BarcodeDetector where the browser has it, else jsQR (our own copy at /vendor/) on a canvas.
  function frameReader() {
    if (typeof window.BarcodeDetector === "function") {
      try {
        var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        return function () {
          return detector.detect(video).then(function (codes) {
            return codes.length && codes[0].rawValue ? codes[0].rawValue : null;
          });
        };
      } catch (e) { /* no QR support in this detector: try jsQR */ }
    }
    if (typeof window.jsQR !== "function") { return null; }
    var canvas = document.createElement("canvas");
    var context = canvas.getContext("2d", { willReadFrequently: true });
    return function () {
      var width = video.videoWidth, height = video.videoHeight;
      if (!width || !height) { return Promise.resolve(null); }
      var scale = Math.min(1, 720 / Math.max(width, height));
      canvas.width = Math.round(width * scale);
      canvas.height = Math.round(height * scale);
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var pixels = context.getImageData(0, 0, canvas.width, canvas.height);
      var code = window.jsQR(pixels.data, pixels.width, pixels.height, { inversionAttempts: "dontInvert" });
      return Promise.resolve(code && code.data ? code.data : null);
    };
  }

  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !frameReader()) {
    say(text.unsupported);
    return;
  }
  say(text.intro);
  toggle.hidden = false;

  function stop() {
    if (timer) { clearTimeout(timer); timer = null; }
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); stream = null; }
    video.hidden = true;
    toggle.textContent = text.start;
  }

  function open(value) {
    var url;
    try { url = new URL(value, window.location.href); } catch (e) { url = null; }
    if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) {
      say(text.notLink);
      return false;
    }
    stop();
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

  function start() {
    var read = frameReader();
    if (!read) { say(text.unsupported); return; }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (media) {
      stream = media;
      video.srcObject = media;
      video.hidden = false;
      toggle.textContent = text.stop;
      say(text.waiting);
      return video.play();
    }).then(function () {
      function look() {
        if (!stream) { return; }
        read().then(function (value) {
          if (value && open(value)) { return; }
          timer = setTimeout(look, 250);
        }).catch(function () { timer = setTimeout(look, 500); });
      }
      look();
    }).catch(function () {
      stop();
      say(text.denied);
    });
  }

  toggle.addEventListener("click", function () {
    if (stream) { stop(); say(text.intro); } else { start(); }
  });
}());
