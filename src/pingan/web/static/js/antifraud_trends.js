/* The anti-fraud desk's trends: fraud incidents and losses against the same weeks last
   year (exact Poisson test's verdict), and the most-asked scams (demand).
   DOM only through pingan.el (text nodes, never parsed from strings). */
(function () {
  "use strict";
  const P = window.pingan;
  const root = document.getElementById("af-trends");
  if (!root) return;
  const t = P.t;
  const el = P.el;
  const WEEKS = 8;
  const yoyBody = document.querySelector("#af-yoy-table tbody");
  const demandTop = document.getElementById("af-demand-top");
  const demandBody = document.querySelector("#af-demand-table tbody");

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function money(value) {
    return Number(value || 0).toLocaleString("en-US");
  }

  function percent(change) {
    const pct = Math.round(change * 100);
    if (pct === 0) return "±0%";
    return pct > 0 ? "+" + pct + "%" : "−" + -pct + "%";
  }

  function pValue(p) {
    return p < 0.001 ? "p < 0.001" : "p = " + Number(p.toPrecision(2));
  }

  function verdict(r) {
    if (r.fraud_incidents === 0 && r.fraud_incidents_last_year === 0) return t("no fraud incidents either year");
    if (r.yoy_change === null) return t("new: none on the same days last year");
    const words = r.yoy_significant
      ? t("%(change)s, beyond chance (%(p)s)", { change: percent(r.yoy_change), p: pValue(r.yoy_p_value) })
      : t("%(change)s, within chance (%(p)s)", { change: percent(r.yoy_change), p: pValue(r.yoy_p_value) });
    return words;
  }

  function typeLabel(type) {
    return {
      rebate_task: t("Rebate tasks (刷单返利)"),
      investment: t("Fake investment (虚假投资理财)"),
      fake_shopping: t("Fake shopping or services (虚假购物、服务)"),
      customer_service: t("Fake customer service (冒充电商物流客服)"),
      loan: t("Fake loan (虚假贷款)"),
      credit_record: t("Fake credit record fix (虚假征信)"),
      impersonating_acquaintance: t("Impersonating a boss or acquaintance (冒充领导、熟人)"),
      impersonating_officials: t("Impersonating police or officials (冒充公检法)"),
      romance: t("Online romance (网络婚恋、交友)"),
      game_trade: t("Game item trade (网络游戏虚假交易)"),
    }[type] || type;
  }

  function row(cells, attrs) {
    return el("tr", attrs || null, cells.map(function (c) { return typeof c === "string" ? el("td", { text: c }) : c; }));
  }

  function empty(body, columns, text) {
    body.appendChild(el("tr", null, [el("td", { colspan: String(columns), text: text })]));
  }

  async function loadYoy() {
    clear(yoyBody);
    try {
      const rows = await P.api("GET", "/api/v1/antifraud/figures?weeks=" + WEEKS);
      rows.slice().reverse().forEach(function (r) {
        yoyBody.appendChild(row([
          r.station,
          r.week,
          el("td", { class: "af-yoy-now", text: String(r.fraud_incidents) }),
          String(r.fraud_incidents_last_year),
          el("td", { class: "af-yoy-verdict" + (r.yoy_significant ? " significant" : ""), "data-significant": String(r.yoy_significant) }, [
            verdict(r),
            r.fraud_incidents_simulated
              ? el("span", { class: "small muted af-simulated", text: " · " + t("%(n)s simulated (demo history)", { n: r.fraud_incidents_simulated }) })
              : null,
          ]),
          money(r.fraud_losses_yuan),
          money(r.fraud_losses_last_year_yuan),
          el("td", { class: "af-protected", "data-yuan": String(r.amount_stopped_yuan), text: money(r.amount_stopped_yuan) }),
        ], { "data-station": r.station, "data-week": r.week }));
      });
      if (!rows.length) empty(yoyBody, 8, t("No figures yet."));
    } catch (error) {
      empty(yoyBody, 8, error.message);
    }
  }

  async function loadDemand() {
    clear(demandTop);
    clear(demandBody);
    try {
      const data = await P.api("GET", "/api/v1/antifraud/demand?weeks=" + WEEKS);
      data.top.forEach(function (d) {
        demandTop.appendChild(el("li", { "data-type": d.fraud_type }, [
          el("strong", { text: typeLabel(d.fraud_type) }),
          " ",
          el("span", { class: "af-demand-count", text: t("%(n)s questions", { n: d.questions }) }),
        ]));
      });
      if (!data.top.length) demandTop.appendChild(el("li", { text: t("No questions yet.") }));
      data.by_week.slice().reverse().forEach(function (d) {
        demandBody.appendChild(row([
          d.week, typeLabel(d.fraud_type), String(d.questions), String(d.consultations), String(d.chat), String(d.answered),
        ]));
      });
      if (!data.by_week.length) empty(demandBody, 6, t("No questions yet."));
    } catch (error) {
      demandTop.appendChild(el("li", { text: error.message }));
    }
  }

  function load() {
    return Promise.all([loadYoy(), loadDemand()]).then(function () {
      root.setAttribute("data-ready", String(Date.now()));
    });
  }

  P.i18nReady.then(function () {
    load();
    /* the queue's one-click outcomes change the amounts: refresh with them */
    document.addEventListener("antifraud:changed", load);
    setInterval(load, 60000);
  });
})();
