/* The month's inspection round to print: one table per day, the visits in order with
   their times, the map with the visits numbered, and the sites not placed with why. */
(function () {
  "use strict";
  const P = window.pingan;
  const t = P.t;
  const el = P.el;
  const L = P.ledgers;
  const root = document.getElementById("ledgers-round");
  if (!root) return;
  const COLOURS = ["#2f81f7", "#e8731c", "#2da44e", "#8957e5", "#bf3989", "#0fa5a0", "#9a6700"];

  function time(iso) {
    return new Date(iso).toLocaleTimeString(P.lang, { hour: "2-digit", minute: "2-digit" });
  }

  function dayTable(day, index) {
    const rows = day.visits.map(function (v, n) {
      return el("tr", { "data-site": String(v.site_id) }, [
        el("td", { text: String(n + 1) }), el("td", { text: v.code }),
        el("td", {}, [L.siteLink(v.site_id, v.name)]), el("td", { text: L.category(v.category) }),
        el("td", { text: v.opening_hours || "–" }), el("td", { text: time(v.start_at) + "–" + time(v.end_at) }),
        el("td", { text: v.priority ? t("hazard") : "" }),
      ]);
    });
    return el("section", { class: "card lg-day" }, [
      el("h2", { text: L.day(day.date) + " · " + time(day.leave_at) + "–" + time(day.return_at) +
        " · " + t("%(n)s min of travel", { n: Math.round(day.travel_s / 60) }) }),
      el("table", { class: "data" }, [
        el("thead", {}, [el("tr", {}, [t("No."), t("Code"), t("Name"), t("Category"), t("Opening hours"), t("Visit"), ""].map(function (h) {
          return el("th", { scope: "col", text: h });
        }))]),
        el("tbody", {}, rows),
      ]),
    ]);
  }

  function drawMap(plan) {
    const cityNode = document.getElementById("city-data");
    const node = document.getElementById("lr-map");
    if (!cityNode || !window.L || !P.map) { node.hidden = true; return; }
    const city = JSON.parse(cityNode.textContent);
    const made = P.map.create(node, city, { theme: "light", places: false });
    const map = made.map;
    const bounds = [];
    L_draw(map, plan, bounds);
    if (bounds.length) map.fitBounds(bounds, { padding: [20, 20] });
  }

  function L_draw(map, plan, bounds) {
    const depot = [plan.depot.lat, plan.depot.lon];
    bounds.push(depot);
    window.L.circleMarker(depot, { radius: 7, color: "#a40e26", fillOpacity: 0.9 })
      .bindTooltip(pingan.label(t("Station"))).addTo(map);
    plan.days.forEach(function (day, index) {
      const colour = COLOURS[index % COLOURS.length];
      const line = [depot];
      day.visits.forEach(function (v, n) {
        const point = [v.lat, v.lon];
        line.push(point);
        bounds.push(point);
        window.L.circleMarker(point, { radius: 6, color: colour, fillOpacity: 0.8 })
          .bindTooltip(pingan.label(L.day(day.date) + " #" + (n + 1) + " " + v.name)).addTo(map);
      });
      line.push(depot);
      window.L.polyline(line, { color: colour, weight: 2, opacity: 0.7, dashArray: "4 4" }).addTo(map);
    });
  }

  async function load() {
    const summary = document.getElementById("lr-summary");
    try {
      const plan = await P.api("GET", "/api/v1/ledgers/rounds?inspector=" +
        encodeURIComponent(root.getAttribute("data-inspector")) + "&month=" + encodeURIComponent(root.getAttribute("data-month")));
      summary.textContent = t("%(due)s sites due; %(visited)s visits on %(days)s days, %(minutes)s min of travel", {
        due: plan.due, visited: plan.visited || 0, days: plan.days.length, minutes: Math.round((plan.travel_s || 0) / 60),
      });
      const days = document.getElementById("lr-days");
      plan.days.forEach(function (day, index) { days.appendChild(dayTable(day, index)); });
      if (plan.unplaced.length) {
        document.getElementById("lr-unplaced-box").hidden = false;
        L.fill(document.getElementById("lr-unplaced"), plan.unplaced, function (u) {
          return el("li", {}, [L.siteLink(u.site_id, u.name), " · " + u.reason + " · " + u.detail]);
        });
      }
      if (plan.days.length) drawMap(plan);
    } catch (error) {
      summary.textContent = error.message;
    }
    root.setAttribute("data-ready", "1");
  }

  document.getElementById("lr-print").addEventListener("click", function () { window.print(); });
  P.i18nReady.then(load);
})();
