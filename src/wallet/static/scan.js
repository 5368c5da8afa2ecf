// Camera QR scanning with the browser's BarcodeDetector; without it, the photo form (read by the
// wallet on the server) and the paste box still work.
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
  var supported = "BarcodeDetector" in window && navigator.mediaDevices && navigator.mediaDevices.getUserMedia;
  if (!supported) {
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
    var detector;
    try { detector = new window.BarcodeDetector({ formats: ["qr_code"] }); }
    catch (e) { message.textContent = root.getAttribute("data-no-camera"); return; }
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
          detector.detect(video).then(function (codes) {
            if (codes.length && codes[0].rawValue) { found(codes[0].rawValue); return; }
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
