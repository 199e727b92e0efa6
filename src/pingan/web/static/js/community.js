/* The volunteer lead's page: roster (approve, activate, pause), shifts short of people,
   hours of the last 7 days, and the clues to triage. Text nodes only (pingan.el): names,
   clue texts and team names are typed by users. */
(function () {
  "use strict";
  const P = window.pingan;
  const root = document.getElementById("community");
  if (!root) return;
  const t = P.t;
  const el = P.el;
  const API = "/api/v1/community";
  const canWrite = root.getAttribute("data-can-write") === "1";
  const canTriage = root.getAttribute("data-can-triage") === "1";
  const NEXT = { applied: "approved", approved: "active", active: "paused", paused: "active" };
  function statusLabel(key) {
    const labels = {
      applied: t("applied"), approved: t("approved"), active: t("active"), paused: t("paused"), left: t("left"),
      new: t("new"), linked: t("linked to a case"), useful: t("useful, kept on file"), duplicate: t("duplicate"), rejected: t("rejected"),
    };
    return labels[key] || key;
  }

  function actionLabel(next) {
    if (next === "approved") return t("Approve");
    if (next === "paused") return t("Pause");
    return t("Activate");
  }

  function fill(id, rows) {
    const body = document.querySelector("#" + id + " tbody");
    body.replaceChildren.apply(body, rows);
  }

  function when(iso) {
    return new Date(iso).toLocaleString(P.lang, { month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false });
  }

  function rosterRow(v) {
    const action = canWrite && NEXT[v.status] ? el("button", {
      type: "button", class: "small", text: actionLabel(NEXT[v.status]),
      onclick: function () {
        P.api("POST", API + "/volunteers/" + v.id + "/status", { status: NEXT[v.status] }).then(loadRoster)
          .catch(function (error) { window.alert(error.message); });
      },
    }) : null;
    return el("tr", { "data-volunteer": String(v.id) }, [
      el("td", { text: v.name }), el("td", { text: v.phone }), el("td", { text: v.team_name || "" }),
      el("td", { text: v.grid_code || "" }), el("td", { text: v.skills.join(", ") }),
      el("td", { text: statusLabel(v.status) }), el("td", {}, [action]),
    ]);
  }

  async function loadRoster() {
    const page = await P.api("GET", API + "/volunteers?limit=300");
    fill("cm-roster", page.items.map(rosterRow));
  }

  async function loadShifts() {
    showShifts(await P.api("GET", API + "/shifts?short_only=true"));
  }

  function showShifts(shifts) {
    fill("cm-shifts", shifts.map(function (s) {
      return el("tr", { "data-shift": String(s.id) }, [
        el("td", { text: when(s.starts_at) }), el("td", { text: s.point_kind + " " + s.point_id }),
        el("td", { text: String(s.group_no) }), el("td", { class: "r", text: s.signed_up + " / " + s.min_people }),
        el("td", { class: "r warn", text: String(s.short_by) }),
      ]);
    }));
  }

  async function loadHours() {
    showHours(await P.api("GET", API + "/hours"));
  }

  function showHours(report) {
    fill("cm-hours", report.by_volunteer.map(function (r) {
      return el("tr", {}, [
        el("td", { text: r.name || "" }), el("td", { class: "r", text: String(r.hours) }),
        el("td", { class: "r", text: String(r.shifts) }), el("td", { class: "r", text: String(r.late) }),
        el("td", { class: "r", text: String(r.missing_check_out) }),
      ]);
    }));
    fill("cm-team-hours", report.by_team.map(function (r) {
      return el("tr", {}, [el("td", { text: r.name || "" }), el("td", { class: "r", text: String(r.hours) }), el("td", { class: "r", text: String(r.shifts) })]);
    }));
  }

  function triageButtons(clue) {
    if (!canTriage || clue.status !== "new") return [];
    function send(body) {
      P.api("POST", API + "/clues/" + clue.id + "/triage", body).then(loadClues)
        .catch(function (error) { window.alert(error.message); });
    }
    const incident = el("input", { type: "number", min: "1", class: "small", "aria-label": t("Incident number"), placeholder: t("Incident no.") });
    return [
      incident,
      el("button", { type: "button", class: "small", text: t("Link"), onclick: function () {
        send({ status: "linked", incident_id: Number(incident.value) });
      } }),
      el("button", { type: "button", class: "small", text: t("Useful"), onclick: function () { send({ status: "useful" }); } }),
      el("button", { type: "button", class: "small", text: t("Reject"), onclick: function () {
        const reason = window.prompt(t("Reason"));
        if (reason) send({ status: "rejected", reason: reason });
      } }),
    ];
  }

  async function loadClues() {
    showClues(await P.api("GET", API + "/clues"));
  }

  function showClues(clues) {
    const list = document.getElementById("cm-clues");
    list.replaceChildren.apply(list, clues.map(function (c) {
      return el("li", { "data-clue": String(c.id) }, [
        el("span", { class: "small muted", text: when(c.created_at) }),
        el("span", { text: c.text || t("(photo)") }),
        el("span", { class: "small", text: c.place_text || "" }),
        el("span", { class: "pill", "data-status": c.status, text: statusLabel(c.status) }),
      ].concat(triageButtons(c)));
    }));
  }

  /* A volunteer lead: one call gives their team's roster, the shifts to fill, hours, clues. */
  async function loadLead() {
    let view;
    try {
      view = await P.api("GET", API + "/lead");
    } catch (error) {
      const box = document.getElementById("cm-error");
      box.textContent = error.message;
      box.hidden = false;
      return;
    }
    document.getElementById("cm-roster-title").textContent = t("Roster") + " · " + view.team.name;
    fill("cm-roster", view.roster.map(rosterRow));
    showShifts(view.shifts_to_fill);
    showHours(view.hours);
    showClues(view.clues);
  }

  P.i18nReady.then(function () {
    const loads = root.getAttribute("data-lead") === "1" ? [loadLead()]
      : [loadRoster(), loadShifts(), loadHours(), loadClues()];
    Promise.allSettled(loads).then(function () {
      root.setAttribute("data-ready", "1");
    });
  });
})();
