// Camera QR scanning (the camera and the reading of its frames: /shared/scan-camera.js, loaded first): the
// browser's BarcodeDetector where it exists (Chrome on Android); elsewhere (Firefox, Safari) a small JPEG of the
// camera picture every 700 ms, read by the wallet itself (POST /scan/frame). Without a camera, the photo form
// (also read by the wallet) and the paste box work.
"use strict";
(function () {
  var start = document.getElementById("scan-start");
  var stop = document.getElementById("scan-stop");
  var video = document.getElementById("camera");
  var message = document.getElementById("scan-message");
  var form = document.getElementById("paste-form");
  var box = document.getElementById("link");
  var root = document.getElementById("scanner");
  if (!start || !video || !form || !box || !window.PlecakScan) return;
  // A photo of the QR code (every browser, read by the wallet): send it as soon as it is chosen.
  var photo = document.getElementById("photo");
  if (photo && photo.form) {
    photo.addEventListener("change", function () {
      if (photo.files && photo.files.length) { photo.form.submit(); }
    });
  }
  var token = photo && photo.form && photo.form.elements.csrf ? photo.form.elements.csrf.value : "";

  var options = { token: token, field: "csrf", failed: root.getAttribute("data-frame-failed"), says: "title" };
  function frameReader() { return window.PlecakScan.frameReader(video, options); }

  if (!frameReader()) {
    message.textContent = root.getAttribute("data-no-camera");
    return;
  }
  start.hidden = false;

  var camera = window.PlecakScan.camera(video, {
    started: function () { stop.hidden = false; start.hidden = true; },
    found: function (value) {
      camera.stop();
      box.value = value;
      form.submit();
      return true;
    },
    trouble: function (words) { message.textContent = words; },
    calm: function () { message.textContent = ""; },
    stopped: function () { stop.hidden = true; start.hidden = false; },
    failed: function (err) { message.textContent = root.getAttribute("data-no-camera") + " (" + err.name + ")"; }
  });

  start.addEventListener("click", function () {
    var reader = frameReader();
    if (!reader) { message.textContent = root.getAttribute("data-no-camera"); return; }
    message.textContent = "";
    camera.start(reader);
  });
  stop.addEventListener("click", camera.stop);
  window.addEventListener("pagehide", camera.stop);
})();
