/* The chief's dashboard map: the units on duty now, coloured by status. */
(function () {
  "use strict";
  const node = document.getElementById("dash-map");
  const cityNode = document.getElementById("city-data");
  if (!node || !cityNode) return;
  const t = pingan.t;
  const UNIT_COLOURS = { available: "#2da44e", en_route: "#2f81f7", on_scene: "#e8731c", unavailable: "#a40e26" };
  pingan.i18nReady.then(async function () {
    const city = JSON.parse(cityNode.textContent);
    const api = pingan.map.create(node, city, { theme: "light", places: false });
    pingan.map.legend(api.map, [
      [UNIT_COLOURS.available, t("Unit available")],
      [UNIT_COLOURS.en_route, t("Unit en route")],
      [UNIT_COLOURS.on_scene, t("Unit on scene")],
    ]);
    try {
      await api.ready;
      const units = await pingan.api("GET", "/api/v1/units?city=" + encodeURIComponent(city.name));
      units.forEach(function (u) {
        if (u.lat === null || u.status === "off_duty") return;
        L.circleMarker([u.lat, u.lon], { radius: 7, weight: 2, color: "#fff", fillColor: UNIT_COLOURS[u.status] || "#7d8590", fillOpacity: 1 })
          .bindTooltip(u.callsign).addTo(api.map);
      });
    } catch (err) { /* the figures stand without the map */ }
    node.dataset.ready = "1";
  });
})();
