// Sampark's outbox on the phone. Anything made here (a report, an acknowledgement, a difficulty)
// is first stored in IndexedDB with an id made here, then sent; with no network it waits and is
// retried with backoff, at once when the network returns, on every page load and every half
// minute. The server takes a resend of the same id (or, for an acknowledgement, of the same person
// and directive) once, so retrying is always safe. Loaded by web/app.js where it is needed.
(function () {
  "use strict";
  var body = document.body, me = body.dataset.person || "";
  var DB = "sampark-reports", STORE = "outbox", MAX_SIDE = 1280;
  var textsEl = document.getElementById("outbox-texts");
  var T = textsEl ? JSON.parse(textsEl.textContent) : {};

  // A time-ordered UUID (version 7, RFC 9562): 48 bits of Unix milliseconds, then random bits.
  // Ids made close in time sit close in the server's indexes (see sampark/core/ids.py).
  function uuid() {
    var b = crypto.getRandomValues(new Uint8Array(16)), ms = Date.now();
    for (var i = 5; i >= 0; i--) { b[i] = ms % 256; ms = Math.floor(ms / 256); }
    b[6] = (b[6] & 0x0f) | 0x70; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  // A photo shrinks on the phone before it waits or travels: long side at most 1280 px, JPEG at
  // 0.8 (a 1600 x 1200 photo of 1-3 MB becomes some 100-300 KB). The smaller of the two is kept.
  function shrink(file) {
    if (!file || !/^image\//.test(file.type || "") || !window.createImageBitmap) return Promise.resolve(file);
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bmp) {
      var scale = Math.min(1, MAX_SIDE / Math.max(bmp.width, bmp.height));
      var c = document.createElement("canvas");
      c.width = Math.round(bmp.width * scale); c.height = Math.round(bmp.height * scale);
      c.getContext("2d").drawImage(bmp, 0, 0, c.width, c.height);
      return new Promise(function (resolve) {
        c.toBlob(function (blob) { resolve(blob && blob.size < file.size ? blob : file); }, "image/jpeg", 0.8);
      });
    }).catch(function () { return file; });
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
  function pending(i) { return i.status === "waiting" || i.status === "photo"; }
  // Items of old had no person; an item waits for the person who made it.
  function mine(i) { return !i.person || i.person === me; }

  function csrf() {
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  function post(url, payload, isJson) {
    var headers = { "X-CSRFToken": csrf(), "Accept": "application/json" };
    if (isJson) headers["Content-Type"] = "application/json";
    return fetch(url, { method: "POST", credentials: "same-origin", headers: headers, redirect: "manual",
                        body: isJson ? JSON.stringify(payload) : payload });
  }
  function reasonOf(resp) {
    return resp.json().then(function (b) {
      var parts = [b.detail || ""];
      if (b.errors) Object.keys(b.errors).forEach(function (k) { parts.push(b.errors[k]); });
      return parts.filter(Boolean).join(" ") || "HTTP " + resp.status;
    }, function () { return "HTTP " + resp.status; });
  }
  function backoff(item, why) {
    item.attempts = (item.attempts || 0) + 1;
    var delay = Math.min(60000, 2000 * Math.pow(2, item.attempts - 1));
    item.nextAt = Date.now() + delay * (0.75 + Math.random() * 0.5);
    item.reason = why;
  }
  // A redirect (status 0 here) is a page sending to the login: like 401, wait and retry.
  function retryable(s) { return s === 0 || s >= 500 || s === 429 || s === 401 || s === 408; }
  function settle(item, resp, next, prefix) {
    if (resp.status === 200 || resp.status === 201) {
      item.status = next; item.attempts = 0; item.nextAt = 0; item.reason = "";
      return resp.json().then(function (b) { if (b && b.url) item.url = b.url; }, function () {});
    }
    if (retryable(resp.status)) { backoff(item, resp.status === 401 || resp.status === 0 ? "login" : "busy"); return; }
    return reasonOf(resp).then(function (why) { item.status = "rejected"; item.reason = (prefix || "") + why; });
  }

  function photoForm(fields, photo, name) {
    var form = new FormData();
    Object.keys(fields).forEach(function (k) { form.append(k, fields[k]); });
    if (photo) form.append(name, photo, "photo.jpg");
    return form;
  }
  var SEND = {
    report: function (item) {
      if (item.status === "photo") {
        return post("/api/v1/reports/" + item.id + "/photos", photoForm({ id: item.photoId }, item.photo, "file"))
          .then(function (r) { return settle(item, r, "sent", (T.photoRejected || "") + " "); })
          .then(function () { if (item.status === "sent") item.photo = null; });
      }
      return post("/api/v1/reports", item.body, true).then(function (r) {
        return settle(item, r, item.photo ? "photo" : "sent");
      }).then(function () { if (item.status === "photo") return SEND.report(item); });
    },
    ack: function (item) {
      return post("/api/v1/directives/" + item.body.directive + "/ack", { reply: item.body.reply }, true)
        .then(function (r) { return settle(item, r, "sent"); });
    },
    difficulty: function (item) {
      var b = item.body;
      var form = photoForm({ id: item.id, unit: b.unit, category: b.category, text: b.text, link: b.link },
                           item.photo, "photo");
      return fetch("/difficulties/new/", {
        method: "POST", credentials: "same-origin", redirect: "manual", body: form,
        headers: { "X-CSRFToken": csrf(), "X-Sampark-Outbox": "1", "Accept": "application/json" }
      }).then(function (r) { return settle(item, r, "sent"); }).then(function () {
        if (item.status === "sent") item.photo = null;
      });
    }
  };
  // A check-in (events/<id>/checkin/, web/checkin.js): the server's answer ("already checked in at
  // 10:42") is kept with the item.
  SEND.checkin = function (item) {
    var b = item.body, payload = { id: item.id, method: b.method || "" };
    ["code", "phone", "person", "walk_ins"].forEach(function (k) { if (b[k] != null && b[k] !== "") payload[k] = b[k]; });
    return post("/api/v1/events/" + b.event + "/checkins", payload, true).then(function (r) {
      var copy = r.clone();
      return Promise.resolve(settle(item, r, "sent")).then(function () {
        if (item.status === "sent") return copy.json().then(function (a) { item.note = a.message || ""; item.counts = a; }, function () {});
      });
    });
  };
  // A count of a member's social-media handle (network/, type "network"): sent to the snapshot API,
  // which takes the same handle, date and count again as done (200), so a resend is safe.
  SEND.network = function (item) {
    var b = item.body, n = parseInt(String(b.count).replace(/[,\s]/g, ""), 10);
    return post("/api/v1/handles/" + b.handle + "/snapshots", { date: b.date, count: isNaN(n) ? b.count : n }, true)
      .then(function (r) { return settle(item, r, "sent"); });
  };
  // A handle added with no network (network/, type "network_handle"): sent to the page with its
  // client_uuid (the item's id), so a resend gives the same handle back and the count once.
  SEND.network_handle = function (item) {
    var b = item.body, form = new FormData();
    Object.keys(b).forEach(function (k) { if (b[k] != null) form.append(k, b[k]); });
    form.append("client_uuid", item.id);
    return fetch("/network/", {
      method: "POST", credentials: "same-origin", redirect: "manual", body: form,
      headers: { "X-CSRFToken": csrf(), "X-Sampark-Outbox": "1", "Accept": "application/json" }
    }).then(function (r) { return settle(item, r, "sent"); });
  };
  function sendOne(item) {
    var send = SEND[item.type || "report"];
    return send(item).catch(function () { backoff(item, "offline"); }).then(function () {
      return save(item);
    }).then(function () {
      if (item.status === "sent") document.dispatchEvent(new CustomEvent("outbox-sent", { detail: item }));
    });
  }

  var flushing = false, timer = null;
  function sendDue() {
    return all().then(function (items) {
      var due = items.filter(function (i) { return pending(i) && mine(i) && !(i.nextAt > Date.now()); })
        .sort(function (a, b) { return a.createdAt - b.createdAt; });
      if (!navigator.onLine || !me) return;
      return due.reduce(function (p, item) { return p.then(function () { return sendOne(item); }); }, Promise.resolve());
    });
  }
  function flush() {
    if (flushing) return Promise.resolve();
    flushing = true;
    // One tab at a time sends (another tab's send would be taken once too, but costs a request).
    var run = navigator.locks ? navigator.locks.request("sampark-outbox", sendDue) : sendDue();
    return run.catch(function () {}).then(function () {
      flushing = false;
      return render();
    }).then(schedule);
  }
  function schedule() {
    clearTimeout(timer);
    return all().then(function (items) {
      var next = items.filter(function (i) { return pending(i) && mine(i); })
        .map(function (i) { return i.nextAt || Date.now(); });
      if (next.length) timer = setTimeout(flush, Math.max(500, Math.min.apply(null, next) - Date.now()));
    });
  }
  function add(item) {
    item.status = "waiting"; item.attempts = 0; item.nextAt = 0; item.reason = "";
    item.createdAt = Date.now(); item.person = me;
    return save(item).then(render).then(flush);
  }
  // Notes shown only with no network (data-offline-note).
  function showNet() {
    document.querySelectorAll("[data-offline-note]").forEach(function (el) { el.hidden = navigator.onLine; });
  }
  showNet();
  window.addEventListener("offline", showNet);
  window.addEventListener("online", function () {
    showNet();
    all().then(function (items) {
      return Promise.all(items.filter(pending).map(function (i) { i.nextAt = 0; return save(i); }));
    }).then(flush);
  });
  setInterval(flush, 30000);

  function when(ms) {
    var lang = document.documentElement.lang === "en" ? "en-IN" : "hi-IN";
    return new Date(ms).toLocaleString(lang, { day: "numeric", month: lang.indexOf("hi") === 0 ? "long" : "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  }
  function render() {
    return all().then(function (items) {
      items = items.filter(mine);
      var waiting = items.filter(pending).length, badge = document.getElementById("outbox-badge");
      if (badge) { badge.hidden = !waiting; badge.querySelector("span").textContent = waiting; }
      // While something waits, every page loads this script (app.js), so that it is sent.
      try {
        if (waiting) localStorage.setItem("sampark-outbox-waiting", "1");
        else localStorage.removeItem("sampark-outbox-waiting");
      } catch (e) { /* storage off: the outbox's own pages still send */ }
      var ul = document.getElementById("outbox");
      if (!ul) return;
      ul.textContent = "";
      items.sort(function (a, b) { return b.createdAt - a.createdAt; }).slice(0, 50).forEach(function (item) {
        var li = document.createElement("li"), type = item.type || "report", label = item.label || "";
        li.dataset.id = item.id; li.dataset.status = item.status; li.dataset.type = type;
        var what = document.createElement(item.url ? "a" : "span");
        if (item.url) what.href = item.url;
        // Items of old carried their label as one string and a report date.
        what.textContent = typeof label === "string" ? label + " · " + item.body.date
          : [T[type] || type, label.unit, label.title].filter(Boolean).join(" · ");
        var st = document.createElement("span");
        st.className = item.status === "rejected" ? "error status" : "muted status";
        st.textContent = (T[item.status] || item.status) + (item.reason ? ": " + (T[item.reason] || item.reason) : "");
        var at = document.createElement("span");
        at.className = "muted"; at.textContent = when(item.createdAt) + " · ";
        li.appendChild(what); li.appendChild(document.createElement("br")); li.appendChild(at); li.appendChild(st);
        ul.appendChild(li);
      });
    });
  }
  function firstWords(text, n) {
    var words = text.trim().split(/\s+/);
    return words.slice(0, n).join(" ") + (words.length > n ? " …" : "");
  }

  // --- a directive's acknowledgement, made with no network ---------------------------------------
  var ackForm = document.querySelector('form[data-outbox="ack"]');
  if (ackForm) {
    var directive = ackForm.dataset.directive, queued = document.getElementById("ack-queued");
    var showQueued = function () { ackForm.style.display = "none"; queued.hidden = false; };
    all().then(function (items) {
      if (items.some(function (i) { return i.type === "ack" && i.body.directive === directive && mine(i) && pending(i); })) showQueued();
    });
    ackForm.addEventListener("submit", function (ev) {
      if (navigator.onLine) return;  // with a network the form is sent as it is
      ev.preventDefault();
      add({ id: uuid(), type: "ack", body: { directive: directive, reply: ackForm.elements.reply.value.trim() },
            label: { unit: ackForm.dataset.unit, title: ackForm.dataset.title } });
      showQueued();
    });
    // Sent later from this page: show the server's page, which now says it is acknowledged.
    document.addEventListener("outbox-sent", function (ev) {
      if (ev.detail.type === "ack" && ev.detail.body.directive === directive) location.reload();
    });
  }

  // --- a difficulty: the photo shrinks; with no network the whole of it waits in the outbox --------
  var diffForm = document.querySelector('form[data-outbox="difficulty"]');
  if (diffForm) {
    var sending = false;
    diffForm.addEventListener("submit", function (ev) {
      if (sending) return;
      ev.preventDefault();
      var el = diffForm.elements, input = el.photo, file = input.files && input.files[0];
      shrink(file).then(function (photo) {
        if (navigator.onLine) {
          if (photo && photo !== file && window.DataTransfer) {
            var dt = new DataTransfer();
            dt.items.add(new File([photo], "photo.jpg", { type: "image/jpeg" }));
            input.files = dt.files;
          }
          sending = true;
          diffForm.submit();
          return;
        }
        var unit = el.unit.options[el.unit.selectedIndex];
        return add({ id: uuid(), type: "difficulty", photo: photo || null,
                     body: { unit: unit.value, category: el.category.value, text: el.text.value, link: el.link.value },
                     label: { unit: unit.textContent, title: firstWords(el.text.value, 8) } }).then(function () {
          el.text.value = ""; el.link.value = ""; input.value = "";
          document.getElementById("difficulty-queued").hidden = false;
        });
      });
    });
  }

  // --- this month's count of a handle (network/), made with no network -----------------------------
  // The phone's own date, the day the count was taken (sent later, perhaps the next day).
  function localDay() {
    var d = new Date();
    return d.getFullYear() + "-" + ("0" + (d.getMonth() + 1)).slice(-2) + "-" + ("0" + d.getDate()).slice(-2);
  }
  var netForms = document.querySelectorAll('form[data-outbox="network"]');
  if (netForms.length) {
    all().then(function (items) {
      netForms.forEach(function (f) {
        if (items.some(function (i) { return i.type === "network" && String(i.body.handle) === f.dataset.handle && mine(i) && pending(i); })) {
          f.querySelector(".net-queued").hidden = false;
        }
      });
    });
    netForms.forEach(function (f) {
      f.addEventListener("submit", function (ev) {
        if (navigator.onLine) return;  // with a network the form is sent as it is
        ev.preventDefault();
        var count = f.elements.count.value.trim();
        add({ id: uuid(), type: "network", body: { handle: f.dataset.handle, date: localDay(), count: count },
              label: { unit: f.dataset.label, title: count } });
        f.elements.count.value = "";
        f.querySelector(".net-queued").hidden = false;
      });
    });
  }
  var netAdd = document.querySelector('form[data-outbox="network_handle"]');
  if (netAdd) {
    netAdd.addEventListener("submit", function (ev) {
      if (navigator.onLine) return;
      ev.preventDefault();
      var el = netAdd.elements, body = { date: localDay() };
      ["platform", "handle", "url", "count", "unit"].forEach(function (k) { if (el[k]) body[k] = el[k].value.trim(); });
      var platform = el.platform.options[el.platform.selectedIndex];
      add({ id: el.client_uuid.value, type: "network_handle", body: body,
            label: { unit: platform ? platform.textContent : "", title: body.handle || body.url } });
      ["handle", "url", "count"].forEach(function (k) { el[k].value = ""; });
      el.client_uuid.value = uuid();  // the next handle added is another
      document.getElementById("net-add-queued").hidden = false;
    });
  }
  if (netForms.length || netAdd) {
    // Sent later from this page: once nothing waits, show the server's page with the new counts.
    document.addEventListener("outbox-sent", function (ev) {
      if (ev.detail.type !== "network" && ev.detail.type !== "network_handle") return;
      all().then(function (items) {
        if (!items.some(function (i) { return /^network/.test(i.type || "") && mine(i) && pending(i); })) location.reload();
      });
    });
  }

  window.Sampark = { add: add, uuid: uuid, shrink: shrink, flush: flush };
  window.Sampark.all = all; window.Sampark.pending = pending; window.Sampark.mine = mine;
  document.dispatchEvent(new CustomEvent("outbox-ready"));
  render().then(flush);
})();
