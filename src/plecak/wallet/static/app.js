// Plecak wallet: registers the service worker (offline viewing) and clears its cache at sign-out.
"use strict";
(function () {
  if (!("serviceWorker" in navigator)) return;
  var clear = document.querySelector("[data-clear-offline-cache]");
  if (clear) {
    // Signed out: forget the pages kept for offline viewing (a shared phone shows nothing).
    if (window.caches) {
      caches.keys().then(function (names) {
        names.forEach(function (name) { caches.delete(name); });
      });
    }
    return;
  }
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
  });
})();
