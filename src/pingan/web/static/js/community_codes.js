/* The printable sheet of check-in QR codes: the active plan of the caller's station (or the
   plan in the address), each point's code as an image served by the API. */
(function () {
  "use strict";
  const P = window.pingan;
  const root = document.getElementById("community-codes");
  if (!root) return;
  const el = P.el;
  const t = P.t;

  P.i18nReady.then(async function () {
    const box = document.getElementById("cc-codes");
    try {
      let planId = root.getAttribute("data-plan");
      if (!planId) {
        const plans = await P.api("GET", "/api/v1/plans?status=active");
        if (!plans.length) throw new Error(t("No active plan."));
        planId = String(plans[0].id);
      }
      const codes = await P.api("GET", "/api/v1/community/plans/" + encodeURIComponent(planId) + "/codes");
      box.replaceChildren.apply(box, codes.map(function (code) {
        return el("figure", { class: "qr-code", "data-point": code.point }, [
          el("img", { src: "/api/v1/community/plans/" + encodeURIComponent(planId) + "/codes/" + code.point + ".svg", alt: code.point, width: "180", height: "180" }),
          el("figcaption", { text: code.point + " · " + t("police group %(n)s", { n: code.group_no }) }),
        ]);
      }));
      root.setAttribute("data-ready", "1");
    } catch (error) {
      const note = document.getElementById("cc-error");
      note.textContent = error.message;
      note.hidden = false;
    }
  });
})();
