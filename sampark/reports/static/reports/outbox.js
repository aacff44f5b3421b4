// Sampark report form: builds a report from the form and hands it to the phone's outbox
// (web/app.js: stored first, sent when there is a network, each exactly once).
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-form-data").textContent);
  var T = data.t;
  var MAX_PHOTO = 5 * 1024 * 1024;

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
      var S = window.Sampark, id = S.uuid(), unitName = unitSel.options[unitSel.selectedIndex].textContent;
      var body = { id: id, unit: parseInt(unitSel.value, 10), type: t.code, date: form.elements.date.value, values: values };
      // The photo shrinks first (long side 1280 px), so only a photo still too big is refused.
      S.shrink(photo).then(function (small) {
        if (small && small.size > MAX_PHOTO) { err.textContent = T.tooBig; err.hidden = false; return; }
        box.querySelectorAll("input").forEach(function (i) { i.value = ""; });
        return S.add({ id: id, type: "report", body: body, label: { unit: unitName, title: t.name + " · " + body.date },
                       photo: small || null, photoId: small ? S.uuid() : null });
      });
    });
  }
})();
