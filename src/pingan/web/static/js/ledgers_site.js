/* A site's page: its facts, hazards, inspection history, control rooms with duty records,
   training and drills. */
(function () {
  "use strict";
  const P = window.pingan;
  const t = P.t;
  const el = P.el;
  const L = P.ledgers;
  const root = document.getElementById("ledgers-site");
  if (!root) return;
  const id = root.getAttribute("data-site");
  const base = "/api/v1/ledgers/sites/" + encodeURIComponent(id);

  function fact(list, name, value) {
    list.appendChild(el("dt", { text: name }));
    list.appendChild(el("dd", { text: value === null || value === undefined || value === "" ? "–" : String(value) }));
  }

  async function loadSite() {
    const site = await P.api("GET", base);
    document.getElementById("ls-name").textContent = site.name;
    const facts = document.getElementById("ls-facts");
    L.clear(facts);
    fact(facts, t("Code"), site.code);
    fact(facts, t("Category"), L.category(site.category) + (site.key_unit ? " · " + t("key unit") : ""));
    fact(facts, t("Address"), site.address);
    fact(facts, t("Station"), site.jurisdiction_code + (site.grid_code ? " / " + site.grid_code : ""));
    fact(facts, t("Opening hours"), site.opening_hours);
    fact(facts, t("Responsible person"), [site.responsible_name, site.responsible_phone].filter(Boolean).join(" "));
    fact(facts, t("Fire-safety manager"), [site.manager_name, site.manager_phone].filter(Boolean).join(" "));
    fact(facts, t("Source"), L.source(site.source));
  }

  const canWrite = root.getAttribute("data-can-write") === "1";

  /* Start the rectification, or close on a passing re-inspection (the API answers 409
     until a newer inspection has passed the item: its reason is shown). */
  function hazardRow(h) {
    const item = L.hazardItem(h);
    if (!canWrite || h.status === "closed") return item;
    const note = el("span", { class: "small", role: "status" });
    async function act(method, url, body) {
      try {
        await P.api(method, url, body);
        await loadHazards();
      } catch (error) {
        note.textContent = " " + error.message;
      }
    }
    const hazardUrl = "/api/v1/ledgers/hazards/" + encodeURIComponent(h.id);
    item.appendChild(el("span", { class: "lg-actions" }, [
      h.stage === "open" ? el("button", { type: "button", class: "small", "data-action": "rectifying",
        text: t("Start rectifying"), onclick: function () { act("PATCH", hazardUrl, { status: "rectifying" }); } }) : null,
      el("button", { type: "button", class: "small", "data-action": "close", text: t("Close the hazard"),
        onclick: function () { act("POST", hazardUrl + "/close", {}); } }),
      note,
    ]));
    return item;
  }

  async function loadHazards() {
    L.fill(document.getElementById("ls-hazards"), await P.api("GET", base + "/hazards"), hazardRow);
  }

  async function loadHistory() {
    const rows = await P.api("GET", base + "/inspections");
    L.fill(document.getElementById("ls-history"), rows, function (i) {
      const failed = i.items.filter(function (x) { return x.result === "failed"; });
      return el("li", { "data-inspection": String(i.id) }, [
        L.when(i.at) + " · " + i.inspectors.join(", ") + " · ",
        el("span", { class: failed.length ? "lg-late" : "small", text: failed.length
          ? t("%(n)s failed", { n: failed.length }) + ": " + failed.map(function (x) { return x.code; }).join(", ")
          : t("all passed") }),
        i.note ? el("span", { class: "small muted", text: " " + i.note }) : null,
      ]);
    });
  }

  async function loadRooms() {
    const rooms = await P.api("GET", base + "/control-rooms");
    const box = document.getElementById("ls-rooms");
    L.clear(box);
    if (!rooms.length) { box.appendChild(el("p", { class: "muted", text: t("None") })); return; }
    for (const room of rooms) {
      const shifts = await P.api("GET", "/api/v1/ledgers/control-rooms/" + encodeURIComponent(room.id) + "/shifts");
      const list = el("ul", { class: "lg-list" });
      L.fill(list, shifts.slice(0, 20), function (s) {
        return el("li", { class: s.flags.length ? "lg-flagged" : "" }, [
          L.when(s.starts_at) + " · " + s.on_duty.map(function (p) { return p.name; }).join(", "),
          el("span", { class: s.flags.length ? "lg-late" : "small muted", text: " " +
            (s.flags.length ? s.flags.map(L.flag).join(", ") : t("no flag")) }),
        ]);
      });
      box.appendChild(el("h3", { text: room.code + " · " + room.location }));
      if (canWrite) {
        box.appendChild(el("a", { class: "small", "data-duty": String(room.id),
          href: "/fire/duty?room=" + encodeURIComponent(room.id), text: t("Record a shift") }));
      }
      box.appendChild(el("p", { class: "small", text: t("Operators") + ": " +
        room.operators.map(function (o) { return o.name + " (" + L.day(o.expires_on) + ")"; }).join(", ") }));
      box.appendChild(list);
    }
  }

  async function loadDrills() {
    L.fill(document.getElementById("ls-drills"), await P.api("GET", base + "/training"), function (s) {
      const kinds = { training: t("Training"), evacuation_drill: t("Evacuation drill"), extinguisher_practice: t("Extinguisher practice") };
      return el("li", {}, [L.day(s.held_on) + " · " + (kinds[s.kind] || s.kind) + " · " +
        t("%(n)s attendees", { n: s.attendee_count }) + " · " + t("%(n)s min", { n: s.duration_min })]);
    });
  }

  P.i18nReady.then(async function () {
    await Promise.all([
      loadSite().catch(function (e) { document.getElementById("ls-name").textContent = e.message; }),
      loadHazards(), loadHistory(), loadRooms(), loadDrills(),
    ]);
    root.setAttribute("data-ready", "1");
  });
})();
