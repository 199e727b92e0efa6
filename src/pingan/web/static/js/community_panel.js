/* The community panel on the chief's dashboard: volunteers active, hours this week, clues
   received → useful → cases (30 days), joint patrols on duty now. */
(function () {
  "use strict";
  const P = window.pingan;
  const box = document.getElementById("community-panel");
  if (!box) return;

  P.i18nReady.then(async function () {
    let figures;
    try {
      figures = await P.api("GET", "/api/v1/community/figures");
    } catch (error) {
      box.hidden = true;  // a role without the roster sees no panel
      return;
    }
    function put(key, value) { box.querySelector('[data-figure="' + key + '"]').textContent = String(value); }
    put("active", figures.volunteers_active);
    put("hours", figures.hours_this_week);
    put("clues", figures.clues.received + " → " + figures.clues.useful + " → " + figures.clues.cases);
    put("patrols", figures.joint_patrols_on_duty.length);
    const list = box.querySelector("[data-patrols]");
    list.replaceChildren.apply(list, figures.joint_patrols_on_duty.map(function (p) {
      return P.el("li", { text: P.t("%(callsign)s with police group %(group)s: %(n)s on duty", { callsign: p.callsign, group: p.group_no, n: p.members }) });
    }));
    box.hidden = false;
  });
})();
