/* The phone inspection form. Every change is kept as a draft in localStorage; the draft
   carries its own Idempotency-Key, so sending it again after a lost connection stores it
   once. A draft waiting to be sent goes out when the browser is back online. */
(function () {
  "use strict";
  const P = window.pingan;
  const t = P.t;
  const el = P.el;
  const L = P.ledgers;
  const root = document.getElementById("ledgers-inspect");
  if (!root) return;
  const siteId = Number(root.getAttribute("data-site"));
  const KEY = "pingan.inspection.draft." + siteId;
  const form = document.getElementById("li-form");
  const status = document.getElementById("li-status");
  let items = [];
  let sending = false;

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "k" + Date.now().toString(36) + Math.random().toString(36).slice(2, 12);
  }

  function loadDraft() {
    try { return JSON.parse(localStorage.getItem(KEY) || "null"); } catch (e) { return null; }
  }

  function saveDraft(draft) { localStorage.setItem(KEY, JSON.stringify(draft)); }

  function current() {
    const draft = loadDraft() || { key: newKey(), pending: false };
    draft.kind = document.getElementById("li-kind").value;
    draft.inspectors = document.getElementById("li-inspectors").value;
    draft.note = document.getElementById("li-note").value;
    draft.signature = document.getElementById("li-signature").value;
    draft.items = {};
    items.forEach(function (item) {
      const chosen = form.querySelector('input[name="r-' + item.code + '"]:checked');
      draft.items[item.code] = {
        result: chosen ? chosen.value : "",
        note: form.querySelector('[data-note="' + item.code + '"]').value,
        spot: !!(form.querySelector('[data-spot="' + item.code + '"]') || {}).checked,
        major: !!(form.querySelector('[data-major="' + item.code + '"]') || {}).checked,
      };
    });
    const gps = document.getElementById("li-gps-status");
    draft.lat = gps.getAttribute("data-lat") ? Number(gps.getAttribute("data-lat")) : null;
    draft.lon = gps.getAttribute("data-lon") ? Number(gps.getAttribute("data-lon")) : null;
    return draft;
  }

  function restore(draft) {
    if (!draft) return;
    document.getElementById("li-kind").value = draft.kind || "check";
    document.getElementById("li-inspectors").value = draft.inspectors || "";
    document.getElementById("li-note").value = draft.note || "";
    document.getElementById("li-signature").value = draft.signature || "";
    Object.keys(draft.items || {}).forEach(function (code) {
      const saved = draft.items[code];
      const radio = form.querySelector('input[name="r-' + code + '"][value="' + saved.result + '"]');
      if (radio) radio.checked = true;
      const note = form.querySelector('[data-note="' + code + '"]');
      if (note) note.value = saved.note || "";
      const spot = form.querySelector('[data-spot="' + code + '"]');
      if (spot) spot.checked = !!saved.spot;
      const major = form.querySelector('[data-major="' + code + '"]');
      if (major) major.checked = !!saved.major;
    });
    if (draft.lat !== null && draft.lat !== undefined) {
      const gps = document.getElementById("li-gps-status");
      gps.setAttribute("data-lat", String(draft.lat));
      gps.setAttribute("data-lon", String(draft.lon));
      gps.textContent = draft.lat.toFixed(5) + ", " + draft.lon.toFixed(5);
    }
  }

  function itemRow(item) {
    const name = "r-" + item.code;
    const choice = function (value, text) {
      return el("label", { class: "lg-choice" }, [el("input", { type: "radio", name: name, value: value, required: true }), text]);
    };
    const zh = P.lang === "zh-CN";
    return el("div", { class: "lg-item", "data-item": item.code }, [
      el("p", { class: "lg-item-text" }, [el("strong", { text: item.code + " " }), zh ? item.text_zh : item.text_en]),
      el("p", { class: "small muted", text: item.rule }),
      el("div", { class: "lg-choices" }, [choice("passed", t("Pass")), choice("failed", t("Fail")), choice("not_applicable", t("N/A"))]),
      item.on_spot ? el("label", { class: "small" }, [el("input", { type: "checkbox", "data-spot": item.code }), t("Corrected on the spot")]) : null,
      el("label", { class: "small" }, [el("input", { type: "checkbox", "data-major": item.code }), t("Major hazard")]),
      el("input", { type: "text", maxlength: "500", "data-note": item.code, placeholder: t("Note"), "aria-label": t("Note") }),
    ]);
  }

  function body(draft) {
    const chosen = items.filter(function (i) { return draft.items[i.code] && draft.items[i.code].result; });
    return {
      site_id: siteId,
      kind: draft.kind,
      inspectors: draft.inspectors.split(/[,，、]/).map(function (s) { return s.trim(); }).filter(Boolean),
      signature: draft.signature.trim(),
      note: draft.note,
      lat: draft.lat, lon: draft.lon,
      items: chosen.map(function (i) {
        const saved = draft.items[i.code];
        return { code: i.code, result: saved.result, note: saved.note,
          corrected_on_spot: saved.spot && saved.result === "failed", severity: saved.major ? "major" : "ordinary" };
      }),
    };
  }

  async function uploadPhotos(inspectionId) {
    const files = Array.from(document.getElementById("li-photos").files || []);
    for (const file of files) {
      const data = new FormData();
      data.append("photo", file);
      const response = await fetch("/api/v1/ledgers/inspections/" + encodeURIComponent(inspectionId) + "/photos", {
        method: "POST", body: data, credentials: "same-origin", headers: { "X-CSRF-Token": P.csrfToken() },
      });
      if (!response.ok) {
        const problem = await response.json().catch(function () { return {}; });
        throw new Error(problem.detail || response.statusText);
      }
    }
  }

  async function send() {
    const draft = loadDraft();
    if (!draft || !draft.pending || sending) return;
    sending = true;
    status.textContent = t("Sending…");
    try {
      const response = await fetch("/api/v1/ledgers/inspections", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json",
          "X-CSRF-Token": P.csrfToken(), "Idempotency-Key": draft.key },
        body: JSON.stringify(body(draft)),
      });
      const data = await response.json().catch(function () { return {}; });
      if (!response.ok) {
        draft.pending = false;  // refused: the officer corrects the form
        saveDraft(draft);
        status.textContent = data.detail || response.statusText;
        status.setAttribute("data-state", "refused");
        return;
      }
      localStorage.removeItem(KEY);
      status.textContent = t("Sent: inspection %(id)s, %(n)s hazards opened", { id: data.id, n: data.hazards.length });
      status.setAttribute("data-state", "sent");
      try { await uploadPhotos(data.id); } catch (error) { status.textContent += " · " + error.message; }
    } catch (error) {
      status.textContent = t("No connection: the inspection is kept on this phone and goes out when you are back online.");
      status.setAttribute("data-state", "waiting");
    } finally {
      sending = false;
    }
  }

  async function load() {
    const [site, checklist] = await Promise.all([
      P.api("GET", "/api/v1/ledgers/sites/" + siteId),
      P.api("GET", "/api/v1/ledgers/sites/" + siteId + "/checklist"),
    ]);
    document.getElementById("li-site").textContent = t("Inspection") + " · " + site.name;
    items = checklist.items;
    const box = document.getElementById("li-items");
    items.forEach(function (item) { box.appendChild(itemRow(item)); });
    if (checklist.earlier_violations.length) {
      document.getElementById("li-earlier").hidden = false;
      L.fill(document.getElementById("li-earlier-list"), checklist.earlier_violations, function (v) {
        return el("li", { "data-earlier": v.code }, [v.code + " · " + L.day(v.at) + (v.note ? " · " + v.note : "")]);
      });
    }
    restore(loadDraft());
    form.addEventListener("input", function () { saveDraft(current()); });
    form.addEventListener("change", function () { saveDraft(current()); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      const draft = current();
      draft.pending = true;
      saveDraft(draft);
      send();
    });
    document.getElementById("li-gps").addEventListener("click", function () {
      const gps = document.getElementById("li-gps-status");
      if (!navigator.geolocation) { gps.textContent = t("No position available"); return; }
      navigator.geolocation.getCurrentPosition(function (pos) {
        gps.setAttribute("data-lat", String(pos.coords.latitude));
        gps.setAttribute("data-lon", String(pos.coords.longitude));
        gps.textContent = pos.coords.latitude.toFixed(5) + ", " + pos.coords.longitude.toFixed(5);
        saveDraft(current());
      }, function () { gps.textContent = t("No position available"); });
    });
    window.addEventListener("online", send);
    root.setAttribute("data-ready", "1");
    if (navigator.onLine) send();
  }

  P.i18nReady.then(function () { load().catch(function (e) { status.textContent = e.message; }); });
})();
