// The volunteer's check-in page (events/<id>/checkin/). Each check-in (a typed or scanned code, a
// phone number, a person found by name, a number of walk-ins) gets an id made here and goes into
// the phone's outbox (web/outbox.js), which sends it now or when the network returns; the server
// takes each id once and each person once. Loaded by web/app.js on this page only.
(function () {
  "use strict";
  var root = document.getElementById("checkin");
  if (!root) return;
  var eventId = root.dataset.checkin, title = root.dataset.title || "";
  var serverEl = document.getElementById("checkin-server"), waitingEl = document.getElementById("checkin-waiting");
  var logEl = document.getElementById("checkin-log"), errorEl = document.getElementById("checkin-error");
  var textsEl = document.getElementById("outbox-texts");
  var T = textsEl ? JSON.parse(textsEl.textContent) : {};

  function ready(fn) {
    if (window.Sampark && window.Sampark.all) fn();
    else document.addEventListener("outbox-ready", fn, { once: true });
  }
  function ours(i) { return i.type === "checkin" && String(i.body.event) === eventId && window.Sampark.mine(i); }

  function render() {
    return window.Sampark.all().then(function (items) {
      items = items.filter(ours);
      waitingEl.textContent = items.filter(window.Sampark.pending).length;
      logEl.textContent = "";
      items.sort(function (a, b) { return b.createdAt - a.createdAt; }).slice(0, 30).forEach(function (item) {
        var li = document.createElement("li");
        li.dataset.status = item.status; li.dataset.id = item.id;
        var what = document.createElement("strong");
        what.textContent = item.label.title;
        var st = document.createElement("span");
        st.className = item.status === "rejected" ? "error status" : "muted status";
        var why = item.status === "sent" ? item.note : (T[item.reason] || item.reason);
        st.textContent = (T[item.status] || item.status) + (why ? ": " + why : "");
        li.appendChild(what); li.appendChild(document.createTextNode(" · ")); li.appendChild(st);
        logEl.appendChild(li);
      });
    });
  }

  function queue(body, shown) {
    body.event = eventId;
    errorEl.hidden = true;
    return window.Sampark.add({ id: window.Sampark.uuid(), type: "checkin", body: body,
                                label: { unit: title, title: shown } }).then(render);
  }

  root.querySelectorAll("form.checkin-form").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var kind = form.dataset.kind, el = form.elements, body = {}, shown;
      if (kind === "person") {
        body.person = Number(el.person.value); body.method = "name"; shown = form.dataset.name;
      } else {
        var input = el[kind], value = input.value.trim();
        if (!value) { input.focus(); return; }
        body[kind] = kind === "walk_ins" ? Number(value) : value;
        body.method = kind === "walk_ins" ? "walk_in" : kind;
        shown = kind === "walk_ins" ? "+" + value : value;
        input.value = "";
        input.focus();
      }
      ready(function () { queue(body, shown); });
    });
  });

  // The camera, where the browser can read QR codes itself (BarcodeDetector); hidden elsewhere.
  var scan = document.getElementById("checkin-scan"), video = document.getElementById("checkin-video");
  if (scan && "BarcodeDetector" in window && navigator.mediaDevices) {
    scan.hidden = false;
    var stream = null, last = "";
    var stop = function () {
      if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
      stream = null; video.hidden = true;
    };
    scan.addEventListener("click", function () {
      if (stream) { stop(); return; }
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (s) {
        stream = s; video.srcObject = s; video.hidden = false;
        return video.play();
      }).then(function look() {
        if (!stream) return;
        return detector.detect(video).then(function (found) {
          var code = found.length ? found[0].rawValue : "";
          if (code && code !== last) {
            last = code;
            ready(function () { queue({ code: code, method: "qr" }, code); });
          }
          setTimeout(look, 400);
        }, function () { setTimeout(look, 800); });
      }).catch(function (e) { stop(); errorEl.textContent = String(e && e.message || e); errorEl.hidden = false; });
    });
  }

  document.addEventListener("outbox-sent", function (ev) {
    var item = ev.detail;
    if (item.type === "checkin" && String(item.body.event) === eventId && item.counts) {
      serverEl.textContent = item.counts.total;
    }
    ready(render);
  });
  ready(function () { render(); setInterval(render, 3000); });
})();
