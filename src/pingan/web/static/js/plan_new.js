/* The chief's plan page: post the request (202 + a job), follow the job's progress in a
   <progress> bar, then show the plan's coverage and posts. Text nodes only (pingan.el). */
(function () {
  "use strict";
  const P = window.pingan;
  const root = document.getElementById("plan-new-page");
  if (!root) return;
  const t = P.t;
  const el = P.el;

  function value(id) { return document.getElementById(id).value; }

  function stageLabel(message) {
    const labels = {
      queued: t("queued"),
      started: t("started"),
      demand: t("weighing the demand"),
      stationing: t("stationing the groups"),
      routes: t("laying the hot-spot loops"),
      beats: t("drawing the beats"),
      storing: t("storing the plan"),
      done: t("done"),
    };
    return labels[message] || message;
  }

  function showPlan(plan) {
    const tiers = Object.keys(plan.coverage).map(function (key) {
      return el("li", { text: t("%(share)s of demand within %(s)s s", {
        share: Math.round(plan.coverage[key] * 100) + "%", s: key }) });
    });
    const posts = plan.posts.map(function (post) {
      return el("li", { text: t("group %(g)s at road node %(n)s", { g: post.group, n: post.node }) });
    });
    const result = document.getElementById("pn-result");
    result.replaceChildren(
      el("h3", { text: t("Plan %(id)s", { id: plan.id }) }),
      el("ul", {}, tiers),
      el("ul", {}, posts),
      el("a", { href: "/dashboard", text: t("Open the dashboard") })
    );
    root.setAttribute("data-plan", String(plan.id));
  }

  async function follow(url) {
    const bar = document.getElementById("pn-progress");
    const message = document.getElementById("pn-message");
    for (;;) {
      const job = await P.api("GET", url);
      bar.value = job.progress;
      message.textContent = stageLabel(job.message);
      if (job.status === "done") { showPlan(await P.api("GET", job.result_url)); return; }
      if (job.status === "failed" || job.status === "cancelled") {
        message.textContent = job.status === "failed" ? t("failed: %(why)s", { why: job.error || "" }) : t("cancelled");
        return;
      }
      await new Promise(function (resolve) { setTimeout(resolve, 1000); });
    }
  }

  async function send(event) {
    event.preventDefault();
    const error = document.getElementById("pn-error");
    error.textContent = "";
    try {
      const job = await P.api("POST", "/api/v1/plans", {
        city: value("pn-city"),
        station_code: value("pn-station") || null,
        groups: Number(value("pn-groups")),
        shift: value("pn-shift"),
        time_limit_s: Number(value("pn-limit")),
      });
      document.getElementById("pn-job").hidden = false;
      await follow(job.url);
    } catch (failure) {
      error.textContent = failure.message || String(failure);
    }
  }

  document.getElementById("pn-form").addEventListener("submit", send);
  root.setAttribute("data-ready", "1");
})();
