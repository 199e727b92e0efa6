/* The chief's dashboard map: the active patrol plan (beats, loops, stops, posts) and the
   units on duty now, coloured by status. */
(function () {
  "use strict";
  const node = document.getElementById("dash-map");
  const cityNode = document.getElementById("city-data");
  if (!node || !cityNode) return;
  const planNode = document.getElementById("plan-data");
  const t = pingan.t;
  const UNIT_COLOURS = { available: "#2da44e", en_route: "#2f81f7", on_scene: "#e8731c", unavailable: "#a40e26" };
  const GROUP_COLOURS = ["#8957e5", "#0fa5a0", "#d9822b", "#2f81f7", "#bf3989", "#57606a", "#1a7f37", "#9a6700"];

  function groupColour(group) { return GROUP_COLOURS[(Number(group) - 1 + GROUP_COLOURS.length) % GROUP_COLOURS.length]; }

  async function drawPlan(map, plan) {
    const layer = await pingan.api("GET", "/api/v1/plans/" + encodeURIComponent(plan.id) + ".geojson");
    const drawn = L.geoJSON(layer, {
      filter: function (f) { return f.properties.kind === "beat" || f.properties.kind === "route"; },
      style: function (f) {
        const colour = groupColour(f.properties.group);
        if (f.properties.kind === "beat") return { color: colour, weight: 1.5, opacity: 0.8, fillColor: colour, fillOpacity: 0.08, dashArray: "4 4" };
        return { color: colour, weight: 3, opacity: 0.9 };
      },
      onEachFeature: function (f, l) {
        l.bindTooltip(pingan.label(t("Group %(n)s", { n: f.properties.group })));
      },
    }).addTo(map);
    L.geoJSON(layer, {
      filter: function (f) { return f.properties.kind === "stop" || f.properties.kind === "post"; },
      pointToLayer: function (f, latlng) {
        const colour = groupColour(f.properties.group);
        if (f.properties.kind === "post") {
          return L.marker(latlng, {
            icon: L.divIcon({ className: "plan-post", html: pingan.el("span", { style: { background: colour }, text: String(f.properties.group) }), iconSize: [22, 22], iconAnchor: [11, 11] }),
            keyboard: false,
          });
        }
        return L.circleMarker(latlng, { radius: 5, weight: 2, color: colour, fillColor: "#fff", fillOpacity: 1 });
      },
      onEachFeature: function (f, l) {
        const p = f.properties;
        if (p.kind === "post") l.bindTooltip(pingan.label(t("Group %(n)s post", { n: p.group })));
        else l.bindTooltip(pingan.label(t("Group %(n)s: stop %(order)s, stay %(min)s min", { n: p.group, order: p.order, min: Math.round(p.dwell_s / 60) })));
      },
    }).addTo(map);
    const bounds = drawn.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [16, 16] });
  }

  pingan.i18nReady.then(async function () {
    const city = JSON.parse(cityNode.textContent);
    const plan = planNode ? JSON.parse(planNode.textContent) : null;
    const api = pingan.map.create(node, city, { theme: "light", places: false });
    const rows = [
      [UNIT_COLOURS.available, t("Unit available")],
      [UNIT_COLOURS.en_route, t("Unit en route")],
      [UNIT_COLOURS.on_scene, t("Unit on scene")],
    ];
    if (plan) rows.push([GROUP_COLOURS[0], t("Patrol group: beat, loop and post"), "square"]);
    pingan.map.legend(api.map, rows);
    try {
      await api.ready;
      if (plan) {
        try { await drawPlan(api.map, plan); node.dataset.plan = String(plan.id); } catch (err) { /* units still show */ }
      }
      const units = await pingan.api("GET", "/api/v1/units?city=" + encodeURIComponent(city.name));
      units.forEach(function (u) {
        if (u.lat === null || u.status === "off_duty") return;
        L.circleMarker([u.lat, u.lon], { radius: 7, weight: 2, color: "#fff", fillColor: UNIT_COLOURS[u.status] || "#7d8590", fillOpacity: 1 })
          .bindTooltip(pingan.label(u.callsign)).addTo(api.map);
      });
    } catch (err) { /* the figures stand without the map */ }
    node.dataset.ready = "1";
  });
})();
