// Badges and lists live: GET /api/v1/me/pulse every 10 s (data-every) while the page is visible (304, no body,
// while its tag holds); on a new tag, set the badges and swap each [data-live] for the fresh page's.
(function () {
  var s = document.querySelector("script[data-pulse]");
  if (!s || !window.fetch) return;
  var url = s.dataset.pulse, tag = s.dataset.tag || "", every = (+s.dataset.every || 10) * 1000;
  var busy = false, timer = null;
  var fmt = document.documentElement.lang == "hi" ? "en-IN" : "en-US";
  var opts = {credentials: "same-origin", cache: "no-store"};

  function badge(name, n) {
    document.querySelectorAll('[data-badge="' + name + '"]').forEach(function (b) {
      b.textContent = n.toLocaleString(fmt);
      b.hidden = !n;
    });
  }

  function swap() {
    var live = document.querySelectorAll("[data-live]");
    if (!live.length) return;
    return fetch(location.href, opts).then(function (r) { return r.ok && r.text(); }).then(function (html) {
      if (!html) return;
      var page = new DOMParser().parseFromString(html, "text/html");
      live.forEach(function (el) {
        var got = page.querySelector('[data-live="' + el.dataset.live + '"]');
        if (got) el.innerHTML = got.innerHTML;
      });
      document.documentElement.dataset.liveAt = Date.now();
    });
  }

  function poll() {
    if (busy || document.hidden) return;
    busy = true;
    fetch(url, Object.assign({headers: tag ? {"If-None-Match": '"' + tag + '"'} : {}}, opts))
      .then(function (r) { return r.status == 200 && r.json(); })
      .then(function (j) {
        if (!j || j.tag == tag) return;
        var fresh = !tag;  // drawn without kept counts just now: its lists are new already
        var c = j.counts, home = 0;
        for (var k in c) if (k != "directives_to_ack" && k != "difficulties_waiting") home += c[k];
        tag = j.tag;
        badge("directives", c.directives_to_ack);
        badge("difficulties", c.difficulties_waiting);
        badge("home", home);
        if (!fresh) return swap();
      })
      .catch(function () {})
      .then(function () { busy = false; });
  }

  function start() { clearInterval(timer); timer = setInterval(poll, every); }
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) clearInterval(timer); else { poll(); start(); }
  });
  start();
  if (!tag) poll();
})();
