// Passkeys for the second factor: asks the server for WebAuthn options, lets the phone create or
// use a passkey, and posts the answer back as JSON. No build step; buttons stay hidden where the
// browser has no WebAuthn.
(function () {
  "use strict";
  const box = document.querySelector("[data-passkey]");
  if (!box || !window.PublicKeyCredential || !navigator.credentials) return;
  box.hidden = false;
  const errorLine = box.querySelector("[data-passkey-error]");

  const toBytes = (s) => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((s.length + 3) % 4)), (c) => c.charCodeAt(0));
  const toText = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  const csrf = () => (document.querySelector("[name=csrfmiddlewaretoken]") || {}).value || "";

  async function post(url, body) {
    const r = await fetch(url, {method: "POST", credentials: "same-origin", body: JSON.stringify(body || {}),
                                headers: {"Content-Type": "application/json", "X-CSRFToken": csrf()}});
    const data = await r.json();
    if (!r.ok) throw new Error(data.detail || String(r.status));
    return data;
  }

  function fail(button, err) {
    errorLine.textContent = (err && err.message && err.name === "Error") ? err.message : button.dataset.failed;
    errorLine.hidden = false;
    button.disabled = false;
  }

  const register = box.querySelector("[data-passkey-register]");
  if (register) register.addEventListener("click", async () => {
    register.disabled = true;
    try {
      const o = await post(register.dataset.passkeyRegister);
      o.challenge = toBytes(o.challenge);
      o.user.id = toBytes(o.user.id);
      (o.excludeCredentials || []).forEach((c) => { c.id = toBytes(c.id); });
      const c = await navigator.credentials.create({publicKey: o});
      const done = await post(register.dataset.verify, {
        id: c.id, rawId: toText(c.rawId), type: c.type, clientExtensionResults: c.getClientExtensionResults(),
        response: {clientDataJSON: toText(c.response.clientDataJSON), attestationObject: toText(c.response.attestationObject),
                   transports: c.response.getTransports ? c.response.getTransports() : []}});
      location.assign(done.next);
    } catch (err) { fail(register, err); }
  });

  const use = box.querySelector("[data-passkey-login]");
  if (use) use.addEventListener("click", async () => {
    use.disabled = true;
    try {
      const o = await post(use.dataset.passkeyLogin);
      o.challenge = toBytes(o.challenge);
      (o.allowCredentials || []).forEach((c) => { c.id = toBytes(c.id); });
      const c = await navigator.credentials.get({publicKey: o});
      const done = await post(use.dataset.verify, {
        id: c.id, rawId: toText(c.rawId), type: c.type, clientExtensionResults: c.getClientExtensionResults(),
        response: {clientDataJSON: toText(c.response.clientDataJSON), authenticatorData: toText(c.response.authenticatorData),
                   signature: toText(c.response.signature), userHandle: c.response.userHandle ? toText(c.response.userHandle) : null}});
      location.assign(done.next);
    } catch (err) { fail(use, err); }
  });
})();
