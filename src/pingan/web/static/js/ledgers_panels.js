/* The fire-safety panels on the chief's dashboard: control rooms surveyed against those
   registered; hazards found, rectified on time and overdue; drills held (this year). */
(function () {
  "use strict";
  const P = window.pingan;
  const box = document.getElementById("ledger-panels");
  if (!box) return;

  function put(key, value) {
    const node = box.querySelector('[data-figure="' + key + '"]');
    if (node) node.textContent = String(value);
  }

  P.i18nReady.then(async function () {
    try {
      const f = await P.api("GET", "/api/v1/ledgers/figures");
      put("rooms", f.control_rooms_surveyed + " / " + f.control_rooms_registered);
      put("found", f.hazards_found);
      put("on_time", f.hazards_rectified_on_time);
      put("overdue", f.hazards_overdue);
      put("drills", f.drills_held);
      const [overdue, major] = await Promise.all([
        P.api("GET", "/api/v1/ledgers/hazards?state=overdue"),
        P.api("GET", "/api/v1/ledgers/hazards?state=major"),
      ]);
      const shown = overdue.slice(0, 8);
      major.forEach(function (h) {
        if (shown.length < 12 && !shown.some(function (s) { return s.id === h.id; })) shown.push(h);
      });
      P.ledgers.fill(document.getElementById("ledger-hazards"), shown, P.ledgers.hazardItem);
      box.hidden = false;
    } catch (error) {
      box.hidden = true;  // a role without the ledgers sees no panel
    }
  });
})();
