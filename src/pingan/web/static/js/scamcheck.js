/* The citizen's "是不是诈骗？ / Is this a scam?" box on the report page: the tier and the
   advice at once; red says call 110 now (the station's anti-fraud desk is warned too).
   DOM only through pingan.el (text nodes, never parsed from strings). */
(function () {
  "use strict";
  const P = window.pingan;
  const form = document.getElementById("scam-form");
  if (!form) return;
  const t = P.t;
  const el = P.el;
  const box = document.getElementById("scam-result");
  const error = document.getElementById("scam-error");
  const submit = document.getElementById("scam-submit");

  function tierLabel(tier) {
    return {
      red: t("Red: money is moving"),
      orange: t("Orange: in contact with a scammer"),
      yellow: t("Yellow: a suspicious message"),
      none: t("No sign of a scam"),
    }[tier] || tier;
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
    }[type] || type || "";
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function list(className, items) {
    return el("ul", { class: className }, items.map(function (text) { return el("li", { text: text }); }));
  }

  function render(r, askedCallback) {
    const zh = P.lang.indexOf("zh") === 0;
    clear(box);
    if (r.call_110) {
      box.appendChild(el("div", { class: "scam-110", id: "scam-110", role: "alert" }, [
        el("strong", { text: t("Call 110 now.") }),
        " ",
        el("span", { text: t("Stop: do not transfer any more money, and hang up on the caller.") }),
        el("a", { class: "button primary big", href: "tel:110", text: t("Call 110") }),
      ]));
    }
    box.appendChild(el("p", { class: "scam-verdict" }, [
      el("span", { class: "chip af-tier-" + r.risk, id: "scam-tier", "data-risk": r.risk, text: tierLabel(r.risk) }),
      " ",
      r.fraud ? el("strong", { id: "scam-type", "data-type": r.fraud_type || "", text: typeLabel(r.fraud_type) }) : null,
    ]));
    box.appendChild(el("p", { class: "small", text: zh ? r.reason_zh : r.reason_en }));
    if (r.signs.length) {
      box.appendChild(el("h3", { text: t("What gives it away") }));
      box.appendChild(el("ul", { class: "scam-signs" }, r.signs.map(function (s) {
        return el("li", null, [el("strong", { text: zh ? s.label_zh : s.label_en }), " — ", el("q", { text: s.evidence })]);
      })));
    }
    const advice = zh ? r.advice.zh : r.advice.en;
    if (advice.length) {
      box.appendChild(el("h3", { text: t("What to do now") }));
      box.appendChild(list("scam-advice", advice));
    }
    if (r.desk_warned) {
      box.appendChild(el("p", {
        class: "scam-desk", id: "scam-desk",
        text: askedCallback ? t("The anti-fraud desk has your question and will call you back.") : t("The anti-fraud desk has been alerted."),
      }));
    }
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    error.textContent = "";
    const text = document.getElementById("scam-text").value;
    const phone = document.getElementById("scam-phone").value.trim();
    if (!text.trim()) {
      error.textContent = t("Describe what is happening first.");
      document.getElementById("scam-text").focus();
      return;
    }
    const body = { text: text };
    if (phone) body.callback_phone = phone;
    const lat = document.getElementById("lat");
    const lon = document.getElementById("lon");
    if (lat && lon && lat.value && lon.value) {
      body.lat = parseFloat(lat.value);
      body.lon = parseFloat(lon.value);
    }
    submit.disabled = true;
    form.setAttribute("aria-busy", "true");
    try {
      render(await P.api("POST", "/api/v1/antifraud/consultations", body), Boolean(phone));
      box.setAttribute("data-ready", String(Date.now()));
    } catch (failure) {
      clear(box);
      error.textContent = failure.status === 429
        ? t("Too many questions from your connection. Try again later; if money is moving, call 110 now.")
        : (failure.message || t("The question could not be sent. If money is moving, call 110 now."));
    } finally {
      submit.disabled = false;
      form.removeAttribute("aria-busy");
    }
  });
})();
