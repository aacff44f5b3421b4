// Sampark's one service worker, for the whole site (scope "/"). Pages a person opens again in the
// field (home, the directive inbox, each directive, the report and difficulty forms, the outbox)
// are network first and kept: with no network the last copy opens, marked as a saved copy. Any
// other page opens a small offline page instead of the browser's error. API answers and other
// people's data are never kept; the page copies are dropped at logout (see app.js).
// Things to send wait in the pages' IndexedDB outbox (app.js), not here.
"use strict";
var VERSION = "v1";
var SHELL = "sampark-shell-" + VERSION, PAGES = "sampark-pages";
var OFFLINE = "/offline/";
var SHELL_FILES = [OFFLINE, "/manifest.webmanifest", "/static/web/app.js", "/static/web/outbox.js", "/static/web/site.css",
  "/static/web/icon.svg", "/static/web/icon-192.png", "/reports/outbox.js"];
var KEPT = [/^\/$/, /^\/directives\/$/, /^\/directives\/\d+\/$/, /^\/reports\/new\/$/,
  /^\/difficulties\/new\/$/, /^\/outbox\/$/];
// The volunteer's check-in page and its script: check-ins wait in the outbox with no network.
SHELL_FILES.push("/static/web/checkin.js");
KEPT.push(/^\/events\/\d+\/checkin\/$/);
// The member's social-media handles: this month's counts wait in the outbox with no network.
KEPT.push(/^\/network\/$/);

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (cache) {
    return Promise.all(SHELL_FILES.map(function (path) {
      return fetch(path, { credentials: "same-origin" }).then(function (resp) {
        if (resp.ok && !resp.redirected) return cache.put(path, resp);
      }).catch(function () {});
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== SHELL && k !== PAGES; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

// A page opened before this worker controlled it (the first visit) was not kept on the way: the
// page asks for it, and for the outbox page, to be kept now, unless they already are.
self.addEventListener("message", function (event) {
  var paths = (event.data && event.data.keep) || [];
  event.waitUntil(caches.open(PAGES).then(function (cache) {
    return Promise.all(paths.filter(kept).map(function (path) {
      return cache.match(path).then(function (hit) {
        if (hit) return;
        return fetch(path, { credentials: "same-origin" }).then(function (resp) {
          if (resp.status === 200 && !resp.redirected) return cache.put(path, resp);
        }).catch(function () {});
      });
    }));
  }));
});

function kept(path) { return KEPT.some(function (re) { return re.test(path); }); }

// The kept copy, marked so that the page shows "offline: saved copy from <time>" (base.html).
function savedCopy(path) {
  // ignoreVary: the kept copy is the person's whatever the language or encoding asked for.
  return caches.open(PAGES).then(function (cache) { return cache.match(path, { ignoreVary: true }); }).then(function (hit) {
    if (!hit) return null;
    return hit.text().then(function (html) {
      return new Response(html.replace('data-copy="live"', 'data-copy="saved"'),
        { status: 200, headers: { "Content-Type": "text/html; charset=utf-8" } });
    });
  });
}
function offlinePage() {
  return caches.match(OFFLINE).then(function (hit) {
    return hit || new Response("Offline / ऑफ़लाइन", { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  });
}

self.addEventListener("fetch", function (event) {
  var req = event.request, url = new URL(req.url);
  if (url.origin !== self.location.origin || url.pathname.indexOf("/api/") === 0) return;
  if (req.method !== "GET") {
    // A form sent with no network: the offline page, not the browser's error.
    if (req.mode === "navigate") event.respondWith(fetch(req).catch(offlinePage));
    return;
  }
  if (req.mode === "navigate") {
    var keep = kept(url.pathname);
    event.respondWith(fetch(req).then(function (resp) {
      var html = (resp.headers.get("Content-Type") || "").indexOf("text/html") === 0;
      if (keep && resp.status === 200 && !resp.redirected && html) {
        var copy = resp.clone();
        caches.open(PAGES).then(function (cache) { return cache.put(url.pathname, copy); });
      }
      return resp;
    }).catch(function () {
      if (!keep) return offlinePage();
      // Chrome may miss a kept copy for a moment just after the network went (seen while the
      // cache was being written): look once more before giving up.
      return savedCopy(url.pathname).then(function (hit) {
        return hit || new Promise(function (r) { setTimeout(r, 300); }).then(function () { return savedCopy(url.pathname); });
      }).then(function (hit) { return hit || offlinePage(); });
    }));
    return;
  }
  if (SHELL_FILES.indexOf(url.pathname) >= 0) {
    // Scripts, styles and icons: the network when there is one (always fresh), else the kept copy.
    event.respondWith(fetch(req).then(function (resp) {
      if (resp.ok) { var copy = resp.clone(); caches.open(SHELL).then(function (c) { return c.put(url.pathname, copy); }); }
      return resp;
    }).catch(function () {
      return caches.match(url.pathname).then(function (hit) { return hit || Response.error(); });
    }));
  }
});
