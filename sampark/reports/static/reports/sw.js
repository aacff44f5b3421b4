// Sampark reports service worker: keeps the report form and its script so the form opens with no
// network. Reports themselves wait in the page's IndexedDB outbox (see outbox.js), not here.
"use strict";
var CACHE = "sampark-reports-v1";
var SHELL = ["/reports/new/", "/reports/outbox.js", "/reports/manifest.webmanifest", "/reports/icon.svg"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(SHELL.map(function (path) {
      return fetch(path, { credentials: "same-origin" }).then(function (resp) {
        if (resp.ok && !resp.redirected) return cache.put(path, resp);
      }).catch(function () {});
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

// Network first for the shell (so it is always fresh online), the cached copy when offline.
self.addEventListener("fetch", function (event) {
  var req = event.request;
  if (req.method !== "GET") return;
  var url = new URL(req.url);
  if (url.origin !== self.location.origin || SHELL.indexOf(url.pathname) < 0) return;
  event.respondWith(fetch(req).then(function (resp) {
    if (resp.ok && !resp.redirected) {
      var copy = resp.clone();
      caches.open(CACHE).then(function (cache) { cache.put(url.pathname, copy); });
    }
    return resp;
  }).catch(function () {
    return caches.match(url.pathname).then(function (hit) { return hit || Response.error(); });
  }));
});
