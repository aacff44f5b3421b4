// Sampark report form: an outbox on the phone. A report is first stored in IndexedDB with a UUID
// made here, then sent; with no network it waits and is retried with backoff, and at once when the
// network returns. The server accepts a resend of the same UUID once, so retrying is always safe.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-form-data").textContent);
  var T = data.t;
  var DB = "sampark-reports", STORE = "outbox";
  var MAX_PHOTO = 5 * 1024 * 1024;

  if (data.manifest && !document.querySelector('link[rel="manifest"]')) {
    var link = document.createElement("link");
    link.rel = "manifest";
    link.href = data.manifest;
    document.head.appendChild(link);
  }
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(data.sw, { scope: data.scope }).catch(function () {});
  }

  // A time-ordered UUID (version 7, RFC 9562): 48 bits of Unix milliseconds, then random bits.
  // Reports made close in time get ids close in the server's indexes, so storing them touches a
  // few hot pages instead of a random page each (at India scale this doubled SQLite's intake).
  function uuid() {
    var b = crypto.getRandomValues(new Uint8Array(16)), ms = Date.now();
    for (var i = 5; i >= 0; i--) { b[i] = ms % 256; ms = Math.floor(ms / 256); }
    b[6] = (b[6] & 0x0f) | 0x70; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  var dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var req = indexedDB.open(DB, 1);
        req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "id" }); };
        req.onsuccess = function () { resolve(req.result); };
        req.onerror = function () { reject(req.error); };
      });
    }
    return dbPromise;
  }
  function withStore(mode, fn) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var t = d.transaction(STORE, mode), req = fn(t.objectStore(STORE));
        t.oncomplete = function () { resolve(req ? req.result : undefined); };
        t.onerror = function () { reject(t.error); };
      });
    });
  }
  function save(item) { return withStore("readwrite", function (s) { return s.put(item); }); }
  function all() { return withStore("readonly", function (s) { return s.getAll(); }); }

  function csrf() {
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  function reasonOf(resp) {
    return resp.json().then(function (body) {
      var parts = [body.detail || ""];
      if (body.errors) Object.keys(body.errors).forEach(function (k) { parts.push(body.errors[k]); });
      return parts.filter(Boolean).join(" ");
    }, function () { return "HTTP " + resp.status; });
  }
  function backoff(item, why) {
    item.attempts = (item.attempts || 0) + 1;
    var delay = Math.min(60000, 2000 * Math.pow(2, item.attempts - 1));
    item.nextAt = Date.now() + delay * (0.75 + Math.random() * 0.5);
    item.reason = why;
  }
  function retryable(status) { return status >= 500 || status === 429 || status === 401 || status === 408; }

  function sendReport(item) {
    return fetch(data.api, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(item.body)
    }).then(function (resp) {
      if (resp.status === 200 || resp.status === 201) {
        item.status = item.photo ? "photo" : "sent"; item.attempts = 0; item.nextAt = 0; item.reason = "";
        return;
      }
      if (retryable(resp.status)) { backoff(item, resp.status === 401 ? T.login : T.busy); return; }
      return reasonOf(resp).then(function (why) { item.status = "rejected"; item.reason = why; });
    });
  }
  function sendPhoto(item) {
    var form = new FormData();
    form.append("id", item.photoId);
    form.append("file", item.photo, item.photoName || "photo.jpg");
    return fetch(data.api + "/" + item.id + "/photos", {
      method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrf() }, body: form
    }).then(function (resp) {
      if (resp.status === 200 || resp.status === 201) {
        item.status = "sent"; item.photo = null; item.reason = ""; item.attempts = 0; item.nextAt = 0;
        return;
      }
      if (retryable(resp.status)) { backoff(item, resp.status === 401 ? T.login : T.busy); return; }
      return reasonOf(resp).then(function (why) { item.status = "rejected"; item.reason = T.photoRejected + " " + why; });
    });
  }
  function sendOne(item) {
    var step = item.status === "photo" ? sendPhoto(item) : sendReport(item).then(function () {
      if (item.status === "photo") return sendPhoto(item);
    });
    return step.catch(function () { backoff(item, T.offline); }).then(function () { return save(item); });
  }

  var flushing = false, timer = null;
  function flush() {
    if (flushing) return Promise.resolve();
    flushing = true;
    return all().then(function (items) {
      var due = items.filter(function (i) {
        return (i.status === "waiting" || i.status === "photo") && !(i.nextAt > Date.now());
      }).sort(function (a, b) { return a.createdAt - b.createdAt; });
      if (!navigator.onLine) return;
      return due.reduce(function (p, item) { return p.then(function () { return sendOne(item); }); }, Promise.resolve());
    }).catch(function () {}).then(function () {
      flushing = false;
      return render();
    }).then(schedule);
  }
  function schedule() {
    clearTimeout(timer);
    return all().then(function (items) {
      var next = items.filter(function (i) { return i.status === "waiting" || i.status === "photo"; })
        .map(function (i) { return i.nextAt || Date.now(); });
      if (next.length) timer = setTimeout(flush, Math.max(500, Math.min.apply(null, next) - Date.now()));
    });
  }
  window.addEventListener("online", function () {
    document.getElementById("net-status").hidden = true;
    all().then(function (items) {
      return Promise.all(items.filter(function (i) { return i.status === "waiting" || i.status === "photo"; })
        .map(function (i) { i.nextAt = 0; return save(i); }));
    }).then(flush);
  });
  window.addEventListener("offline", function () { document.getElementById("net-status").hidden = false; });
  document.getElementById("net-status").hidden = navigator.onLine;

  function render() {
    return all().then(function (items) {
      var ul = document.getElementById("outbox");
      ul.textContent = "";
      items.sort(function (a, b) { return b.createdAt - a.createdAt; }).slice(0, 30).forEach(function (item) {
        var li = document.createElement("li");
        li.dataset.id = item.id;
        li.dataset.status = item.status;
        var label = document.createElement("span");
        label.textContent = item.label + " · " + item.body.date;
        var st = document.createElement("span");
        st.className = item.status === "rejected" ? "error status" : "muted status";
        st.textContent = " — " + (T[item.status] || item.status) + (item.reason ? ": " + item.reason : "");
        li.appendChild(label); li.appendChild(st);
        ul.appendChild(li);
      });
    });
  }

  // --- the form -----------------------------------------------------------------------------------
  var form = document.getElementById("report-form");
  if (form) {
    var typeSel = form.elements.type, unitSel = form.elements.unit, box = document.getElementById("fields");
    var unitLevel = {};
    data.units.forEach(function (u) { unitLevel[u.id] = u.level; });
    form.elements.date.value = data.today;
    form.elements.date.max = data.today;

    // Opened from a directive's required action: its unit and report type come chosen.
    if (data.unit) unitSel.value = String(data.unit);
    var wantedType = data.type;
    var fillTypes = function () {
      var level = unitLevel[unitSel.value], keep = typeSel.value || wantedType;
      wantedType = null;
      typeSel.textContent = "";
      data.types.forEach(function (t) {
        if (t.levels.length && t.levels.indexOf(level) < 0) return;
        var o = document.createElement("option");
        o.value = t.code; o.textContent = t.name;
        typeSel.appendChild(o);
      });
      if (keep) typeSel.value = keep;
      if (!typeSel.value && typeSel.options.length) typeSel.selectedIndex = 0;
      fillFields();
    };
    var currentType = function () {
      return data.types.filter(function (t) { return t.code === typeSel.value; })[0];
    };
    var fillFields = function () {
      box.textContent = "";
      var t = currentType();
      if (!t) return;
      t.fields.forEach(function (f) {
        var label = document.createElement("label");
        label.textContent = f.label + (f.required ? " *" : "") + " ";
        var input;
        if (f.kind === "choice") {
          input = document.createElement("select");
          var empty = document.createElement("option"); empty.value = ""; empty.textContent = T.choose;
          input.appendChild(empty);
          f.choices.forEach(function (c) {
            var o = document.createElement("option"); o.value = c.value; o.textContent = c.label; input.appendChild(o);
          });
        } else {
          input = document.createElement("input");
          if (f.kind === "number") { input.type = "number"; input.inputMode = "numeric"; if (f.min !== null) input.min = f.min; if (f.max !== null) input.max = f.max; }
          if (f.kind === "date") input.type = "date";
          if (f.kind === "link") input.type = "url";
          if (f.kind === "photo") { input.type = "file"; input.accept = "image/*"; input.setAttribute("capture", "environment"); }
        }
        input.name = "f_" + f.code;
        input.dataset.kind = f.kind;
        if (f.required && f.kind !== "photo") input.required = true;
        label.appendChild(input);
        box.appendChild(label);
      });
    };
    unitSel.addEventListener("change", fillTypes);
    typeSel.addEventListener("change", fillFields);
    fillTypes();

    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var err = document.getElementById("form-error");
      err.hidden = true;
      var t = currentType(), values = {}, photo = null, missing = false;
      t.fields.forEach(function (f) {
        var input = form.elements["f_" + f.code];
        if (f.kind === "photo") { if (input.files && input.files[0]) photo = input.files[0]; return; }
        var v = input.value.trim();
        if (!v) { if (f.required) missing = true; return; }
        values[f.code] = f.kind === "number" && /^-?\d+$/.test(v) ? parseInt(v, 10) : v;
      });
      if (missing || !form.elements.date.value) { err.textContent = T.required; err.hidden = false; return; }
      if (photo && photo.size > MAX_PHOTO) { err.textContent = T.tooBig; err.hidden = false; return; }
      var id = uuid(), unitName = unitSel.options[unitSel.selectedIndex].textContent;
      var item = {
        id: id, status: "waiting", attempts: 0, nextAt: 0, reason: "", createdAt: Date.now(),
        label: t.name + " · " + unitName,
        body: { id: id, unit: parseInt(unitSel.value, 10), type: t.code, date: form.elements.date.value, values: values },
        photo: photo, photoId: photo ? uuid() : null, photoName: photo ? photo.name : null
      };
      save(item).then(function () {
        box.querySelectorAll("input").forEach(function (i) { i.value = ""; });
        return render();
      }).then(flush);
    });
  }
  render().then(flush);
})();
