// Camera QR scanning: the browser's BarcodeDetector where it exists (Chrome on Android), else jsQR
// (served from /vendor/, our own copy) reading frames drawn on a canvas (Firefox, Safari). Without a
// camera, the photo form (read by the wallet on the server) and the paste box still work.
"use strict";
(function () {
  var start = document.getElementById("scan-start");
  var stop = document.getElementById("scan-stop");
  var video = document.getElementById("camera");
  var message = document.getElementById("scan-message");
  var form = document.getElementById("paste-form");
  var box = document.getElementById("link");
  var root = document.getElementById("scanner");
  if (!start || !video || !form || !box) return;
  var stream = null;
  var timer = null;
  // A photo of the QR code (every browser, read by the wallet): send it as soon as it is chosen.
  var photo = document.getElementById("photo");
  if (photo && photo.form) {
    photo.addEventListener("change", function () {
      if (photo.files && photo.files.length) { photo.form.submit(); }
    });
  }

  // A function reading one video frame: a promise of the QR code's text, or null (none seen).
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
    if (typeof window.jsQR !== "function") return null;
    var canvas = document.createElement("canvas");
    var context = canvas.getContext("2d", { willReadFrequently: true });
    return function () {
      var width = video.videoWidth, height = video.videoHeight;
      if (!width || !height) return Promise.resolve(null);
      var scale = Math.min(1, 720 / Math.max(width, height));
      canvas.width = Math.round(width * scale);
      canvas.height = Math.round(height * scale);
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var pixels = context.getImageData(0, 0, canvas.width, canvas.height);
      var code = window.jsQR(pixels.data, pixels.width, pixels.height, { inversionAttempts: "dontInvert" });
      return Promise.resolve(code && code.data ? code.data : null);
    };
  }

  var camera = navigator.mediaDevices && navigator.mediaDevices.getUserMedia;
  if (!camera || !frameReader()) {
    message.textContent = root.getAttribute("data-no-camera");
    return;
  }
  start.hidden = false;

  function halt() {
    if (timer) { clearTimeout(timer); timer = null; }
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; }
    video.hidden = true; stop.hidden = true; start.hidden = false;
  }

  function found(value) {
    halt();
    box.value = value;
    form.submit();
  }

  start.addEventListener("click", function () {
    var read = frameReader();
    if (!read) { message.textContent = root.getAttribute("data-no-camera"); return; }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (s) {
        stream = s;
        video.srcObject = s;
        video.hidden = false; stop.hidden = false; start.hidden = true;
        return video.play();
      })
      .then(function () {
        var tick = function () {
          if (!stream) return;
          read().then(function (value) {
            if (value) { found(value); return; }
            timer = setTimeout(tick, 250);
          }).catch(function () { timer = setTimeout(tick, 500); });
        };
        tick();
      })
      .catch(function (err) {
        halt();
        message.textContent = root.getAttribute("data-no-camera") + " (" + err.name + ")";
      });
  });
  stop.addEventListener("click", halt);
  window.addEventListener("pagehide", halt);
})();
