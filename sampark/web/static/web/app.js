// Sampark on every page, kept small: the one service worker (sw.js) and the kept pages' lifetime.
// The outbox (web/outbox.js: what was made on this phone waits there until sent) is loaded only
// where it is needed: a page with a form or list that uses it, or while something waits to be sent.
(function () {
  "use strict";
  var body = document.body, me = body.dataset.person || "";
  var PAGES = "sampark-pages";

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
    if (me && navigator.onLine) {
      navigator.serviceWorker.ready.then(function (reg) {
        if (reg.active) reg.active.postMessage({ keep: [location.pathname, "/outbox/"] });
      }).catch(function () {});
    }
    // The report form's own worker of old (scope /reports/) gives way to the site's.
    navigator.serviceWorker.getRegistrations().then(function (regs) {
      regs.forEach(function (r) { if (new URL(r.scope).pathname !== "/") r.unregister(); });
    }).catch(function () {});
  }

  // Kept pages belong to the person logged in: forget them at logout, and whenever a page is
  // served to nobody (the login page), so the next person on this phone never sees them.
  function forgetPages() { return window.caches ? caches.delete(PAGES).catch(function () {}) : Promise.resolve(); }
  if (!me && body.dataset.copy === "live") forgetPages();
  document.querySelectorAll('form[action="/logout/"]').forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      forgetPages().then(function () { form.submit(); });
    });
  });

  var waiting = false;
  try { waiting = !!localStorage.getItem("sampark-outbox-waiting"); } catch (e) { /* storage off */ }
  if (me && (waiting || document.querySelector("[data-outbox], #outbox"))) {
    var s = document.createElement("script");
    s.src = "/static/web/outbox.js";
    document.head.appendChild(s);
  }
  // The volunteer's check-in page (events/<id>/checkin/): its script, next to the outbox's.
  if (me && document.getElementById("checkin")) {
    var c = document.createElement("script");
    c.src = "/static/web/checkin.js";
    document.head.appendChild(c);
  }
})();
