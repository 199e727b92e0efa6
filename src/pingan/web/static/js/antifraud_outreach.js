/* The anti-fraud desk's outreach (反诈宣传): the map with this month's stalls, the reach of
   each zone shaded, next week's suggested sites, the ledger and the form to record a stall.
   Everything comes from /api/v1/antifraud/outreach; DOM only through pingan.el / pingan.label. */
(function () {
  "use strict";
  const P = window.pingan;
  const t = P.t;
  const el = P.el;
  const section = document.getElementById("af-outreach");
  if (!section) return;
  const root = document.getElementById("antifraud");
  const API = "/api/v1/antifraud/outreach";
  const SHADES = ["#f0f3f6", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"];
  const mapNode = document.getElementById("af-outreach-map");
  const totalNode = document.getElementById("af-reach-total");
  const noteNode = document.getElementById("af-reach-note");
  const sitesList = document.getElementById("af-suggestions");
  const ledgerBody = document.querySelector("#af-outreach-table tbody");
  const form = document.getElementById("af-outreach-form");
  const state = { map: null, zones: null, stalls: null, sites: null, pick: null, fitted: false };

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function percent(share) {
    return (share * 100).toFixed(share > 0 && share < 0.1 ? 1 : 0) + "%";
  }

  function shade(share) {
    if (!(share > 0)) return SHADES[0];
    return SHADES[Math.min(SHADES.length - 1, 1 + Math.floor(share * (SHADES.length - 1)))];
  }

  function when(iso) {
    const d = new Date(iso);
    return d.toLocaleString(P.lang, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hour12: false });
  }

  function icon(className, text) {
    return L.divIcon({ className: className, html: pingan.label(text), iconSize: [24, 24], iconAnchor: [12, 12] });
  }

  function ensureMap(layer) {
    if (state.map) return;
    const b = layer.bbox;
    const api = P.map.create(mapNode, { name: layer.city, bbox: b }, { theme: "light", places: false });
    state.map = api.map;
    mapNode.pinganMap = api.map; // for the page's browser tests (a DOM property, not a global)
    state.zones = L.featureGroup().addTo(state.map);
    state.stalls = L.featureGroup().addTo(state.map);
    state.sites = L.featureGroup().addTo(state.map);
    P.map.legend(state.map, [
      [SHADES[1], t("Reach under 20%"), "square"],
      [SHADES[5], t("Reach over 80%"), "square"],
      ["#d1242f", t("This month's stalls")],
      ["#8957e5", t("Suggested sites")],
    ], "bottomright");
    if (form) {
      state.map.on("click", function (event) { pickPoint(event.latlng.lat, event.latlng.lng); });
    }
    // The columns settle as the lists fill: keep Leaflet's idea of the map's size right.
    if (window.ResizeObserver) {
      new ResizeObserver(function () { state.map.invalidateSize(); }).observe(mapNode);
    }
  }

  function fitZones() {
    if (!state.map || !state.zones.getLayers().length) return;
    state.map.invalidateSize();
    state.map.fitBounds(state.zones.getBounds(), { padding: [12, 12] });
  }

  function drawZones(layer) {
    state.zones.clearLayers();
    L.geoJSON(layer, {
      style: function (f) {
        return { color: "#6e7781", weight: 0.5, fillColor: shade(f.properties.share), fillOpacity: 0.55 };
      },
      onEachFeature: function (f, zoneLayer) {
        const p = f.properties;
        zoneLayer.bindTooltip(pingan.label(t("%(share)s within %(minutes)s min on foot", {
          share: percent(p.share), minutes: Math.round(layer.walk_s / 60),
        })), { sticky: true });
      },
    }).eachLayer(function (zoneLayer) { state.zones.addLayer(zoneLayer); });
    if (!state.fitted) {
      fitZones();
      state.fitted = true;
    }
  }

  function drawStalls(stalls) {
    state.stalls.clearLayers();
    stalls.forEach(function (s) {
      L.marker([s.lat, s.lon], { icon: icon("af-stall-marker", "★"), keyboard: false })
        .bindTooltip(pingan.label(s.place_text + " · " + when(s.starts_at)), { direction: "top" })
        .addTo(state.stalls);
    });
  }

  async function loadReach() {
    try {
      const layer = await P.api("GET", API + "/reach");
      ensureMap(layer);
      drawZones(layer);
      drawStalls(layer.stalls);
      const totals = layer.totals;
      totalNode.textContent = t("%(share)s of residents reached this month", { share: percent(totals.share) });
      section.setAttribute("data-reach-share", String(totals.share));
      section.setAttribute("data-reach-zones", String(totals.zones));
      section.setAttribute("data-stalls", String(totals.stalls));
      noteNode.textContent = t("Within %(minutes)s min (%(metres)s m) on foot of %(n)s stalls or talks in %(month)s.", {
        minutes: Math.round(layer.walk_s / 60), metres: Math.round(layer.walk_m), n: totals.stalls, month: layer.month,
      }) + (layer.population_source === "network"
        ? " " + t("No population zones for this city: shares of the street network.") : "");
      section.setAttribute("data-reach-ready", String(Date.now()));
    } catch (error) {
      noteNode.textContent = error.message;
    }
  }

  function siteItem(s) {
    const zh = P.lang.indexOf("zh") === 0;
    return el("li", { class: "af-site", "data-rank": String(s.rank), "data-incidents": String(s.incidents) }, [
      el("strong", { class: "af-site-name", text: s.name }),
      " ",
      el("span", { class: "small muted", text: s.lat.toFixed(5) + ", " + s.lon.toFixed(5) }),
      el("div", { class: "small af-site-why", text: zh ? s.why.zh : s.why.en }),
    ]);
  }

  async function loadSuggestions() {
    try {
      const data = await P.api("GET", API + "/suggestions?k=5");
      clear(sitesList);
      if (state.sites) state.sites.clearLayers();
      data.suggestions.forEach(function (s) {
        sitesList.appendChild(siteItem(s));
        if (state.sites) {
          L.marker([s.lat, s.lon], { icon: icon("num-marker af-site-marker", s.rank), keyboard: false })
            .bindTooltip(pingan.label(s.name), { direction: "top" })
            .addTo(state.sites);
        }
      });
      if (!data.suggestions.length) {
        sitesList.appendChild(el("li", { class: "muted", text: t("No fraud victims left beyond this month's stalls.") }));
      }
      section.setAttribute("data-sites-ready", String(Date.now()));
    } catch (error) {
      clear(sitesList);
      sitesList.appendChild(el("li", { class: "error", text: error.message }));
    }
  }

  function count(value) {
    return String(value || 0);
  }

  async function loadLedger() {
    try {
      const rows = await P.api("GET", API + "?weeks=8");
      clear(ledgerBody);
      rows.forEach(function (r) {
        ledgerBody.appendChild(el("tr", { "data-id": String(r.id) }, [
          el("td", { text: when(r.starts_at) }),
          el("td", { class: "af-ledger-place", text: r.place_text }),
          el("td", { text: r.kind === "talk" ? t("Talk") : t("Stall") }),
          el("td", { text: count(r.staff) }),
          el("td", { text: count(r.volunteers) }),
          el("td", { text: count(r.people_reached) }),
          el("td", { text: count(r.leaflets) }),
          el("td", { text: count(r.app_registrations) }),
          el("td", { text: count(r.clues) }),
        ]));
      });
      if (!rows.length) {
        ledgerBody.appendChild(el("tr", null, [el("td", { colspan: "9", text: t("No stalls or talks yet.") })]));
      }
      section.setAttribute("data-ledger-ready", String(Date.now()));
    } catch (error) {
      clear(ledgerBody);
      ledgerBody.appendChild(el("tr", null, [el("td", { colspan: "9", text: error.message })]));
    }
  }

  function pickPoint(lat, lon) {
    const point = document.getElementById("af-outreach-point");
    point.setAttribute("data-lat", String(lat));
    point.setAttribute("data-lon", String(lon));
    point.textContent = t("Place: %(lat)s, %(lon)s", { lat: lat.toFixed(5), lon: lon.toFixed(5) });
    if (state.pick) state.map.removeLayer(state.pick);
    state.pick = L.marker([lat, lon], { icon: icon("af-pick-marker", "+"), keyboard: false }).addTo(state.map);
  }

  function localInput(date) {
    const shifted = new Date(date.getTime() - date.getTimezoneOffset() * 60000);
    return shifted.toISOString().slice(0, 16);
  }

  function number(id) {
    const value = parseInt(document.getElementById(id).value, 10);
    return value > 0 ? value : 0;
  }

  if (form) {
    const now = new Date();
    document.getElementById("af-o-start").value = localInput(now);
    document.getElementById("af-o-end").value = localInput(new Date(now.getTime() + 2 * 3600000));
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      const status = document.getElementById("af-outreach-status");
      const point = document.getElementById("af-outreach-point");
      const lat = parseFloat(point.getAttribute("data-lat"));
      const lon = parseFloat(point.getAttribute("data-lon"));
      if (isNaN(lat) || isNaN(lon)) { status.textContent = t("Click the map to place it."); return; }
      const body = {
        kind: document.getElementById("af-o-kind").value,
        venue: document.getElementById("af-o-venue").value,
        place_text: document.getElementById("af-o-place").value,
        lat: lat,
        lon: lon,
        starts_at: new Date(document.getElementById("af-o-start").value).toISOString(),
        ends_at: new Date(document.getElementById("af-o-end").value).toISOString(),
        staff: number("af-o-staff"),
        volunteers: number("af-o-volunteers"),
        people_reached: number("af-o-people"),
        leaflets: number("af-o-leaflets"),
        app_registrations: number("af-o-apps"),
        clues: number("af-o-clues"),
      };
      try {
        await P.api("POST", API, body);
        status.textContent = t("Recorded");
        await Promise.all([loadLedger(), loadReach(), loadSuggestions()]);
      } catch (error) {
        status.textContent = error.message;
      }
    });
  }

  P.i18nReady.then(async function () {
    await loadReach();
    await Promise.all([loadSuggestions(), loadLedger()]);
    fitZones();
    if (root) root.setAttribute("data-outreach-ready", String(Date.now()));
  });
})();
