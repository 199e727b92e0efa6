/* The volunteer's phone page: check in and out at a scanned QR code's point with the
   phone's position, my shifts (sign up for open ones), hand in a clue, my clues and points.
   Text nodes only (pingan.el): clue texts and places are typed by users. */
(function () {
  "use strict";
  const P = window.pingan;
  const root = document.getElementById("volunteer");
  if (!root) return;
  const t = P.t;
  const el = P.el;
  const API = "/api/v1/community";
  const code = root.getAttribute("data-code") || "";
  const status = document.getElementById("vol-check-status");
  let watching = null;
  let lastSent = 0;

  function outcomeLabel(key) {
    const labels = {
      under_review: t("under review"),
      linked_to_case: t("linked to a case"),
      useful: t("useful, kept on file"),
      duplicate: t("duplicate"),
      rejected: t("rejected"),
    };
    return labels[key] || key;
  }

  function when(iso) {
    if (!iso) return "";
    const d = new Date(iso);
    return d.toLocaleString(P.lang, { month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false });
  }

  function position() {
    return new Promise(function (resolve, reject) {
      if (!navigator.geolocation) { reject(new Error(t("This phone gives no position."))); return; }
      navigator.geolocation.getCurrentPosition(
        function (p) { resolve({ lat: p.coords.latitude, lon: p.coords.longitude }); },
        function () { reject(new Error(t("Allow the position to check in."))); },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 0 }
      );
    });
  }

  /* While checked in, the phone's position keeps the joint patrol fresh on the dispatcher's map. */
  function follow() {
    if (watching !== null || !navigator.geolocation) return;
    watching = navigator.geolocation.watchPosition(function (p) {
      const now = Date.now();
      if (now - lastSent < 60000) return;
      lastSent = now;
      P.api("POST", API + "/me/position", { lat: p.coords.latitude, lon: p.coords.longitude })
        .catch(function () { stopFollowing(); });
    });
  }

  function stopFollowing() {
    if (watching !== null) navigator.geolocation.clearWatch(watching);
    watching = null;
  }

  async function check(kind) {
    status.textContent = t("Getting your position…");
    status.className = "";
    try {
      const where = await position();
      const done = await P.api("POST", API + "/checkins", { code: code, kind: kind, lat: where.lat, lon: where.lon });
      const line = kind === "in" ? t("Checked in at %(time)s", { time: P.clock(done.at) })
        : t("Checked out at %(time)s", { time: P.clock(done.at) });
      const patrol = done.unit_callsign ? " · " + t("joint patrol %(callsign)s", { callsign: done.unit_callsign }) : "";
      status.textContent = line + patrol + " · " + t("%(m)s m from the point", { m: Math.round(done.distance_m) });
      status.className = "ok";
      status.setAttribute("data-checked", kind);
      lastSent = Date.now();
      if (kind === "in" && done.unit_id) follow(); else stopFollowing();
      loadShifts();
    } catch (error) {
      status.textContent = t("Refused: %(reason)s", { reason: error.message });
      status.className = "field-error";
      status.setAttribute("data-checked", "refused");
    }
  }

  async function showPoint() {
    if (!code) return;
    try {
      const point = await P.api("GET", API + "/checkins/point?code=" + encodeURIComponent(code));
      document.getElementById("vol-point").textContent = t("Point %(point)s of plan %(plan)s (%(station)s)", {
        point: point.point, plan: point.plan_id, station: point.station_code,
      });
    } catch (error) {
      document.getElementById("vol-point").textContent = t("Refused: %(reason)s", { reason: error.message });
    }
  }

  function shiftItem(shift) {
    const head = when(shift.starts_at) + " – " + P.clock(shift.ends_at) + " · " +
      t("police group %(n)s", { n: shift.group_no }) + " · " + shift.point_kind + " " + shift.point_id;
    const children = [el("span", { text: head })];
    if (shift.mine) {
      children.push(el("span", { class: "pill", text: t("signed up") }));
    } else if (shift.signed_up < shift.max_people) {
      children.push(el("button", {
        type: "button", class: "small", text: t("Sign up"),
        onclick: function () {
          P.api("POST", API + "/shifts/" + shift.id + "/signups", {}).then(loadShifts)
            .catch(function (error) { window.alert(error.message); });
        },
      }));
    }
    if (shift.short_by > 0) children.push(el("span", { class: "pill warn", text: t("short by %(n)s", { n: shift.short_by }) }));
    return el("li", { "data-shift": String(shift.id) }, children);
  }

  async function loadShifts() {
    const list = document.getElementById("vol-shifts");
    try {
      const shifts = await P.api("GET", API + "/me/shifts");
      list.replaceChildren.apply(list, shifts.length ? shifts.map(shiftItem) : [el("li", { class: "muted", text: t("No shifts planned.") })]);
    } catch (error) {
      list.replaceChildren(el("li", { class: "muted", text: error.message }));
    }
    root.setAttribute("data-shifts-ready", "1");
  }

  function clueItem(clue) {
    const outcome = outcomeLabel(clue.outcome);
    const parts = [
      el("span", { class: "small muted", text: when(clue.created_at) }),
      el("span", { text: clue.text || t("(photo)") }),
      el("span", { class: "pill", "data-outcome": clue.outcome, text: outcome }),
    ];
    if (clue.reason) parts.push(el("span", { class: "small", text: clue.reason }));
    if (clue.points) parts.push(el("span", { class: "pill ok", text: t("+%(n)s points", { n: clue.points }) }));
    return el("li", { "data-clue": String(clue.id) }, parts);
  }

  async function loadClues() {
    const list = document.getElementById("vol-clues");
    const clues = await P.api("GET", API + "/me/clues");
    list.replaceChildren.apply(list, clues.length ? clues.map(clueItem) : [el("li", { class: "muted", text: t("No clues yet.") })]);
    const points = await P.api("GET", API + "/me/points");
    document.getElementById("vol-points-total").textContent = t("%(n)s points", { n: points.total });
    root.setAttribute("data-clues-ready", "1");
  }

  async function sendClue(event) {
    event.preventDefault();
    const error = document.getElementById("vol-clue-error");
    error.textContent = "";
    const form = new FormData();
    const text = document.getElementById("vol-clue-text").value.trim();
    const place = document.getElementById("vol-clue-place").value.trim();
    if (text) form.append("text", text);
    if (place) form.append("place_text", place);
    Array.prototype.forEach.call(document.getElementById("vol-clue-photo").files, function (file) {
      form.append("photos", file);
    });
    const response = await fetch(API + "/clues", {
      method: "POST", body: form, credentials: "same-origin",
      headers: { "X-CSRF-Token": P.csrfToken(), "Accept": "application/json" },
    });
    if (!response.ok) {
      const problem = await response.json().catch(function () { return {}; });
      error.textContent = problem.detail || response.statusText;
      return;
    }
    event.target.reset();
    loadClues();
  }

  P.i18nReady.then(function () {
    document.getElementById("vol-check-in").addEventListener("click", function () { check("in"); });
    document.getElementById("vol-check-out").addEventListener("click", function () { check("out"); });
    document.getElementById("vol-clue-form").addEventListener("submit", sendClue);
    showPoint();
    P.api("GET", API + "/me").then(function (me) {
      document.getElementById("vol-team-link").hidden = !me.leads_team_id;
    }).catch(function () {});
    loadShifts();
    loadClues().catch(function () {});
    P.api("GET", API + "/leaderboard").then(function (rows) {
      const list = document.getElementById("vol-board");
      list.replaceChildren.apply(list, rows.map(function (row) {
        return el("li", { "data-team": String(row.team_id) }, [
          el("span", { text: row.name }),
          el("span", { class: "pill", text: t("%(n)s points", { n: row.points }) }),
        ]);
      }));
      root.setAttribute("data-board-ready", "1");
    }).catch(function () {});
  });
})();
