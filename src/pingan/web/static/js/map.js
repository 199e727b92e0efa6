/* pingan maps: Leaflet (vendored from npm) over the city's own road layer; no tiles. */
(function () {
  "use strict";
  const ATTRIBUTION = "© OpenStreetMap contributors (ODbL)";

  const ROAD_STYLE = {
    light: { casing: "#c4ccd6", major: "#f2b84b", mid: "#ffffff", minor: "#ffffff", path: "#9aa6b2", bg: "#e9edf2" },
    dark: { casing: "#0a111c", major: "#8a6a2b", mid: "#3b4b60", minor: "#2b384a", path: "#26364a", bg: "#0e1624" },
  };
  const MAJOR = { motorway: 1, trunk: 1, primary: 1, motorway_link: 1, trunk_link: 1, primary_link: 1 };
  const MID = { secondary: 1, tertiary: 1, secondary_link: 1, tertiary_link: 1 };
  const PATH = { footway: 1, path: 1, cycleway: 1, pedestrian: 1, steps: 1, track: 1 };

  function roadWeight(cls, zoom) {
    const scale = Math.max(0.6, (zoom - 12) / 4);
    if (MAJOR[cls]) return 5 * scale;
    if (MID[cls]) return 3.6 * scale;
    if (PATH[cls]) return 1.2 * scale;
    return 2.4 * scale;
  }

  /**
   * Make a map in ``element`` for ``city`` ({name, bbox:[minLon,minLat,maxLon,maxLat]}).
   * options: theme ("light"|"dark"), roadsUrl(zoom) → URL, places (bool), interactive.
   * Returns {map, ready} where ready resolves when the roads are drawn.
   */
  function create(element, city, options) {
    const opts = Object.assign({ theme: "light", places: false }, options || {});
    const palette = ROAD_STYLE[opts.theme] || ROAD_STYLE.light;
    const map = L.map(element, {
      preferCanvas: true,
      zoomSnap: 0.25,
      attributionControl: true,
      keyboard: true,
      minZoom: 10,
      maxZoom: 19,
    });
    map.attributionControl.setPrefix("Leaflet");
    map.attributionControl.addAttribution(ATTRIBUTION);
    element.style.background = palette.bg;
    const b = city.bbox;
    const bounds = L.latLngBounds([b[1], b[0]], [b[3], b[2]]);
    map.fitBounds(bounds, { padding: [8, 8] });
    map.setMaxBounds(bounds.pad(0.6));
    const renderer = L.canvas({ padding: 0.3 });
    const roadsPane = map.createPane("roads");
    roadsPane.style.zIndex = 250;
    const layers = { casing: null, roads: null, places: null };
    let loadedZoom = null;
    const url = opts.roadsUrl || function (zoom) {
      return "/api/v1/cities/" + encodeURIComponent(city.name) + "/roads.geojson?zoom=" + zoom;
    };

    function layerZoom() { return Math.max(12, Math.min(16, Math.round(map.getZoom()) + 1)); }

    async function loadRoads() {
      const zoom = layerZoom();
      if (zoom === loadedZoom) return;
      loadedZoom = zoom;
      const response = await fetch(url(zoom), { credentials: "same-origin" });
      if (!response.ok) throw new Error("roads " + response.status);
      const data = await response.json();
      if (zoom !== loadedZoom) return;
      if (layers.casing) map.removeLayer(layers.casing);
      if (layers.roads) map.removeLayer(layers.roads);
      const z = map.getZoom();
      layers.casing = L.geoJSON(data, {
        pane: "roads", renderer: renderer, interactive: false,
        filter: function (f) { return !PATH[f.properties.highway]; },
        style: function (f) {
          return { color: palette.casing, weight: roadWeight(f.properties.highway, z) + 1.6, opacity: 1, lineCap: "round" };
        },
      }).addTo(map);
      layers.roads = L.geoJSON(data, {
        pane: "roads", renderer: renderer, interactive: false,
        style: function (f) {
          const cls = f.properties.highway;
          const color = MAJOR[cls] ? palette.major : MID[cls] ? palette.mid : PATH[cls] ? palette.path : palette.minor;
          return { color: color, weight: roadWeight(cls, z), opacity: 1, lineCap: "round", dashArray: PATH[cls] ? "2 4" : null };
        },
      }).addTo(map);
    }

    async function loadPlaces() {
      const response = await fetch("/api/v1/cities/" + encodeURIComponent(city.name) + "/places.geojson?kinds=bar,pub,nightclub,karaoke_box,school,hospital,bank,police,marketplace", { credentials: "same-origin" });
      if (!response.ok) return;
      const data = await response.json();
      const zh = (window.pingan && pingan.lang === "zh-CN");
      layers.places = L.geoJSON(data, {
        pointToLayer: function (f, latlng) {
          return L.circleMarker(latlng, {
            radius: 3, weight: 1, color: opts.theme === "dark" ? "#56657a" : "#8b97a5",
            fillColor: opts.theme === "dark" ? "#3a4a60" : "#c9d1db", fillOpacity: 1, renderer: renderer,
          });
        },
        onEachFeature: function (f, layer) {
          const p = f.properties;
          const label = (zh ? p.name_zh : p.name_en) || p.name || p.kind;
          if (label) layer.bindTooltip(pingan.label(label), { direction: "top" });
        },
      }).addTo(map);
      layers.places.bringToBack();
    }

    const ready = loadRoads().then(function () { return opts.places ? loadPlaces() : null; });
    let timer = null;
    map.on("zoomend", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { loadRoads().catch(function () {}); }, 250);
    });
    return { map: map, ready: ready, layers: layers, bounds: bounds };
  }

  /** A small legend control: rows of [colour, label, shape]. */
  function legend(map, rows, position) {
    const control = L.control({ position: position || "bottomleft" });
    control.onAdd = function () {
      const div = L.DomUtil.create("div", "map-legend");
      rows.forEach(function (row) {
        const line = document.createElement("div");
        const swatch = document.createElement("i");
        swatch.style.background = row[0];
        if (row[2] === "square") swatch.className = "sq";
        line.appendChild(swatch);
        line.appendChild(document.createTextNode(row[1]));
        div.appendChild(line);
      });
      return div;
    };
    control.addTo(map);
    return control;
  }

  window.pingan = Object.assign(window.pingan || {}, { map: { create: create, legend: legend, ATTRIBUTION: ATTRIBUTION } });
})();
