// Scan a QR code with the phone camera (getUserMedia) and open its link. The browser's BarcodeDetector
// reads the video where it exists (Chrome on Android); elsewhere (Firefox, Safari) a small JPEG of the
// camera picture goes to the verifier every 700 ms (POST /scan/frame), which reads it. Without a camera
// the page says so and offers the photo form (read on the server); the other ways work without JavaScript.
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

  var token = photo && photo.form && photo.form.elements.csrf_token ? photo.form.elements.csrf_token.value : "";

  // The browser's own QR detector, if it has one that reads QR codes.
  function detectorReader() {
    if (typeof window.BarcodeDetector !== "function") { return null; }
    try {
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      return {
        pause: 250,
        read: function () {
          return detector.detect(video).then(function (codes) {
            return codes.length && codes[0].rawValue ? codes[0].rawValue : null;
          });
        }
      };
    } catch (e) {
      return null; // no QR support in this detector
    }
  }

  // The verifier reads the frame: a JPEG of at most 800 pixels a side, sent with the form token.
  // A refusal rejects with {say: what to show, wait: ms before the next frame, or null to stop}.
  function serverReader() {
    var canvas = document.createElement("canvas");
    if (!canvas.getContext || !canvas.toBlob || !window.fetch || !window.FormData || !token) { return null; }
    var context = canvas.getContext("2d");
    if (!context) { return null; }
    function refused(response) {
      var wait = null;
      if (response.status === 429 || response.status === 503) {
        var seconds = parseInt(response.headers.get("Retry-After") || "", 10);
        wait = 1000 * Math.min(60, Math.max(1, isNaN(seconds) ? 2 : seconds));
      }
      return response.json().catch(function () { return {}; }).then(function (problem) {
        throw { say: problem.detail || text.frameFailed, wait: wait };
      });
    }
    return {
      pause: 700,
      read: function () {
        var width = video.videoWidth, height = video.videoHeight;
        if (!width || !height) { return Promise.resolve(null); }
        var scale = Math.min(1, 800 / Math.max(width, height));
        canvas.width = Math.round(width * scale);
        canvas.height = Math.round(height * scale);
        context.drawImage(video, 0, 0, canvas.width, canvas.height);
        return new Promise(function (resolve) {
          canvas.toBlob(resolve, "image/jpeg", 0.85);
        }).then(function (blob) {
          if (!blob) { return null; }
          var body = new FormData();
          body.append("csrf_token", token);
          body.append("frame", blob, "frame.jpg");
          return fetch("/scan/frame", { method: "POST", body: body, credentials: "same-origin" })
            .then(function (response) {
              if (!response.ok) { return refused(response); }
              return response.json().then(function (answer) {
                return answer && typeof answer.text === "string" && answer.text ? answer.text : null;
              });
            }, function () {
              throw { say: text.frameFailed, wait: 2000 };
            });
        });
      }
    };
  }

  function frameReader() { return detectorReader() || serverReader(); }

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
    var reader = frameReader();
    if (!reader) { say(text.unsupported); return; }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (media) {
      stream = media;
      video.srcObject = media;
      video.hidden = false;
      toggle.textContent = text.stop;
      say(text.waiting);
      return video.play();
    }).then(function () {
      var troubled = false; // a refusal is on show: the next frame read says "looking" again
      function look() {
        if (!stream) { return; }
        reader.read().then(function (value) {
          if (!stream) { return; }
          if (value && open(value)) { return; }
          if (troubled) { say(text.waiting); troubled = false; }
          timer = setTimeout(look, reader.pause);
        }).catch(function (problem) {
          if (!stream) { return; }
          if (problem && problem.say) {
            say(problem.say);
            troubled = true;
            if (problem.wait === null) { stop(); return; }
          }
          timer = setTimeout(look, problem && problem.wait ? problem.wait : 1000);
        });
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
