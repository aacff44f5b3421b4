// Retired: the report form once had its own service worker here (scope /reports/). A phone that
// still has it fetches this on its next visit; it drops its cache and unregisters itself, and the
// site's one worker (/sw.js, scope "/") serves /reports/ from then on.
"use strict";
self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  event.waitUntil(caches.delete("sampark-reports-v1").then(function () {
    return self.registration.unregister();
  }).then(function () { return self.clients.matchAll(); }).then(function (clients) {
    clients.forEach(function (c) { if (c.navigate) c.navigate(c.url); });
  }));
});
