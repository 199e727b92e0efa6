/* The anti-fraud desk: warning queue with timers and outcomes, screening box, figures.
   DOM only through pingan.el / pingan.label (never parsed from strings). */
(function () {
  "use strict";
  const P = window.pingan;
  const t = P.t;
  const el = P.el;
  const root = document.getElementById("antifraud");
  if (!root) return;
  const canWrite = root.getAttribute("data-can-write") === "1";
  const queueList = document.getElementById("af-queue-list");
  const overdueCount = document.getElementById("af-overdue");
  const figuresBody = document.querySelector("#af-figures-table tbody");
  const TIERS = ["red", "orange", "yellow"];
  let items = [];

  function tierLabel(tier) {
    return { red: t("Red"), orange: t("Orange"), yellow: t("Yellow"), none: t("None") }[tier] || tier;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function timerText(dueIso) {
    const left = (new Date(dueIso).getTime() - Date.now()) / 1000;
    if (left >= 0) return t("due in %(time)s", { time: P.duration(left) });
    return t("overdue by %(time)s", { time: P.duration(-left) });
  }

  function tickTimers() {
    let overdue = 0;
    document.querySelectorAll(".af-timer").forEach(function (node) {
      const late = new Date(node.getAttribute("data-due")).getTime() < Date.now();
      node.textContent = timerText(node.getAttribute("data-due"));
      const card = node.closest(".af-warning");
      if (card) card.classList.toggle("overdue", late);
      if (late) overdue += 1;
    });
    overdueCount.textContent = t("%(n)s overdue", { n: overdue });
    overdueCount.setAttribute("data-overdue", String(overdue));
  }

  /* One click: a dissuasion or a payment stopped means the person was reached, so a warning
     not yet taken is taken and a reached phone contact recorded before the outcome. */
  async function outcome(w, body, status) {
    const base = "/api/v1/antifraud/warnings/" + w.id;
    try {
      if (w.status === "new") await P.api("POST", base + "/assign", {});
      const reached = (w.contacts || []).some(function (c) { return c.reached; });
      if (!reached) await P.api("POST", base + "/contacts", { channel: "phone", reached: true });
      await P.api("POST", base + "/outcome", body);
      status.textContent = t("Recorded");
      await Promise.all([loadQueue(), loadFigures()]);
      document.dispatchEvent(new CustomEvent("antifraud:changed"));
    } catch (error) {
      status.textContent = error.message;
    }
  }

  function actions(w) {
    const status = el("span", { class: "small af-status", role: "status" });
    const amount = el("input", {
      type: "number", min: "1", step: "1", class: "af-amount",
      "aria-label": t("Amount stopped (yuan)"), placeholder: t("Amount (yuan)"),
    });
    return el("div", { class: "af-actions" }, [
      el("button", {
        type: "button", "data-outcome": "dissuaded", text: t("Dissuaded"),
        onclick: function () { outcome(w, { outcome: "dissuaded" }, status); },
      }),
      amount,
      el("button", {
        type: "button", "data-outcome": "payment_stopped", text: t("Payment stopped"),
        onclick: function () {
          const value = parseInt(amount.value, 10);
          if (!(value > 0)) { status.textContent = t("Give the amount stopped"); return; }
          outcome(w, { outcome: "payment_stopped", amount_yuan: value }, status);
        },
      }),
      status,
    ]);
  }

  function card(w) {
    const who = [w.target_name, w.target_phone].filter(Boolean).join(" · ") || t("Unknown person");
    return el("article", { class: "af-warning tier-" + w.tier + (w.overdue ? " overdue" : ""), "data-id": String(w.id) }, [
      el("div", { class: "af-head" }, [
        el("span", { class: "chip af-tier-" + w.tier, text: tierLabel(w.tier) }),
        el("strong", { class: "af-person", text: who }),
        el("span", { class: "af-type", text: w.fraud_type || "" }),
        el("span", { class: "af-timer mono", "data-due": w.due_at, text: timerText(w.due_at) }),
      ]),
      w.situation ? el("p", { class: "af-situation small", text: w.situation }) : null,
      canWrite ? actions(w) : null,
    ]);
  }

  function renderQueue() {
    clear(queueList);
    if (!items.length) {
      queueList.appendChild(el("p", { class: "queue-empty", text: t("No open warnings.") }));
    }
    TIERS.forEach(function (tier) {
      const group = items.filter(function (w) { return w.tier === tier; });
      if (!group.length) return;
      queueList.appendChild(el("section", { class: "af-group", "data-tier": tier }, [
        el("h3", { text: tierLabel(tier) + " (" + group.length + ")" }),
      ].concat(group.map(card))));
    });
    tickTimers();
  }

  async function loadQueue() {
    try {
      const data = await P.api("GET", "/api/v1/antifraud/warnings");
      items = data.items || [];
      renderQueue();
      root.setAttribute("data-queue-ready", String(Date.now()));
    } catch (error) {
      clear(queueList);
      queueList.appendChild(el("p", { class: "queue-empty", text: error.message }));
    }
  }

  function share(value) {
    return value === null || value === undefined ? "–" : Math.round(value * 100) + "%";
  }

  function money(value) {
    return Number(value || 0).toLocaleString("en-US");
  }

  async function loadFigures() {
    try {
      const rows = await P.api("GET", "/api/v1/antifraud/figures?weeks=1");
      clear(figuresBody);
      rows.forEach(function (r) {
        figuresBody.appendChild(el("tr", null, [
          el("td", { text: r.station }),
          el("td", { text: String(r.red) }),
          el("td", { text: String(r.orange) }),
          el("td", { text: String(r.yellow) }),
          el("td", { text: share(r.contacted_in_time_share) }),
          el("td", { text: P.duration(r.median_first_contact_s) }),
          el("td", { text: share(r.dissuaded_share) }),
          el("td", { class: "af-stopped", text: money(r.amount_stopped_yuan) }),
          el("td", { text: money(r.amount_lost_yuan) }),
        ]));
      });
      if (!rows.length) {
        figuresBody.appendChild(el("tr", null, [el("td", { colspan: "9", text: t("No figures yet.") })]));
      }
      root.setAttribute("data-figures-ready", String(Date.now()));
    } catch (error) {
      clear(figuresBody);
      figuresBody.appendChild(el("tr", null, [el("td", { colspan: "9", text: error.message })]));
    }
  }

  function renderScreening(box, r) {
    const zh = P.lang.indexOf("zh") === 0;
    clear(box);
    box.appendChild(el("p", { class: "af-verdict" }, [
      el("span", { class: "chip af-tier-" + r.risk, id: "af-screen-tier", "data-risk": r.risk, text: tierLabel(r.risk) }),
      " ",
      el("strong", { id: "af-screen-type", "data-type": r.fraud_type || "", text: r.fraud ? (r.fraud_type || "") : t("Not fraud") }),
    ]));
    box.appendChild(el("p", { class: "small", text: zh ? r.reason_zh : r.reason_en }));
    if (r.signs.length) {
      box.appendChild(el("h3", { text: t("Signs") }));
      box.appendChild(el("ul", { class: "af-signs" }, r.signs.map(function (s) {
        return el("li", null, [
          el("strong", { text: zh ? s.label_zh : s.label_en }),
          " — ",
          el("q", { text: s.evidence }),
        ]);
      })));
    }
    const advice = zh ? r.advice.zh : r.advice.en;
    if (advice.length) {
      box.appendChild(el("h3", { text: t("Advice") }));
      box.appendChild(el("ul", { class: "af-advice" }, advice.map(function (a) { return el("li", { text: a }); })));
    }
  }

  document.getElementById("af-screen-form").addEventListener("submit", async function (event) {
    event.preventDefault();
    const box = document.getElementById("af-screen-result");
    const text = document.getElementById("af-screen-text").value;
    try {
      renderScreening(box, await P.api("POST", "/api/v1/antifraud/screen", { text: text }));
    } catch (error) {
      clear(box);
      box.appendChild(el("p", { class: "error", text: error.message }));
    }
  });

  P.i18nReady.then(function () {
    loadQueue();
    loadFigures();
    setInterval(tickTimers, 1000);
    setInterval(loadQueue, 30000);
  });
})();
