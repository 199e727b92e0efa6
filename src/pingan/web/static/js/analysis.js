/* The analyst's page: tabs, the forecast map, crime series, the camera canvass and the
   campaign report download. Everything comes from /api/v1/analytics. */
(function () {
  "use strict";
  const root = document.getElementById("analysis");
  if (!root) return;
  const t = pingan.t;
  const el = pingan.el;
  const cityNode = document.getElementById("city-data");
  const city = cityNode ? JSON.parse(cityNode.textContent) : null;
  const can = {
    forecast: root.dataset.canForecast === "1",
    series: root.dataset.canSeries === "1",
    canvass: root.dataset.canCanvass === "1",
    canvassRead: root.dataset.canCanvassRead === "1",
  };
  const API = "/api/v1/analytics";
  const RANK_COLOURS = ["#7f0000", "#b30000", "#e34a33", "#fc8d59", "#fdbb84"];
  const FOOTAGE_COLOURS = { none: "#57606a", requested: "#d9822b", obtained: "#1a7f37" };
  const CANVASS_ROWS = 40;

  const tabs = Array.from(root.querySelectorAll("[role=tab]"));
  const state = { map: null, layers: {}, legends: {}, loaded: {}, series: [], seriesIndex: -1 };

  function $(id) { return document.getElementById(id); }
  function q(params) {
    return Object.keys(params).filter(function (k) { return params[k] !== null && params[k] !== undefined && params[k] !== ""; })
      .map(function (k) { return encodeURIComponent(k) + "=" + encodeURIComponent(params[k]); }).join("&");
  }
  function toast(message, isError) {
    const area = $("toasts");
    if (!area) return;
    const node = el("div", { class: "toast" + (isError ? " err" : ""), text: message, role: "status" });
    area.appendChild(node);
    setTimeout(function () { node.remove(); }, 4000);
  }
  function simChip() { return el("span", { class: "chip sim", text: t("simulated data") }); }
  function when(iso) {
    if (!iso) return "–";
    const d = new Date(iso);
    return d.toLocaleString(pingan.lang, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hour12: false });
  }
  function day(iso) {
    const d = new Date(iso);
    return d.toLocaleDateString(pingan.lang, { month: "short", day: "numeric", weekday: "short" });
  }
  function percent(share) { return (share * 100).toFixed(share < 0.1 ? 1 : 0) + "%"; }
  function problemText(err) {
    if (err.status === 404) return t("Not found, or outside your area.");
    if (err.status === 403) return t("Your role may not do this.");
    return (err.problem && err.problem.detail) || err.message || t("Something went wrong.");
  }

  // ------------------------------------------------------------------ tabs and map

  function ensureMap() {
    if (state.map || !city || !$("analysis-map")) return state.map;
    const api = pingan.map.create($("analysis-map"), city, { theme: "light", places: false });
    state.map = api.map;
    state.mapReady = api.ready.catch(function () {});
    ["forecast", "series", "canvass"].forEach(function (key) { state.layers[key] = L.featureGroup(); });
    state.legends.forecast = legendControl([
      [RANK_COLOURS[0], t("Hottest 20% of the cells shown"), "square"],
      [RANK_COLOURS[2], t("Middle of the cells shown"), "square"],
      [RANK_COLOURS[4], t("Coolest of the cells shown"), "square"],
    ]);
    state.legends.series = legendControl([["#8957e5", t("Members of the series, in time order")]]);
    state.legends.canvass = legendControl([
      ["#e5484d", t("Scene")],
      [FOOTAGE_COLOURS.none, t("Camera: footage not yet requested")],
      [FOOTAGE_COLOURS.requested, t("Camera: footage requested")],
      [FOOTAGE_COLOURS.obtained, t("Camera: footage obtained")],
    ]);
    return state.map;
  }

  function legendControl(rows) {
    const control = pingan.map.legend(state.map, rows, "bottomright");
    control.remove();
    return control;
  }

  function showLayer(key) {
    if (!state.map) return;
    Object.keys(state.layers).forEach(function (k) {
      if (k === key) state.layers[k].addTo(state.map); else state.layers[k].remove();
      if (state.legends[k]) { if (k === key) state.legends[k].addTo(state.map); else state.legends[k].remove(); }
    });
    setTimeout(function () { state.map.invalidateSize(); fitLayer(key); }, 0);
  }

  function fitLayer(key) {
    const layer = state.layers[key];
    if (!state.map || !layer) return;
    const bounds = layer.getBounds();
    if (bounds.isValid()) state.map.fitBounds(bounds, { padding: [30, 30], maxZoom: 17 });
  }

  const loaders = { forecast: loadForecast, series: loadSeries, canvass: function () {}, stats: function () {}, report: loadPreviews };

  function showTab(key, focus) {
    tabs.forEach(function (tab) {
      const on = tab.dataset.tab === key;
      tab.setAttribute("aria-selected", on ? "true" : "false");
      tab.tabIndex = on ? 0 : -1;
      if (on && focus) tab.focus();
      $("panel-" + tab.dataset.tab).hidden = !on;
    });
    root.dataset.tab = key;
    const url = new URL(window.location.href);
    url.searchParams.set("tab", key);
    window.history.replaceState(null, "", url.pathname + "?" + url.searchParams.toString());
    showLayer(key);
    if (!state.loaded[key]) {
      state.loaded[key] = true;
      Promise.resolve(loaders[key]()).catch(function (err) { toast(problemText(err), true); });
    }
  }

  tabs.forEach(function (tab, index) {
    tab.addEventListener("click", function (event) { event.preventDefault(); showTab(tab.dataset.tab, false); });
    tab.addEventListener("keydown", function (event) {
      let next = null;
      if (event.key === "ArrowRight") next = tabs[(index + 1) % tabs.length];
      else if (event.key === "ArrowLeft") next = tabs[(index - 1 + tabs.length) % tabs.length];
      else if (event.key === "Home") next = tabs[0];
      else if (event.key === "End") next = tabs[tabs.length - 1];
      if (next) { event.preventDefault(); showTab(next.dataset.tab, true); }
    });
  });

  // ------------------------------------------------------------------ forecast

  function rankColour(rank, count) {
    const k = Math.min(RANK_COLOURS.length - 1, Math.floor(((rank - 1) / Math.max(count, 1)) * RANK_COLOURS.length));
    return RANK_COLOURS[k];
  }

  async function loadForecast() {
    const pick = $("forecast-pick");
    if (!pick || !pick.value) return;
    const info = $("forecast-info");
    info.textContent = t("Loading…");
    const top = $("forecast-top").value;
    const body = await pingan.api("GET", API + "/forecasts/" + encodeURIComponent(pick.value) + ".geojson?top=" + encodeURIComponent(top));
    await state.mapReady;
    const meta = body.properties;
    const layer = state.layers.forecast;
    layer.clearLayers();
    const count = body.features.length;
    const cells = [];
    L.geoJSON(body, {
      style: function (f) {
        const colour = rankColour(f.properties.rank, count);
        return { color: colour, weight: 1, opacity: 0.9, fillColor: colour, fillOpacity: 0.5 };
      },
      onEachFeature: function (f, l) {
        l.bindTooltip(pingan.label(t("Rank %(rank)s · %(share)s of the expected incidents", { rank: f.properties.rank, share: percent(f.properties.share) })));
        cells.push({ props: f.properties, layer: l });
      },
    }).addTo(layer);
    const held = body.features.reduce(function (sum, f) { return sum + f.properties.share; }, 0);
    info.replaceChildren(
      el("p", null, [
        el("strong", { text: t("%(start)s to %(end)s", { start: day(meta.starts_at), end: day(meta.ends_at) }) }), " ",
        meta.simulated ? simChip() : null,
      ]),
      el("p", { class: "small muted", text: t("Model %(model)s, %(cell)s m cells, learnt from %(n)s incidents. The %(k)s hottest cells hold %(share)s of the expected incidents.", {
        model: meta.model, cell: Math.round(meta.cell_m), n: meta.n_events, k: count, share: percent(held),
      }) }),
    );
    const list = $("forecast-cells");
    list.replaceChildren();
    cells.slice(0, 10).forEach(function (cell) {
      const button = el("button", { type: "button", class: "linklike", text: t("Rank %(rank)s", { rank: cell.props.rank }),
        onclick: function () { state.map.setView([cell.props.lat, cell.props.lon], 17); cell.layer.openTooltip(); } });
      list.appendChild(el("li", null, [
        el("span", { class: "swatch", style: { background: rankColour(cell.props.rank, count) } }),
        button, el("span", { class: "small muted", text: percent(cell.props.share) }),
      ]));
    });
    if (root.dataset.tab === "forecast") fitLayer("forecast");
    root.dataset.forecastReady = pick.value;
  }

  if ($("forecast-pick")) {
    $("forecast-pick").addEventListener("change", function () { loadForecast().catch(function (err) { toast(problemText(err), true); }); });
    $("forecast-top").addEventListener("change", function () { loadForecast().catch(function (err) { toast(problemText(err), true); }); });
  }
  if ($("forecast-new")) {
    $("forecast-new").addEventListener("click", async function () {
      const button = $("forecast-new");
      const busy = $("forecast-busy");
      button.disabled = true;
      busy.textContent = t("Computing the forecast…");
      try {
        const made = await pingan.api("POST", API + "/forecasts", { city: city.name, horizon: "7d" });
        let pick = $("forecast-pick");
        if (!pick) { window.location.reload(); return; }
        const option = el("option", { value: String(made.id), text: "#" + made.id + " · " + made.model + " · " + t("%(n)s incidents", { n: made.n_events }) });
        pick.insertBefore(option, pick.firstChild);
        pick.value = String(made.id);
        await loadForecast();
        busy.textContent = t("Forecast #%(id)s is ready.", { id: made.id });
      } catch (err) {
        busy.textContent = "";
        toast(problemText(err), true);
      } finally {
        button.disabled = false;
      }
    });
  }

  // ------------------------------------------------------------------ series

  const ATTRIBUTES = { brand: function () { return t("brand"); }, colour: function () { return t("colour"); }, method: function () { return t("method"); } };
  function attributeName(name) { return ATTRIBUTES[name] ? ATTRIBUTES[name]() : name; }

  function evidenceText(link) {
    const parts = [
      t("%(m)s m apart", { m: Math.round(link.distance_m) }),
      t("%(d)s days apart", { d: link.days_apart.toFixed(1) }),
      t("%(h)s h apart in time of day", { h: Math.round(link.hour_gap_h) }),
    ];
    link.evidence.forEach(function (text) {
      let m = /^same (\w+): (.*)$/.exec(text);
      if (m) { parts.push(t("same %(attribute)s: %(value)s", { attribute: attributeName(m[1]), value: m[2] })); return; }
      m = /^(\w+) differs: (.*)$/.exec(text);
      if (m) parts.push(t("%(attribute)s differs: %(values)s", { attribute: attributeName(m[1]), values: m[2] }));
    });
    return parts.join(" · ");
  }

  function seriesStatusLabel(status) {
    return { candidate: t("Candidate"), confirmed: t("Confirmed series"), rejected: t("Ruled out") }[status] || status;
  }

  function seriesName(s, index) {
    return s.name || t("Candidate series %(n)s", { n: index + 1 });
  }

  async function loadSeries() {
    if (!city) return;
    const type = $("series-type").value;
    const list = $("series-list");
    list.replaceChildren(el("li", { class: "muted", text: t("Looking for series…") }));
    const results = await Promise.all([
      pingan.api("GET", API + "/series?" + q({ city: city.name })),
      pingan.api("GET", API + "/series/candidates?" + q({ city: city.name, type: type })),
    ]);
    const stored = results[0].filter(function (s) { return s.type === type || s.type.indexOf(type + ".") === 0; });
    const fresh = results[1].filter(function (s) { return s.id === null; });
    state.series = stored.concat(fresh);
    renderSeriesList();
    if (state.series.length) showSeries(0); else {
      $("series-detail").replaceChildren();
      state.layers.series.clearLayers();
    }
    root.dataset.seriesReady = "1";
  }

  function renderSeriesList() {
    const list = $("series-list");
    list.replaceChildren();
    if (!state.series.length) {
      list.appendChild(el("li", { class: "muted", text: t("No series found among these incidents.") }));
      return;
    }
    state.series.forEach(function (s, index) {
      const button = el("button", {
        type: "button", class: "series-item", "data-series": String(index),
        "aria-current": index === state.seriesIndex ? "true" : null,
        onclick: function () { showSeries(index); },
      }, [
        el("span", { class: "series-title" }, [
          el("strong", { text: seriesName(s, index) }), " ",
          el("span", { class: "chip s-" + s.status, text: seriesStatusLabel(s.status) }), " ",
          s.simulated ? simChip() : null,
        ]),
        el("span", { class: "small muted", text: t("%(n)s incidents over %(days)s days, within %(m)s m · score %(score)s", {
          n: s.members.length, days: s.span_days.toFixed(1), m: Math.round(s.extent_m), score: s.score.toFixed(2),
        }) }),
      ]);
      list.appendChild(el("li", null, [button]));
    });
  }

  function memberIcon(order) {
    return L.divIcon({ className: "num-marker", html: pingan.label(order), iconSize: [24, 24], iconAnchor: [12, 12] });
  }

  function showSeries(index) {
    state.seriesIndex = index;
    renderSeriesList();
    const s = state.series[index];
    const rows = s.members.map(function (m, k) {
      return el("tr", { "data-incident": String(m.incident_id) }, [
        el("td", { class: "r", text: String(k + 1) }),
        el("td", { class: "mono", text: "#" + m.incident_id }),
        el("td", { text: when(m.occurred_at) }),
        el("td", { text: [m.colour, m.brand].filter(Boolean).join(" ") || "–" }),
        el("td", null, [can.canvassRead ? el("button", { type: "button", class: "small-button", "data-canvass": String(m.incident_id), text: t("Canvass"),
          title: t("Cameras around incident #%(id)s", { id: m.incident_id }),
          onclick: function () { startCanvass(m.incident_id); } }) : null]),
      ]);
    });
    const evidence = s.links.slice(0, 8).map(function (link) {
      return el("li", null, [el("span", { class: "mono", text: "#" + link.incident_ids[0] + " – #" + link.incident_ids[1] + " " }), evidenceText(link)]);
    });
    const actions = el("div", { class: "actions" });
    if (can.series) {
      if (s.status !== "confirmed") actions.appendChild(el("button", { type: "button", class: "ok", "data-decide": "confirmed", text: t("Confirm series"), onclick: function () { decide(index, "confirmed"); } }));
      if (s.status !== "rejected") actions.appendChild(el("button", { type: "button", class: "danger", "data-decide": "rejected", text: t("Rule out"), onclick: function () { decide(index, "rejected"); } }));
    }
    const decided = s.decided_by ? el("p", { class: "small muted", text: t("%(status)s by %(who)s, %(when)s", { status: seriesStatusLabel(s.status), who: s.decided_by, when: when(s.decided_at) }) }) : null;
    $("series-detail").replaceChildren(el("div", { class: "series-detail", "data-status": s.status }, [
      el("h3", null, [seriesName(s, index), " ", el("span", { class: "chip s-" + s.status, text: seriesStatusLabel(s.status) })]),
      decided,
      el("table", { class: "data compact" }, [
        el("thead", null, [el("tr", null, [
          el("th", { class: "r", text: "#" }), el("th", { text: t("Incident") }), el("th", { text: t("When") }),
          el("th", { text: t("Property") }), el("th", { text: "" }),
        ])]),
        el("tbody", null, rows),
      ]),
      el("h3", { text: t("Evidence of the links") }),
      el("ul", { class: "evidence small" }, evidence),
      actions,
    ]));
    const layer = state.layers.series;
    layer.clearLayers();
    const points = s.members.filter(function (m) { return m.lat !== null; }).map(function (m) { return [m.lat, m.lon]; });
    if (points.length > 1) L.polyline(points, { color: "#8957e5", weight: 3, dashArray: "6 6", opacity: 0.9 }).addTo(layer);
    s.members.forEach(function (m, k) {
      if (m.lat === null) return;
      L.marker([m.lat, m.lon], { icon: memberIcon(k + 1), keyboard: false })
        .bindTooltip(pingan.label("#" + m.incident_id + " · " + when(m.occurred_at))).addTo(layer);
    });
    if (root.dataset.tab === "series") fitLayer("series");
  }

  async function decide(index, status) {
    const s = state.series[index];
    const buttons = $("series-detail").querySelectorAll("[data-decide]");
    buttons.forEach(function (b) { b.disabled = true; });
    try {
      let body;
      if (s.id === null) {
        const typeName = pingan.labels.type(s.type);
        body = await pingan.api("POST", API + "/series", {
          incident_ids: s.members.map(function (m) { return m.incident_id; }),
          name: t("%(type)s ×%(n)s", { type: typeName, n: s.members.length }),
          status: status,
        });
      } else {
        body = await pingan.api("POST", API + "/series/" + s.id + "/decision", { status: status });
      }
      state.series[index] = body;
      showSeries(index);
      toast(status === "confirmed" ? t("Series confirmed: it stays on the map.") : t("Series ruled out."));
    } catch (err) {
      buttons.forEach(function (b) { b.disabled = false; });
      toast(problemText(err), true);
    }
  }

  if ($("series-type")) $("series-type").addEventListener("change", function () { loadSeries().catch(function (err) { toast(problemText(err), true); }); });

  // ------------------------------------------------------------------ canvass

  const MODES = { foot: function () { return t("on foot"); }, ebike: function () { return t("by e-bike"); }, car: function () { return t("by car"); } };
  function modeName(mode) { return MODES[mode] ? MODES[mode]() : mode; }
  function cameraName(c) {
    if (c.editable === false) return t("Camera of another station (%(station)s), read-only", { station: c.jurisdiction_code || "" });
    if (c.source === "place" && /^camera \d+$/.test(c.name)) return t("Street camera %(id)s (map)", { id: c.camera_id });
    return c.name;
  }

  function startCanvass(incidentId) {
    $("canvass-incident").value = String(incidentId);
    showTab("canvass", false);
    runCanvass().catch(function (err) { toast(problemText(err), true); });
  }

  async function runCanvass() {
    const input = $("canvass-incident");
    const error = $("err-canvass-incident");
    const id = parseInt(input.value, 10);
    error.textContent = "";
    input.removeAttribute("aria-invalid");
    if (!id || id < 1) {
      error.textContent = t("Enter the incident's number.");
      input.setAttribute("aria-invalid", "true");
      input.focus();
      return;
    }
    const minutes = $("canvass-minutes").value;
    const result = $("canvass-result");
    const button = $("canvass-run");
    button.disabled = true;
    result.replaceChildren(el("p", { class: "muted", role: "status", text: t("Following the escape routes from the scene…") }));
    let body;
    try {
      body = await pingan.api("GET", API + "/incidents/" + id + "/canvass?" + q({ minutes: minutes }));
    } catch (err) {
      result.replaceChildren();
      error.textContent = err.status === 404 ? t("No such incident in your area.") : problemText(err);
      input.setAttribute("aria-invalid", "true");
      return;
    } finally {
      button.disabled = false;
    }
    state.canvass = body;
    renderCanvass();
    root.dataset.canvassReady = String(id);
  }

  function renderCanvass() {
    const body = state.canvass;
    const result = $("canvass-result");
    const layer = state.layers.canvass;
    layer.clearLayers();
    if (!body.scene) {
      result.replaceChildren(el("p", { class: "muted", text: t("The incident has no location yet: place it to canvass around it.") }));
      return;
    }
    const counts = body.counts;
    const head = el("p", { class: "canvass-summary" }, [
      el("strong", { text: t("%(n)s cameras within %(min)s minutes of incident #%(id)s", { n: body.cameras.length, min: body.minutes, id: body.incident_id }) }),
      el("span", { class: "small muted", text: " · " + t("%(req)s requested, %(got)s obtained", { req: counts.requested, got: counts.obtained }) }),
    ]);
    const rows = body.cameras.slice(0, state.canvassAll ? body.cameras.length : CANVASS_ROWS).map(function (c, k) {
      const buttons = ["requested", "obtained"].map(function (status) {
        return el("button", {
          type: "button", class: "toggle small-button", "aria-pressed": c.status === status ? "true" : "false",
          "data-footage": status, disabled: !can.canvass || c.editable === false,
          text: status === "requested" ? t("Requested") : t("Obtained"),
          onclick: function () { setFootage(c, c.status === status ? "none" : status); },
        });
      });
      return el("tr", { "data-camera": c.source + ":" + c.camera_id, "data-status": c.status }, [
        el("td", { class: "r", text: String(k + 1) }),
        el("td", null, [el("div", { text: cameraName(c) }), c.owner ? el("div", { class: "small muted", text: c.owner }) : null]),
        el("td", { class: "r nowrap" }, [el("strong", { text: pingan.duration(c.earliest_s) }), el("div", { class: "small muted", text: modeName(c.earliest_mode) })]),
        el("td", { class: "nowrap" }, buttons),
      ]);
    });
    const table = el("table", { class: "data compact", id: "canvass-table" }, [
      el("thead", null, [el("tr", null, [
        el("th", { class: "r", text: "#" }), el("th", { text: t("Camera") }),
        el("th", { class: "r", text: t("Earliest pass") }), el("th", { text: t("Footage") }),
      ])]),
      el("tbody", null, rows),
    ]);
    const more = !state.canvassAll && body.cameras.length > CANVASS_ROWS
      ? el("button", { type: "button", class: "linklike", text: t("Show all %(n)s cameras", { n: body.cameras.length }), onclick: function () { state.canvassAll = true; renderCanvass(); } })
      : null;
    result.replaceChildren(head, body.cameras.length ? table : el("p", { class: "muted", text: t("No camera lies within reach of the scene.") }), more);

    L.marker(body.scene, { icon: L.divIcon({ className: "", html: el("div", { class: "pin-marker" }), iconSize: [26, 26], iconAnchor: [13, 26] }), keyboard: false })
      .bindTooltip(pingan.label(t("Scene of incident #%(id)s", { id: body.incident_id }))).addTo(layer);
    body.cameras.forEach(function (c, k) {
      const marker = k < CANVASS_ROWS
        ? L.marker([c.lat, c.lon], { icon: L.divIcon({ className: "num-marker cam " + c.status, html: pingan.label(k + 1), iconSize: [22, 22], iconAnchor: [11, 11] }), keyboard: false })
        : L.circleMarker([c.lat, c.lon], { radius: 4, weight: 1, color: "#fff", fillColor: FOOTAGE_COLOURS[c.status] || "#57606a", fillOpacity: 0.9 });
      marker.bindTooltip(pingan.label((k + 1) + ". " + cameraName(c) + " · " + pingan.duration(c.earliest_s) + " " + modeName(c.earliest_mode))).addTo(layer);
    });
    if (root.dataset.tab === "canvass" && state.map) {
      const near = [body.scene].concat(body.cameras.slice(0, 12).map(function (c) { return [c.lat, c.lon]; }));
      state.map.fitBounds(L.latLngBounds(near), { padding: [40, 40], maxZoom: 17 });
    }
  }

  async function setFootage(camera, status) {
    const body = state.canvass;
    try {
      const item = await pingan.api("PUT", API + "/incidents/" + body.incident_id + "/canvass/" + camera.source + "/" + camera.camera_id, { status: status });
      const before = camera.status;
      camera.status = item.status;
      body.counts[before] -= 1;
      body.counts[item.status] = (body.counts[item.status] || 0) + 1;
      renderCanvass();
    } catch (err) {
      toast(problemText(err), true);
    }
  }

  if ($("canvass-form")) {
    $("canvass-form").addEventListener("submit", function (event) {
      event.preventDefault();
      state.canvassAll = false;
      runCanvass().catch(function (err) { toast(problemText(err), true); });
    });
  }

  // ------------------------------------------------------------------ report

  function reportParams() {
    const params = { from: $("report-from").value, to: $("report-to").value, lang: $("report-lang").value };
    if (city) params.city = city.name;
    return params;
  }

  function loadPreviews() {
    const params = reportParams();
    document.querySelectorAll("#report-previews img[data-chart]").forEach(function (img) {
      img.src = API + "/report/" + img.dataset.chart + ".png?" + q(params);
    });
  }

  if ($("report-form")) {
    $("report-form").addEventListener("submit", async function (event) {
      event.preventDefault();
      const params = reportParams();
      if (!params.from || !params.to || params.to < params.from) {
        toast(t("Choose a start date on or before the end date."), true);
        return;
      }
      const button = $("report-download");
      const wrap = $("report-progress");
      const bar = wrap.querySelector(".progress");
      const status = $("report-status");
      button.disabled = true;
      wrap.hidden = false;
      bar.classList.add("indeterminate");
      bar.removeAttribute("aria-valuenow");
      bar.firstElementChild.style.width = "";
      const started = Date.now();
      status.textContent = t("Building the report…");
      const timer = setInterval(function () {
        status.textContent = t("Building the report… %(s)s s", { s: Math.round((Date.now() - started) / 1000) });
      }, 1000);
      try {
        const response = await fetch(API + "/report.pdf?" + q(params), { credentials: "same-origin" });
        if (!response.ok) {
          const problem = await response.json().catch(function () { return null; });
          const error = new Error((problem && problem.detail) || response.statusText);
          error.status = response.status;
          error.problem = problem;
          throw error;
        }
        const blob = await response.blob();
        const name = "pingan-report-" + params.from + "-" + params.to + "-" + params.lang + ".pdf";
        const url = URL.createObjectURL(blob);
        const link = el("a", { href: url, download: name, hidden: true });
        document.body.appendChild(link);
        link.click();
        setTimeout(function () { URL.revokeObjectURL(url); link.remove(); }, 10000);
        bar.classList.remove("indeterminate");
        bar.setAttribute("aria-valuenow", "100");
        bar.firstElementChild.style.width = "100%";
        status.textContent = t("The report is ready: %(name)s (%(kb)s KB).", { name: name, kb: Math.round(blob.size / 1024) });
        root.dataset.reportReady = "1";
        loadPreviews();
      } catch (err) {
        bar.classList.remove("indeterminate");
        status.textContent = "";
        wrap.hidden = true;
        toast(problemText(err), true);
      } finally {
        clearInterval(timer);
        button.disabled = false;
      }
    });
  }

  // ------------------------------------------------------------------ start

  pingan.i18nReady.then(function () {
    ensureMap();
    showTab(root.dataset.tab || "forecast", false);
    root.dataset.ready = "1";
  });
})();
