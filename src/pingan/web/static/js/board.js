/* The dispatcher's board: live queue, map with units and reach, recommendation, one-click actions. */
(function () {
  "use strict";
  const root = document.getElementById("board");
  if (!root) return;
  const t = pingan.t;
  const el = pingan.el;
  const L_ = pingan.labels;
  const ACTIVE = ["received", "confirmed", "dispatched", "on_scene"];
  const STATUS_COLOURS = {
    draft: "#8957e5", received: "#e5484d", confirmed: "#d9822b", dispatched: "#2f81f7",
    on_scene: "#0fa5a0", resolved: "#2da44e", closed: "#7d8590",
  };
  const UNIT_COLOURS = {
    available: "#2da44e", en_route: "#2f81f7", on_scene: "#e8731c", off_duty: "#7d8590", unavailable: "#a40e26",
  };
  const REACH_COLOURS = { 60: "#2da44e", 180: "#d4a72c", 300: "#e8731c" };
  const canDispatch = root.dataset.canDispatch === "1";
  const canWrite = root.dataset.canWrite === "1";

  const state = {
    incidents: new Map(),
    units: new Map(),
    selected: null,
    reco: null,
    assignments: [],
    busy: false,
  };
  let mapApi = null;
  const markers = { incidents: new Map(), units: new Map(), reach: null };
  let reachTimer = null;

  // ------------------------------------------------------------------ helpers
  function toast(text, kind) {
    const node = el("div", { class: "toast" + (kind === "err" ? " err" : ""), text: text });
    document.getElementById("toasts").appendChild(node);
    setTimeout(function () { node.remove(); }, kind === "err" ? 6000 : 3500);
  }
  function isActive(incident) { return ACTIVE.indexOf(incident.status) >= 0; }
  function groupOf(incident) {
    if (incident.status === "received") return "confirm";
    if (incident.status === "confirmed") return "waiting";
    if (incident.status === "dispatched") return "dispatched";
    return "on_scene";
  }
  const GROUPS = [
    ["confirm", function () { return t("To confirm (new and chat drafts)"); }],
    ["waiting", function () { return t("Confirmed, waiting for a unit"); }],
    ["dispatched", function () { return t("Dispatched"); }],
    ["on_scene", function () { return t("On scene"); }],
  ];
  function statusClass(incident) { return incident.is_draft && incident.status === "received" ? "draft" : incident.status; }
  function ordered() {
    const lists = {};
    GROUPS.forEach(function (g) { lists[g[0]] = []; });
    state.incidents.forEach(function (incident) { if (isActive(incident)) lists[groupOf(incident)].push(incident); });
    Object.keys(lists).forEach(function (key) {
      lists[key].sort(function (a, b) { return (b.priority || 0) - (a.priority || 0) || (a.received_at < b.received_at ? 1 : -1); });
    });
    return lists;
  }
  function flatOrder() {
    const lists = ordered();
    let flat = [];
    GROUPS.forEach(function (g) { flat = flat.concat(lists[g[0]]); });
    return flat;
  }

  // ------------------------------------------------------------------ queue
  function renderQueue(flashId) {
    const container = document.getElementById("queue");
    const lists = ordered();
    container.textContent = "";
    let total = 0;
    GROUPS.forEach(function (g) {
      const items = lists[g[0]];
      total += items.length;
      const section = el("div", { class: "queue-group", "data-group": g[0] }, [
        el("h3", {}, [el("span", { text: g[1]() }), el("span", { class: "num", text: String(items.length) })]),
      ]);
      const list = el("ul", { class: "queue-list", role: "group", "aria-label": g[1]() });
      if (!items.length) list.appendChild(el("li", { class: "queue-empty", text: t("None") }));
      items.forEach(function (incident) {
        const cls = statusClass(incident);
        const item = el("li", {
          class: "qi s-" + cls + (flashId === incident.id ? " flash" : ""),
          role: "option",
          tabindex: "-1",
          id: "qi-" + incident.id,
          "data-id": String(incident.id),
          "aria-selected": state.selected === incident.id ? "true" : "false",
          onclick: function () { select(incident.id); },
        }, [
          el("span", { class: "bar" }),
          el("div", {}, [
            el("div", { class: "title" }, [
              el("span", { text: L_.type(incident.type) }),
              incident.simulated ? el("span", { class: "chip sim", text: t("simulated") }) : null,
              incident.type_uncertain ? el("span", { class: "chip sim", text: t("type uncertain") }) : null,
            ]),
            el("div", { class: "meta", text: (incident.place_text || (incident.lat !== null ? t("point on the map") : t("no place given"))) + " · " + incident.description }),
          ]),
          el("div", { class: "side" }, [
            el("span", { class: "chip " + cls, text: L_.status(incident.status, incident.is_draft) }),
            el("span", { class: "num", title: incident.received_at, text: pingan.clock(incident.received_at) }),
            el("span", { class: "small", "data-ago": incident.received_at, text: pingan.ago(incident.received_at) }),
          ]),
        ]);
        list.appendChild(item);
      });
      section.appendChild(list);
      container.appendChild(section);
    });
    document.getElementById("queue-count").textContent = t("%(n)s open", { n: total });
  }

  // ------------------------------------------------------------------ map
  function incidentIcon(incident) {
    const colour = STATUS_COLOURS[statusClass(incident)] || "#7d8590";
    const selected = state.selected === incident.id ? " selected" : "";
    const dot = el("div", { class: "incident-marker" + selected, style: { background: colour } });
    return L.divIcon({ className: "", html: dot, iconSize: [18, 18], iconAnchor: [9, 9] });
  }
  function unitIcon(unit) {
    const colour = UNIT_COLOURS[unit.status] || "#7d8590";
    const label = el("div", { class: "unit-marker" + (unit.stale ? " stale" : ""), style: { background: colour }, text: unit.callsign || "" });
    return L.divIcon({ className: "unit-icon", html: label, iconSize: null, iconAnchor: [0, 11] });
  }
  function drawIncident(incident) {
    if (!mapApi) return;
    const existing = markers.incidents.get(incident.id);
    if (!isActive(incident) || incident.lat === null || incident.lon === null) {
      if (existing) { mapApi.map.removeLayer(existing); markers.incidents.delete(incident.id); }
      return;
    }
    if (existing) {
      existing.setLatLng([incident.lat, incident.lon]);
      existing.setIcon(incidentIcon(incident));
    } else {
      const marker = L.marker([incident.lat, incident.lon], { icon: incidentIcon(incident), title: L_.type(incident.type), zIndexOffset: 500, keyboard: false });
      marker.on("click", function () { select(incident.id); });
      marker.bindTooltip(function () {
        const now = state.incidents.get(incident.id) || incident;
        return pingan.label(L_.type(now.type) + " · " + L_.status(now.status, now.is_draft));
      });
      marker.addTo(mapApi.map);
      markers.incidents.set(incident.id, marker);
    }
  }
  function drawUnit(unit) {
    if (!mapApi) return;
    const existing = markers.units.get(unit.id);
    const show = document.getElementById("toggle-units").checked && unit.lat !== null && unit.lon !== null && unit.status !== "off_duty";
    if (!show) {
      if (existing) { mapApi.map.removeLayer(existing); markers.units.delete(unit.id); }
      return;
    }
    if (existing) {
      existing.setLatLng([unit.lat, unit.lon]);
      existing.setIcon(unitIcon(unit));
    } else {
      const marker = L.marker([unit.lat, unit.lon], { icon: unitIcon(unit), keyboard: false, zIndexOffset: 800 });
      marker.bindTooltip(function () {
        const u = state.units.get(unit.id) || unit;
        return pingan.label(u.callsign + " · " + L_.unitKind(u.kind) + " · " + L_.unitStatus(u.status) + (u.stale ? " · " + t("position too old") : ""));
      });
      marker.addTo(mapApi.map);
      markers.units.set(unit.id, marker);
    }
  }
  async function loadReach() {
    if (!mapApi || !root.dataset.city) return;
    const share = document.getElementById("reach-share");
    if (!document.getElementById("toggle-reach").checked) {
      if (markers.reach) { mapApi.map.removeLayer(markers.reach); markers.reach = null; }
      share.textContent = "";
      return;
    }
    try {
      const data = await pingan.api("GET", "/api/v1/reach/live?city=" + encodeURIComponent(root.dataset.city));
      if (markers.reach) mapApi.map.removeLayer(markers.reach);
      const features = (data.features || []).slice().sort(function (a, b) { return b.properties.cutoff_s - a.properties.cutoff_s; });
      markers.reach = L.geoJSON({ type: "FeatureCollection", features: features }, {
        interactive: false,
        style: function (f) {
          const colour = REACH_COLOURS[Math.round(f.properties.cutoff_s)] || "#7d8590";
          return { stroke: false, fillColor: colour, fillOpacity: 0.09 };
        },
      }).addTo(mapApi.map);
      markers.reach.bringToBack();
      const shares = (data.properties && data.properties.share_within) || {};
      const parts = Object.keys(shares).map(function (k) {
        const v = shares[k];
        return t("%(min)s min", { min: Math.round(k / 60) }) + " " + (v === null ? "–" : Math.round(v * 100) + "%");
      });
      share.textContent = parts.length ? t("Demand covered") + ": " + parts.join(" · ") : "";
    } catch (err) {
      share.textContent = "";
    }
  }
  function scheduleReach() {
    clearTimeout(reachTimer);
    // the live reach is a heavy computation on the server: at most every 20 s
    reachTimer = setTimeout(loadReach, 20000);
  }

  // ------------------------------------------------------------------ detail
  function kv(label, value) { return [el("dt", { text: label }), el("dd", { text: value || "–" })]; }
  function renderDetail() {
    const box = document.getElementById("detail");
    const idNode = document.getElementById("detail-id");
    box.textContent = "";
    const incident = state.incidents.get(state.selected);
    if (!incident) {
      idNode.textContent = "";
      box.appendChild(el("p", { class: "detail-empty", text: t("Pick an incident in the queue (or press j).") }));
      return;
    }
    idNode.textContent = "#" + incident.id;
    const cls = statusClass(incident);
    box.appendChild(el("h3", {}, [
      el("span", { text: L_.type(incident.type) + " " }),
      incident.type_uncertain ? el("span", { class: "chip sim", title: t("The classifier was unsure of this type: check it."), text: t("type uncertain") }) : null,
      el("span", { class: "chip " + cls, "data-status": incident.status, text: L_.status(incident.status, incident.is_draft) }),
    ]));
    const list = el("dl", { class: "kv" });
    []
      .concat(kv(t("Received"), pingan.clock(incident.received_at) + " · " + pingan.ago(incident.received_at)))
      .concat(kv(t("Place"), incident.place_text || (incident.lat !== null ? incident.lat.toFixed(5) + ", " + incident.lon.toFixed(5) : "")))
      .concat(kv(t("Channel"), L_.channel(incident.channel)))
      .concat(kv(t("Reporter"), [incident.reporter_name, incident.reporter_phone].filter(Boolean).join(" · ")))
      .concat(kv(t("Reports"), String(incident.report_count)))
      .concat(kv(t("Station"), incident.jurisdiction_code))
      .forEach(function (node) { list.appendChild(node); });
    box.appendChild(list);
    box.appendChild(el("div", { class: "desc", text: incident.description }));

    const actions = el("div", { class: "actions" });
    if (canWrite && incident.status === "received") {
      actions.appendChild(el("button", { type: "button", class: "primary", "data-action": "confirm", "aria-keyshortcuts": "c", onclick: confirmSelected }, [t("Confirm"), " ", el("kbd", { text: "c" })]));
      actions.appendChild(el("button", { type: "button", "data-action": "reject", onclick: function () { transition("rejected"); } }, [t("Reject")]));
    }
    if (actions.childNodes.length) box.appendChild(actions);

    box.appendChild(el("h3", { text: t("Units sent") }));
    const active = state.assignments;
    if (!active.length) box.appendChild(el("p", { class: "muted small", text: t("No unit sent yet.") }));
    else {
      const ul = el("ul", { class: "assignments" });
      active.forEach(function (a) {
        const li = el("li", { "data-assignment": String(a.id), "data-status": a.status }, [
          el("strong", { text: a.callsign }),
          el("span", { class: "chip u-" + (a.status === "on_scene" ? "on_scene" : a.status === "en_route" ? "en_route" : "off_duty"), text: assignmentLabel(a.status) }),
          el("span", { class: "small muted num", text: a.response_s !== null && a.response_s !== undefined ? t("response %(t)s", { t: pingan.duration(a.response_s) }) : (a.predicted_travel_s ? t("ETA %(t)s", { t: pingan.duration(a.predicted_travel_s) }) : "") }),
        ]);
        if (canDispatch && a.status === "en_route") li.appendChild(el("button", { type: "button", class: "ok", "data-action": "arrived", "aria-keyshortcuts": "a", onclick: function () { arrived(a.id); } }, [t("Arrived"), " ", el("kbd", { text: "a" })]));
        if (canDispatch && (a.status === "en_route" || a.status === "on_scene")) li.appendChild(el("button", { type: "button", "data-action": "cleared", "aria-keyshortcuts": "x", onclick: function () { cleared(a.id); } }, [t("Cleared"), " ", el("kbd", { text: "x" })]));
        ul.appendChild(li);
      });
      box.appendChild(ul);
    }

    if (["received", "confirmed", "dispatched", "on_scene"].indexOf(incident.status) >= 0) {
      box.appendChild(el("h3", { text: t("Recommended units") }));
      const reco = state.reco;
      if (reco === null) box.appendChild(el("p", { class: "muted small", text: t("Computing travel times…") }));
      else if (reco.error) box.appendChild(el("p", { class: "muted small", text: reco.error }));
      else {
        const met = el("div", { class: "tiers-met" });
        reco.tiers_s.forEach(function (tier) {
          const ok = reco.met[String(Math.round(tier))];
          met.appendChild(el("span", { class: "tier-pill" + (ok ? " met" : ""), text: t("%(min)s min", { min: Math.round(tier / 60) }) + (ok ? " ✓" : " ✗") }));
        });
        box.appendChild(met);
        if (!reco.units.length) box.appendChild(el("p", { class: "muted small", text: t("No unit is available.") }));
        const ul = el("ul", { class: "reco", id: "reco" });
        reco.units.slice(0, 8).forEach(function (u, index) {
          const tierClass = u.tier <= reco.tiers_s.length ? "tier-" + u.tier : "tier-none";
          const tierText = u.tier <= reco.tiers_s.length ? t("%(min)s min", { min: Math.round(reco.tiers_s[u.tier - 1] / 60) }) : t("beyond");
          const li = el("li", { class: index === 0 ? "top" : "", "data-unit": String(u.unit_id) }, [
            el("span", { class: "chip " + tierClass, text: tierText }),
            el("div", {}, [el("strong", { text: u.callsign }), el("div", { class: "small muted", text: L_.unitKind(u.kind) + " · " + u.station_code + (u.mutual_aid ? " · " + t("another station (mutual aid)") : "") })]),
            el("span", { class: "eta", text: pingan.duration(u.travel_time_s) }),
          ]);
          if (canDispatch) {
            li.appendChild(el("button", {
              type: "button", class: index === 0 ? "primary" : "", "data-action": "dispatch",
              "aria-keyshortcuts": index === 0 ? "d" : null,
              onclick: function () { dispatchUnit(u.unit_id, u.callsign); },
            }, index === 0 ? [t("Dispatch"), " ", el("kbd", { text: "d" })] : [t("Dispatch")]));
          }
          ul.appendChild(li);
        });
        box.appendChild(ul);
        if (reco.ineligible && reco.ineligible.length) {
          box.appendChild(el("p", { class: "small muted", text: t("Not recommended") + ": " + reco.ineligible.slice(0, 6).map(function (u) { return u.callsign + " (" + L_.reason(u.reason) + ")"; }).join(", ") }));
        }
      }
    }
  }
  function assignmentLabel(status) {
    const labels = { en_route: t("En route"), on_scene: t("On scene"), cleared: t("Cleared"), cancelled: t("Cancelled") };
    return labels[status] || status;
  }

  async function loadDetail(id) {
    state.reco = null;
    state.assignments = [];
    renderDetail();
    const incident = state.incidents.get(id);
    try {
      state.assignments = await pingan.api("GET", "/api/v1/incidents/" + id + "/assignments");
    } catch (err) { state.assignments = []; }
    if (state.selected !== id) return;
    if (incident && ["received", "confirmed", "dispatched", "on_scene"].indexOf(incident.status) >= 0) {
      try {
        state.reco = await pingan.api("GET", "/api/v1/incidents/" + id + "/recommendation");
      } catch (err) {
        state.reco = { error: err.status === 409 ? t("This incident has no point on the map yet, so no travel times.") : t("Travel times are not available right now.") };
      }
    }
    if (state.selected !== id) return;
    renderDetail();
  }

  function select(id, opts) {
    const previous = state.selected;
    state.selected = id;
    document.querySelectorAll(".qi[aria-selected='true']").forEach(function (n) { n.setAttribute("aria-selected", "false"); });
    const node = document.getElementById("qi-" + id);
    if (node) {
      node.setAttribute("aria-selected", "true");
      node.scrollIntoView({ block: "nearest" });
      document.getElementById("queue").setAttribute("aria-activedescendant", "qi-" + id);
    }
    [previous, id].forEach(function (x) { const inc = state.incidents.get(x); if (inc) drawIncident(inc); });
    const incident = state.incidents.get(id);
    if (mapApi && incident && incident.lat !== null && (!opts || !opts.keepView)) {
      mapApi.map.panTo([incident.lat, incident.lon], { animate: true });
    }
    loadDetail(id);
  }

  // ------------------------------------------------------------------ actions
  async function act(work, okText) {
    if (state.busy) return;
    state.busy = true;
    try {
      await work();
      if (okText) toast(okText);
    } catch (err) {
      toast((err && err.message) || t("That did not work."), "err");
    } finally {
      state.busy = false;
    }
    await refreshSelected();
  }
  async function refreshSelected() {
    const id = state.selected;
    if (id === null) return;
    try {
      const incident = await pingan.api("GET", "/api/v1/incidents/" + id);
      upsertIncident(incident, false);
    } catch (err) { /* gone from view */ }
    if (state.selected === id) await loadDetail(id);
  }
  function confirmSelected() { return transition("confirmed"); }
  function transition(status) {
    const id = state.selected;
    if (id === null || !canWrite) return;
    return act(function () { return pingan.api("POST", "/api/v1/incidents/" + id + "/transition", { status: status, note: "" }); },
      status === "confirmed" ? t("Incident confirmed.") : t("Incident rejected."));
  }
  function dispatchUnit(unitId, callsign) {
    const id = state.selected;
    if (id === null || !canDispatch) return;
    return act(function () { return pingan.api("POST", "/api/v1/incidents/" + id + "/dispatch", { unit_ids: [unitId] }); },
      t("%(unit)s dispatched.", { unit: callsign }));
  }
  function arrived(assignmentId) {
    return act(function () { return pingan.api("POST", "/api/v1/assignments/" + assignmentId + "/arrived"); }, t("Arrival recorded."));
  }
  function cleared(assignmentId) {
    return act(function () { return pingan.api("POST", "/api/v1/assignments/" + assignmentId + "/cleared"); }, t("Unit cleared and available again."));
  }

  // ------------------------------------------------------------------ keyboard
  function move(step) {
    const flat = flatOrder();
    if (!flat.length) return;
    let index = flat.findIndex(function (i) { return i.id === state.selected; });
    index = index < 0 ? (step > 0 ? 0 : flat.length - 1) : Math.max(0, Math.min(flat.length - 1, index + step));
    select(flat[index].id);
  }
  document.addEventListener("keydown", function (e) {
    const target = e.target;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT" || target.isContentEditable)) return;
    const help = document.getElementById("help");
    if (help.open && e.key !== "?") return;
    const incident = state.incidents.get(state.selected);
    switch (e.key) {
      case "j": case "ArrowDown": e.preventDefault(); move(1); break;
      case "k": case "ArrowUp": e.preventDefault(); move(-1); break;
      case "c": if (incident && incident.status === "received") confirmSelected(); break;
      case "d":
        if (state.reco && state.reco.units && state.reco.units.length) dispatchUnit(state.reco.units[0].unit_id, state.reco.units[0].callsign);
        break;
      case "a": {
        const a = state.assignments.find(function (x) { return x.status === "en_route"; });
        if (a) arrived(a.id);
        break;
      }
      case "x": {
        const a = state.assignments.find(function (x) { return x.status === "on_scene"; }) || state.assignments.find(function (x) { return x.status === "en_route"; });
        if (a) cleared(a.id);
        break;
      }
      case "?": e.preventDefault(); if (help.open) help.close(); else help.showModal(); break;
      default: break;
    }
  });
  document.getElementById("help-open").addEventListener("click", function () { document.getElementById("help").showModal(); });

  // ------------------------------------------------------------------ live data
  function upsertIncident(incident, fromStream) {
    const known = state.incidents.has(incident.id);
    state.incidents.set(incident.id, incident);
    drawIncident(incident);
    const fresh = fromStream && !known && isActive(incident);
    renderQueue(fresh ? incident.id : null);
    if (state.selected !== null) {
      const node = document.getElementById("qi-" + state.selected);
      if (node) node.setAttribute("aria-selected", "true");
    }
    if (fresh) toast(t("New incident: %(type)s", { type: L_.type(incident.type) }));
    if (fromStream && state.selected === incident.id && !state.busy) loadDetail(incident.id);
  }
  function upsertUnit(unit) {
    const before = state.units.get(unit.id);
    if (unit.mutual_aid && !(before && before.mutual_aid)) {
      toast(t("%(unit)s sent to help %(station)s (mutual aid).", { unit: unit.callsign, station: unit.mutual_aid.incident_station_code }));
    }
    state.units.set(unit.id, unit);
    drawUnit(unit);
  }

  function connect() {
    const live = document.getElementById("live");
    const source = new EventSource("/api/v1/stream");
    source.addEventListener("open", function () { live.className = "live-indicator on"; live.textContent = t("Live"); });
    source.addEventListener("error", function () { live.className = "live-indicator off"; live.textContent = t("Reconnecting…"); });
    source.addEventListener("incident", function (e) { upsertIncident(JSON.parse(e.data), true); });
    source.addEventListener("unit", function (e) { upsertUnit(JSON.parse(e.data)); scheduleReach(); });
    source.addEventListener("bye", function () { source.close(); window.location.assign("/login?next=/board"); });
  }

  async function loadAll() {
    const query = ACTIVE.map(function (s) { return "status=" + s; }).join("&");
    const page = await pingan.api("GET", "/api/v1/incidents?" + query + "&limit=500");
    page.items.forEach(function (incident) { state.incidents.set(incident.id, incident); drawIncident(incident); });
    renderQueue(null);
    if (root.dataset.city) {
      try {
        const units = await pingan.api("GET", "/api/v1/units?city=" + encodeURIComponent(root.dataset.city));
        units.forEach(upsertUnit);
      } catch (err) { /* units are optional for the queue */ }
    }
    root.dataset.ready = "1";
  }

  function tick() {
    const clock = document.getElementById("clock");
    clock.textContent = new Date().toLocaleTimeString(pingan.lang, { hour12: false });
    document.querySelectorAll("[data-ago]").forEach(function (n) { n.textContent = pingan.ago(n.getAttribute("data-ago")); });
  }

  pingan.i18nReady.then(async function () {
    const cityNode = document.getElementById("city-data");
    if (cityNode) {
      const city = JSON.parse(cityNode.textContent);
      mapApi = pingan.map.create(document.getElementById("board-map"), city, { theme: "dark", places: true });
      pingan.map.legend(mapApi.map, [
        [UNIT_COLOURS.available, t("Unit available")],
        [UNIT_COLOURS.en_route, t("Unit en route")],
        [UNIT_COLOURS.on_scene, t("Unit on scene")],
        [STATUS_COLOURS.received, t("New incident"), "square"],
        [STATUS_COLOURS.dispatched, t("Incident dispatched"), "square"],
        [REACH_COLOURS[60], t("Reach in 1 min"), "square"],
        [REACH_COLOURS[180], t("Reach in 3 min"), "square"],
        [REACH_COLOURS[300], t("Reach in 5 min"), "square"],
      ]);
      document.getElementById("toggle-reach").addEventListener("change", loadReach);
      document.getElementById("toggle-units").addEventListener("change", function () { state.units.forEach(drawUnit); });
    }
    tick();
    setInterval(tick, 1000);
    try {
      await loadAll();
    } catch (err) {
      toast(t("The queue could not be loaded."), "err");
    }
    connect();
    loadReach();
    document.getElementById("queue").focus({ preventScroll: true });
  });
})();
