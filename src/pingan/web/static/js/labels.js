/* Names of types, statuses and unit kinds for the page scripts (translated through t). */
(function () {
  "use strict";
  const t = pingan.t;
  function typeLabel(type) {
    const labels = {
      "theft.ebike": t("E-bike theft"), "theft.bicycle": t("Bicycle theft"), "theft.phone": t("Phone theft"),
      "theft.burglary": t("Burglary"), "theft.vehicle": t("Vehicle theft"), "theft.other": t("Other theft"),
      "theft": t("Theft"), "robbery": t("Robbery"), "fraud": t("Fraud"), "assault": t("Assault"),
      "dispute": t("Dispute"), "noise": t("Noise"), "fire_hazard": t("Fire hazard"), "traffic": t("Traffic"),
      "missing_person": t("Missing person"), "suspicious": t("Suspicious activity"), "vice": t("Vice"),
      "other": t("Other"),
    };
    return labels[type] || type;
  }
  function statusLabel(status, draft) {
    if (draft && status === "received") return t("Draft from chat");
    const labels = {
      "received": t("New"), "confirmed": t("Confirmed"), "dispatched": t("Dispatched"),
      "on_scene": t("On scene"), "resolved": t("Resolved"), "closed": t("Closed"),
      "rejected": t("Rejected"), "duplicate": t("Duplicate"),
    };
    return labels[status] || status;
  }
  function unitStatusLabel(status) {
    const labels = {
      "available": t("Available"), "en_route": t("En route"), "on_scene": t("On scene"),
      "off_duty": t("Off duty"), "unavailable": t("Unavailable"),
    };
    return labels[status] || status;
  }
  function unitKindLabel(kind) {
    const labels = {
      "patrol_car": t("Patrol car"), "ebike_patrol": t("E-bike patrol"), "foot_patrol": t("Foot patrol"),
      "special_police": t("Special police"), "joint_patrol": t("Joint patrol"),
      "key_unit_post": t("Key-unit guard post"), "volunteer_team": t("Volunteer team"),
    };
    return labels[kind] || kind;
  }
  function channelLabel(channel) {
    const labels = { "api": t("Web / app"), "open311": t("Open311"), "chat": t("Group chat"), "hotline": t("110 hotline"), "officer": t("Officer") };
    return labels[channel] || channel;
  }
  function reasonLabel(reason) {
    const labels = {
      "en_route": t("on its way elsewhere"), "on_scene": t("on scene elsewhere"), "off_duty": t("off duty"),
      "unavailable": t("unavailable"), "stale_position": t("position too old"), "ineligible": t("not eligible"),
    };
    return labels[reason] || reason;
  }
  window.pingan = Object.assign(window.pingan || {}, {
    labels: { type: typeLabel, status: statusLabel, unitStatus: unitStatusLabel, unitKind: unitKindLabel, channel: channelLabel, reason: reasonLabel },
  });
})();
