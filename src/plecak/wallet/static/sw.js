// Plecak wallet service worker: the app shell and the pages the learner viewed work offline.
// Only GET requests of this origin are handled; sharing, receiving, presenting and backups
// always go to the network, and nothing is cached for them.
"use strict";
var SHELL = "plecak-shell-v6";  // bump when a shell file changes (v6: scan.js reads the camera through /shared/scan-camera.js)
var PAGES = "plecak-pages-v1";
var SHELL_URLS = [
  "/static/wallet.css", "/static/app.js", "/static/scan.js", "/static/share.js", "/static/passkeys.js",
  "/static/icon.svg", "/shared/scan-camera.js",
  "/static/offline.html", "/manifest.webmanifest"
];
var NEVER = /^\/(s\/|receive|present|open|backup|account|passkeys|signin|signup|signout|signed-out|lang\/|share$|sw\.js)/;
var PAGE = /^\/($|credentials\/[0-9a-f]+$|shares$|scan$|add$)/;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (cache) { return cache.addAll(SHELL_URLS); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n !== SHELL && n !== PAGES; })
      .map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("message", function (event) {
  if (event.data === "clear-pages") { event.waitUntil(caches.delete(PAGES)); }
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin || NEVER.test(url.pathname)) return;
  if (url.pathname.indexOf("/static/") === 0 || url.pathname.indexOf("/shared/") === 0 ||
      url.pathname === "/manifest.webmanifest") {
    event.respondWith(caches.match(request).then(function (hit) { return hit || fetch(request); }));
    return;
  }
  if (request.mode !== "navigate" || !PAGE.test(url.pathname)) return;
  event.respondWith(fetch(request).then(function (response) {
    if (response.ok && !response.redirected) {
      var copy = response.clone();
      caches.open(PAGES).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(request).then(function (hit) {
      return hit || caches.match("/static/offline.html");
    });
  }));
});
