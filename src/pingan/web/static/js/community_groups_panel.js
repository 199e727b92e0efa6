/* The group-chat panel on the chief's dashboard: the police–citizen groups where citizens
   asked and no officer has answered yet, oldest first, and this week's figures. Text nodes
   only (pingan.el): group names are typed by users. */
(function () {
  "use strict";
  const P = window.pingan;
  const box = document.getElementById("chat-groups-panel");
  if (!box) return;
  const t = P.t;
  const el = P.el;

  function waitingRow(group) {
    return el("tr", { "data-group": String(group.group_id) }, [
      el("td", { text: group.name }),
      el("td", { text: group.grid_code }),
      el("td", { text: group.officer }),
      el("td", { class: "r", text: String(group.waiting_questions) }),
      el("td", { text: P.ago(group.waiting_since) }),
    ]);
  }

  function weekLine(totals) {
    return t("This week: %(messages)s messages, %(questions)s questions, %(answered)s answered (median %(median)s); %(silent)s groups without an officer message in 7 days", {
      messages: totals.messages,
      questions: totals.questions,
      answered: totals.answered,
      median: P.duration(totals.median_answer_s),
      silent: totals.silent_groups,
    });
  }

  P.i18nReady.then(async function () {
    let waiting;
    let health;
    try {
      waiting = await P.api("GET", "/api/v1/community/groups/unanswered");
      health = await P.api("GET", "/api/v1/community/groups/health");
    } catch (error) {
      box.hidden = true;  // a role without the group registry sees no panel
      return;
    }
    const table = box.querySelector("[data-list]");
    const body = table.querySelector("tbody");
    body.replaceChildren.apply(body, waiting.map(waitingRow));
    table.hidden = waiting.length === 0;
    box.querySelector("[data-empty]").hidden = waiting.length !== 0;
    box.querySelector("[data-week]").textContent = weekLine(health.totals);
    box.hidden = false;
  });
})();
