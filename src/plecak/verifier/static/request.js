// Poll the presentation request every 2 seconds and open the result when the wallet has answered.
(function () {
  "use strict";
  var status = document.getElementById("request-status");
  if (!status || !window.fetch) { return; }
  var text = status.dataset;

  function poll() {
    fetch(text.statusUrl, { headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : { status: "expired" }; })
      .then(function (answer) {
        if (answer.status === "answered" && answer.resultUrl) {
          window.location.assign(answer.resultUrl);
        } else if (answer.status === "expired") {
          status.textContent = text.expired;
        } else if (answer.status === "declined") {
          status.textContent = text.declined;
        } else {
          setTimeout(poll, 2000);
        }
      })
      .catch(function () { setTimeout(poll, 2000); });
  }
  setTimeout(poll, 2000);
}());
