// Reading QR codes with the phone camera, shared by the wallet's and the verifier's scan.js (served at
// /shared/scan-camera.js by both, before their own script). The browser's BarcodeDetector reads the video
// where it exists (Chrome on Android); elsewhere (Firefox, Safari) a small JPEG of the camera picture goes
// to the service every 700 ms (POST /scan/frame, with the page's form token), which reads it.
(function () {
  "use strict";

  // The browser's own QR detector, if it has one that reads QR codes.
  function detectorReader(video) {
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

  // The service reads the frame: a JPEG of at most 800 pixels a side, sent with the form token.
  // A refusal rejects with {say: what to show, wait: ms before the next frame, or null to stop}.
  // options: token, field (the token's form field), failed (what to say when no answer came),
  // says ("title" or "detail": which member of a refusal's problem details is shown).
  function serverReader(video, options) {
    var canvas = document.createElement("canvas");
    if (!canvas.getContext || !canvas.toBlob || !window.fetch || !window.FormData || !options.token) { return null; }
    var context = canvas.getContext("2d");
    if (!context) { return null; }
    function refused(response) {
      var wait = null;
      if (response.status === 429 || response.status === 503) {
        var seconds = parseInt(response.headers.get("Retry-After") || "", 10);
        wait = 1000 * Math.min(60, Math.max(1, isNaN(seconds) ? 2 : seconds));
      }
      return response.json().catch(function () { return {}; }).then(function (problem) {
        throw { say: problem[options.says] || options.failed, wait: wait };
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
          body.append(options.field, options.token);
          body.append("frame", blob, "frame.jpg");
          return fetch("/scan/frame", { method: "POST", body: body, credentials: "same-origin" })
            .then(function (response) {
              if (!response.ok) { return refused(response); }
              return response.json().then(function (answer) {
                return answer && typeof answer.text === "string" && answer.text ? answer.text : null;
              });
            }, function () {
              throw { say: options.failed, wait: 2000 };
            });
        });
      }
    };
  }

  // A reader of the video's frames ({pause, read()}), or null where there is no camera or no way to read.
  function frameReader(video, options) {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { return null; }
    return detectorReader(video) || serverReader(video, options);
  }

  // Plays the back camera in `video` and reads its frames until a code is taken or stop() is called.
  // hooks: started(); found(value), true when the code is taken (the page then moves on); trouble(words),
  // a refusal to show; calm(), the next frame was read after one; stopped(); failed(error), no camera.
  function camera(video, hooks) {
    var stream = null;
    var timer = null;

    function stop() {
      if (timer) { clearTimeout(timer); timer = null; }
      if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); stream = null; }
      video.hidden = true;
      hooks.stopped();
    }

    function start(reader) {
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (media) {
        stream = media;
        video.srcObject = media;
        video.hidden = false;
        hooks.started();
        return video.play();
      }).then(function () {
        var troubled = false; // a refusal is on show: cleared by the next frame read
        function look() {
          if (!stream) { return; }
          reader.read().then(function (value) {
            if (!stream) { return; }
            if (value && hooks.found(value)) { return; }
            if (troubled) { hooks.calm(); troubled = false; }
            timer = setTimeout(look, reader.pause);
          }).catch(function (problem) {
            if (!stream) { return; }
            if (problem && problem.say) {
              hooks.trouble(problem.say);
              troubled = true;
              if (problem.wait === null) { stop(); return; }
            }
            timer = setTimeout(look, problem && problem.wait ? problem.wait : 1000);
          });
        }
        look();
      }).catch(function (error) {
        stop();
        hooks.failed(error);
      });
    }

    return { start: start, stop: stop, running: function () { return stream !== null; } };
  }

  window.PlecakScan = { frameReader: frameReader, camera: camera };
}());
