// Camera QR scanning: the browser's BarcodeDetector where it exists (Chrome on Android); elsewhere
// (Firefox, Safari) a small JPEG of the camera picture every 700 ms, read by the wallet itself
// (POST /scan/frame). Without a camera, the photo form (also read by the wallet) and the paste box work.
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
  var token = photo && photo.form && photo.form.elements.csrf ? photo.form.elements.csrf.value : "";

  // The browser's own QR detector, if it has one that reads QR codes.
  function detectorReader() {
    if (typeof window.BarcodeDetector !== "function") return null;
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

  // The wallet reads the frame: a JPEG of at most 800 pixels a side, sent with the form token.
  // A refusal rejects with {say: what to show, wait: ms before the next frame, or null to stop}.
  function serverReader() {
    var canvas = document.createElement("canvas");
    if (!canvas.getContext || !canvas.toBlob || !window.fetch || !window.FormData || !token) return null;
    var context = canvas.getContext("2d");
    if (!context) return null;
    function refused(response) {
      var wait = null;
      if (response.status === 429 || response.status === 503) {
        var seconds = parseInt(response.headers.get("Retry-After") || "", 10);
        wait = 1000 * Math.min(60, Math.max(1, isNaN(seconds) ? 2 : seconds));
      }
      return response.json().catch(function () { return {}; }).then(function (problem) {
        throw { say: problem.title || root.getAttribute("data-frame-failed"), wait: wait };
      });
    }
    return {
      pause: 700,
      read: function () {
        var width = video.videoWidth, height = video.videoHeight;
        if (!width || !height) return Promise.resolve(null);
        var scale = Math.min(1, 800 / Math.max(width, height));
        canvas.width = Math.round(width * scale);
        canvas.height = Math.round(height * scale);
        context.drawImage(video, 0, 0, canvas.width, canvas.height);
        return new Promise(function (resolve) {
          canvas.toBlob(resolve, "image/jpeg", 0.85);
        }).then(function (blob) {
          if (!blob) return null;
          var body = new FormData();
          body.append("csrf", token);
          body.append("frame", blob, "frame.jpg");
          return fetch("/scan/frame", { method: "POST", body: body, credentials: "same-origin" })
            .then(function (response) {
              if (!response.ok) return refused(response);
              return response.json().then(function (answer) {
                return answer && typeof answer.text === "string" && answer.text ? answer.text : null;
              });
            }, function () {
              throw { say: root.getAttribute("data-frame-failed"), wait: 2000 };
            });
        });
      }
    };
  }

  function frameReader() { return detectorReader() || serverReader(); }

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
    var reader = frameReader();
    if (!reader) { message.textContent = root.getAttribute("data-no-camera"); return; }
    message.textContent = "";
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (s) {
        stream = s;
        video.srcObject = s;
        video.hidden = false; stop.hidden = false; start.hidden = true;
        return video.play();
      })
      .then(function () {
        var troubled = false; // a refusal is on show: cleared by the next frame read
        var tick = function () {
          if (!stream) return;
          reader.read().then(function (value) {
            if (!stream) return;
            if (value) { found(value); return; }
            if (troubled) { message.textContent = ""; troubled = false; }
            timer = setTimeout(tick, reader.pause);
          }).catch(function (problem) {
            if (!stream) return;
            if (problem && problem.say) {
              message.textContent = problem.say;
              troubled = true;
              if (problem.wait === null) { halt(); return; }
            }
            timer = setTimeout(tick, problem && problem.wait ? problem.wait : 1000);
          });
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
