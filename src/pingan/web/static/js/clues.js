/* A citizen's clue page: hand in a clue (text and/or photos, place, station) and follow the
   outcome of one's own clues. Text nodes only (pingan.el). */
(function () {
  "use strict";
  const P = window.pingan;
  const root = document.getElementById("clues-page");
  if (!root) return;
  const t = P.t;
  const el = P.el;
  const API = "/api/v1/community";

  function outcomeLabel(key) {
    const labels = {
      under_review: t("under review"),
      linked_to_case: t("linked to a case"),
      useful: t("useful, kept on file"),
      duplicate: t("duplicate"),
      rejected: t("rejected"),
    };
    return labels[key] || key;
  }

  async function loadMine() {
    const clues = await P.api("GET", API + "/me/clues");
    const list = document.getElementById("cl-mine");
    list.replaceChildren.apply(list, clues.length ? clues.map(function (clue) {
      const parts = [
        el("span", { class: "small muted", text: P.clock(clue.created_at) }),
        el("span", { text: clue.text || t("(photo)") }),
        el("span", { class: "pill", "data-outcome": clue.outcome, text: outcomeLabel(clue.outcome) }),
      ];
      if (clue.reason) parts.push(el("span", { class: "small", text: clue.reason }));
      return el("li", { "data-clue": String(clue.id) }, parts);
    }) : [el("li", { class: "muted", text: t("No clues yet.") })]);
    root.setAttribute("data-ready", "1");
  }

  async function send(event) {
    event.preventDefault();
    const error = document.getElementById("cl-error");
    error.textContent = "";
    const form = new FormData();
    const text = document.getElementById("cl-text").value.trim();
    const place = document.getElementById("cl-place").value.trim();
    form.append("station_code", document.getElementById("cl-station").value);
    if (text) form.append("text", text);
    if (place) form.append("place_text", place);
    Array.prototype.forEach.call(document.getElementById("cl-photo").files, function (file) {
      form.append("photos", file);
    });
    const response = await fetch(API + "/clues", {
      method: "POST", body: form, credentials: "same-origin",
      headers: { "X-CSRF-Token": P.csrfToken(), "Accept": "application/json" },
    });
    if (!response.ok) {
      const problem = await response.json().catch(function () { return {}; });
      error.textContent = problem.detail || response.statusText;
      return;
    }
    event.target.reset();
    loadMine();
  }

  P.i18nReady.then(function () {
    document.getElementById("cl-form").addEventListener("submit", send);
    loadMine().catch(function () {});
  });
})();
