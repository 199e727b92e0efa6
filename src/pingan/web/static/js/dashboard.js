/* The chief's dashboard map: units on duty and their 1/3/5-minute reach now. */
(function () {
  "use strict";
  const node = document.getElementById("dash-map");
  const cityNode = document.getElementById("city-data");
  if (!node || !cityNode) return;
  const t = pingan.t;
  const REACH_COLOURS = { 60: "#2da44e", 180: "#d4a72c", 300: "#e8731c" };
  const UNIT_COLOURS = { available: "#2da44e", en_route: "#2f81f7", on_scene: "#e8731c" };
  pingan.i18nReady.then(async function () {
    const city = JSON.parse(cityNode.textContent);
    const api = pingan.map.create(node, city, { theme: "light", places: false });
    pingan.map.legend(api.map, [
      [REACH_COLOURS[60], t("Reach in 1 min"), "square"],
      [REACH_COLOURS[180], t("Reach in 3 min"), "square"],
      [REACH_COLOURS[300], t("Reach in 5 min"), "square"],
      [UNIT_COLOURS.available, t("Unit available")],
    ]);
    try {
      const reach = await pingan.api("GET", "/api/v1/reach/live?city=" + encodeURIComponent(city.name));
      const features = (reach.features || []).slice().sort(function (a, b) { return b.properties.cutoff_s - a.properties.cutoff_s; });
      L.geoJSON({ type: "FeatureCollection", features: features }, {
        interactive: false,
        style: function (f) {
          const colour = REACH_COLOURS[Math.round(f.properties.cutoff_s)] || "#7d8590";
          return { color: colour, weight: 1, fillColor: colour, fillOpacity: 0.18 };
        },
      }).addTo(api.map);
      const units = await pingan.api("GET", "/api/v1/units?city=" + encodeURIComponent(city.name));
      units.forEach(function (u) {
        if (u.lat === null || u.status === "off_duty") return;
        L.circleMarker([u.lat, u.lon], { radius: 6, weight: 2, color: "#fff", fillColor: UNIT_COLOURS[u.status] || "#7d8590", fillOpacity: 1 })
          .bindTooltip(u.callsign).addTo(api.map);
      });
    } catch (err) { /* the figures stand without the map */ }
    node.dataset.ready = "1";
  });
})();
