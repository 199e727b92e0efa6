/* Shared helpers of the fire officer's pages: labels for categories, statuses and flags.
   DOM only through pingan.el (never parsed from strings). */
(function () {
  "use strict";
  const P = window.pingan;
  const t = P.t;

  /* Built when asked, so that the catalogue has arrived (pingan.i18nReady). */
  function categories() { return {
    mall: t("Mall"), hotel: t("Hotel"), high_rise: t("High-rise"), hospital: t("Hospital"),
    school: t("School"), ktv: t("KTV"), bar: t("Bar"), nightclub: t("Nightclub"),
    internet_cafe: t("Internet café"), chess_room: t("Chess room"), cinema: t("Cinema"),
    restaurant: t("Restaurant"), gaming: t("Gaming centre"), factory: t("Factory"),
    warehouse: t("Warehouse"), government: t("Government body"), residential: t("Residential"),
    other: t("Other"),
  }; }
  function flags() { return {
    understaffed: t("fewer than two on duty"), uncertified: t("uncertified operator"),
    certificate_expired: t("expired certificate"), manual_mode: t("system left in manual"),
    alarm_confirmed_late: t("alarm confirmed late"), fault_not_reported: t("fault not reported"),
    entries_gap: t("no log entry for over 2 h"),
  }; }
  function statuses() { return {
    open: t("open"), rectifying: t("rectifying"), closed: t("closed"), overdue: t("overdue"),
  }; }
  function sources() { return { manual: t("entered"), imported: t("imported"), osm: t("OpenStreetMap"), simulated: t("simulated") }; }

  function category(c) { return categories()[c] || c; }
  function flag(f) { return flags()[f] || f; }
  function status(s) { return statuses()[s] || s; }
  function source(s) { return sources()[s] || s; }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function day(iso) {
    if (!iso) return "–";
    if (iso.length === 10) return iso;
    return new Date(iso).toLocaleDateString(P.lang);
  }

  function when(iso) {
    if (!iso) return "–";
    return new Date(iso).toLocaleString(P.lang, { dateStyle: "short", timeStyle: "short" });
  }

  function fill(list, items, render, emptyText) {
    clear(list);
    if (!items.length) {
      list.appendChild(P.el("li", { class: "muted", text: emptyText || t("None") }));
      return;
    }
    items.forEach(function (item) { list.appendChild(render(item)); });
  }

  function siteLink(id, name) {
    return P.el("a", { href: "/fire/sites/" + encodeURIComponent(id), text: name });
  }

  function hazardItem(h) {
    const shown = P.el("span", { class: "lg-status " + h.status, text: status(h.status) });
    const parts = [siteLink(h.site_id, h.site_name), " · ", h.item_code + " ",
      P.el("span", { class: "small", text: (P.lang === "zh-CN" ? h.item_zh : h.item_en) || "" }), " ", shown,
      P.el("span", { class: "small muted", text: " " + t("due %(day)s", { day: day(h.deadline) }) })];
    if (h.severity === "major") parts.push(P.el("span", { class: "lg-major", text: " " + t("major") }));
    if (h.days_overdue) parts.push(P.el("span", { class: "lg-late", text: " " + t("%(n)s days overdue", { n: h.days_overdue }) }));
    if (h.escalated) parts.push(P.el("span", { class: "small", text: " " + t("escalated to the chief") }));
    return P.el("li", { "data-hazard": String(h.id) }, parts);
  }

  window.pingan.ledgers = {
    category: category, flag: flag, status: status, source: source,
    clear: clear, day: day, when: when, fill: fill, siteLink: siteLink, hazardItem: hazardItem,
  };
})();
