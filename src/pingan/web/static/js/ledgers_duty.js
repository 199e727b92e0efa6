/* A control room's duty record (值班记录, GB 25506) on the phone: who is on duty, the
   systems at handover, the daily check, the log entries and an alarm; the answer shows
   the flags the shift earned. */
(function () {
  "use strict";
  const P = window.pingan;
  const t = P.t;
  const el = P.el;
  const L = P.ledgers;
  const root = document.getElementById("ledgers-duty");
  if (!root) return;
  const roomId = root.getAttribute("data-room");
  const status = document.getElementById("ld-status");
  let room = null;

  function value(id) { return document.getElementById(id).value; }
  function iso(local) { return local ? new Date(local).toISOString() : null; }

  function systemNames() {
    return { alarm_controller: t("Alarm controller"), linkage_controller: t("Linkage controller"),
      sprinkler_pump: t("Sprinkler pump"), hydrant_pump: t("Hydrant pump") };
  }

  function checkNames() {
    return { self_test: t("Self-test"), silence: t("Silence"), reset: t("Reset"),
      main_power: t("Main power"), backup_power: t("Backup power") };
  }

  function entries(startIso) {
    const start = new Date(startIso);
    return value("ld-entries").split(/[;；,，\s]+/).filter(Boolean).map(function (hhmm) {
      const parts = hhmm.split(":");
      const at = new Date(start);
      at.setHours(Number(parts[0]), Number(parts[1] || 0), 0, 0);
      if (at < start) at.setDate(at.getDate() + 1);
      return at.toISOString();
    });
  }

  function body() {
    const people = Array.from(document.querySelectorAll("[data-operator]:checked")).map(function (box) {
      const o = room.operators[Number(box.getAttribute("data-operator"))];
      return { name: o.name, certificate_no: o.certificate_no };
    });
    if (value("ld-other").trim()) people.push({ name: value("ld-other").trim() });
    const systems = {};
    document.querySelectorAll("[data-system]").forEach(function (select) {
      systems[select.getAttribute("data-system")] = { mode: select.value, state: "normal" };
    });
    const check = {};
    document.querySelectorAll("[data-check]").forEach(function (box) { check[box.getAttribute("data-check")] = box.checked; });
    const start = iso(value("ld-start"));
    const alarms = [];
    if (value("ld-alarm-received")) {
      alarms.push({ received_at: iso(value("ld-alarm-received")), confirmed_at: iso(value("ld-alarm-confirmed")),
        nature: value("ld-alarm-nature"), reported: document.getElementById("ld-alarm-reported").checked });
    }
    return { control_room_code: room.code, starts_at: start, ends_at: iso(value("ld-end")),
      on_duty: people, systems: systems, daily_check: check, entries: entries(start), alarms: alarms };
  }

  async function load() {
    room = await P.api("GET", "/api/v1/ledgers/control-rooms/" + encodeURIComponent(roomId));
    document.getElementById("ld-room").textContent = t("Duty record") + " · " + room.code + " · " + room.site_name;
    const people = document.getElementById("ld-people");
    room.operators.forEach(function (o, index) {
      people.appendChild(el("label", { class: "lg-choice" }, [
        el("input", { type: "checkbox", "data-operator": String(index) }), o.name + " (" + L.day(o.expires_on) + ")"]));
    });
    const systems = document.getElementById("ld-systems");
    const names = systemNames();
    Object.keys(names).forEach(function (key) {
      const select = el("select", { "data-system": key, "aria-label": names[key] }, [
        el("option", { value: "auto", text: t("auto") }), el("option", { value: "manual", text: t("manual") })]);
      systems.appendChild(el("label", { class: "lg-choice" }, [names[key] + " ", select]));
    });
    const check = document.getElementById("ld-check");
    const checks = checkNames();
    Object.keys(checks).forEach(function (key) {
      check.appendChild(el("label", { class: "lg-choice" }, [el("input", { type: "checkbox", "data-check": key, checked: true }), checks[key]]));
    });
    document.getElementById("ld-form").addEventListener("submit", async function (event) {
      event.preventDefault();
      try {
        const answer = await P.api("POST", "/api/v1/ledgers/shifts", body());
        status.textContent = answer.flags.length
          ? t("Recorded, flagged: %(flags)s", { flags: answer.flags.map(L.flag).join(", ") })
          : t("Recorded, no flag");
        status.setAttribute("data-flags", answer.flags.join(" ") || "none");
      } catch (error) {
        status.textContent = error.message;
        status.setAttribute("data-flags", "refused");
      }
    });
    root.setAttribute("data-ready", "1");
  }

  P.i18nReady.then(function () { load().catch(function (e) { status.textContent = e.message; }); });
})();
