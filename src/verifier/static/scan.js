// Scan a QR code with the phone camera (BarcodeDetector on a getUserMedia video) and open its link.
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

  if (!("BarcodeDetector" in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
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
    if (url.origin === window.location.origin) {
      window.location.assign(url.href);
    } else {
      window.location.assign("/verify?url=" + encodeURIComponent(url.href));
    }
    return true;
  }

  function start() {
    var detector;
    try { detector = new window.BarcodeDetector({ formats: ["qr_code"] }); } catch (e) { say(text.unsupported); return; }
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
        detector.detect(video).then(function (codes) {
          if (codes.length && open(codes[0].rawValue)) { return; }
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
