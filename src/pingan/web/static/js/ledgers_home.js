/* The fire officer's home: due inspections, overdue and major hazards, expiring
   certificates, flagged control rooms, this month's round, the sites. */
(function () {
  "use strict";
  const P = window.pingan;
  const t = P.t;
  const el = P.el;
  const L = P.ledgers;
  const root = document.getElementById("ledgers-home");
  if (!root) return;

  function byId(id) { return document.getElementById(id); }

  async function loadHome() {
    const home = await P.api("GET", "/api/v1/ledgers/home");
    byId("lh-due-count").textContent = String(home.due_count);
    byId("lh-overdue-count").textContent = String(home.overdue_count);
    L.fill(byId("lh-due"), home.due_inspections, function (d) {
      return el("li", { "data-site": String(d.site_id) }, [
        L.siteLink(d.site_id, d.site_name), " ",
        el("span", { class: "small muted", text: L.category(d.category) + " · " +
          (d.due_on ? t("due %(day)s", { day: L.day(d.due_on) }) : t("never checked")) }),
        " ", el("a", { class: "small", href: "/fire/inspect?site=" + encodeURIComponent(d.site_id), text: t("Inspect") }),
      ]);
    });
    L.fill(byId("lh-overdue"), home.overdue_hazards, L.hazardItem);
    L.fill(byId("lh-major"), home.major_hazards, L.hazardItem);
    L.fill(byId("lh-certs"), home.expiring_certificates, function (c) {
      return el("li", {}, [c.name + " · " + c.certificate_no + " · ", L.siteLink(c.site_id, c.site_name),
        el("span", { class: c.days_left < 0 ? "lg-late" : "small", text: " " +
          (c.days_left < 0 ? t("expired") : t("%(n)s days left", { n: c.days_left })) })]);
    });
    L.fill(byId("lh-flagged"), home.flagged_rooms, function (r) {
      return el("li", { "data-room": r.control_room_code }, [r.control_room_code + " · ", L.siteLink(r.site_id, r.site_name),
        el("span", { class: "small", text: " " + t("%(n)s flagged shifts", { n: r.flagged_shifts }) + ": " +
          r.flags.map(function (f) { return L.flag(f); }).join(", ") })]);
    });
  }

  async function loadSites() {
    const sites = await P.api("GET", "/api/v1/ledgers/sites");
    const body = document.querySelector("#lh-sites tbody");
    L.clear(body);
    sites.forEach(function (s) {
      body.appendChild(el("tr", { "data-site": String(s.id) }, [
        el("td", { text: s.code }), el("td", {}, [L.siteLink(s.id, s.name)]),
        el("td", { text: L.category(s.category) }), el("td", { text: s.opening_hours || "–" }),
        el("td", { text: L.source(s.source) }),
        el("td", {}, [el("a", { class: "small", href: "/fire/inspect?site=" + encodeURIComponent(s.id), text: t("Inspect") })]),
      ]));
    });
  }

  async function loadRound() {
    const node = byId("lh-round");
    if (!root.getAttribute("data-me")) return;
    try {
      const plan = await P.api("GET", "/api/v1/ledgers/rounds?inspector=" + encodeURIComponent(root.getAttribute("data-me")) +
        "&month=" + encodeURIComponent(root.getAttribute("data-month")));
      node.textContent = t("%(due)s sites due; %(visited)s visits on %(days)s days, %(minutes)s min of travel", {
        due: plan.due, visited: plan.visited || 0, days: plan.days.length, minutes: Math.round((plan.travel_s || 0) / 60),
      });
    } catch (error) {
      node.textContent = error.message;
    }
  }

  P.i18nReady.then(async function () {
    await Promise.all([
      loadHome().catch(function (e) { byId("lh-due").textContent = e.message; }),
      loadSites(),
    ]);
    root.setAttribute("data-ready", "1");
    await loadRound();
    root.setAttribute("data-round-ready", "1");
  });
})();
