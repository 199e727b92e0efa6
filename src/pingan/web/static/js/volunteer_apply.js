/* The public application page: sends the form to the community API as JSON. */
(function () {
  "use strict";
  const P = window.pingan;
  const form = document.getElementById("apply-form");
  if (!form) return;

  function value(id) { return document.getElementById(id).value.trim(); }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    const error = document.getElementById("apply-error");
    const status = document.getElementById("apply-status");
    error.textContent = "";
    status.textContent = "";
    const skills = Array.prototype.map.call(form.querySelectorAll("input[name=skill]:checked"), function (box) { return box.value; });
    const place = document.getElementById("apply-grid");
    const chosen = place.options[place.selectedIndex];
    const body = {
      station_code: chosen ? chosen.getAttribute("data-station") : "", name: value("apply-name"), phone: value("apply-phone"),
      skills: skills, availability: value("apply-availability"),
    };
    if (value("apply-grid")) body.grid_code = value("apply-grid");
    if (value("apply-id")) body.id_number = value("apply-id");
    try {
      await P.api("POST", "/api/v1/community/applications", body);
      form.reset();
      status.textContent = P.t("Thank you. Your application is in; an officer of your station will call you.");
    } catch (problem) {
      error.textContent = problem.message;
    }
  });
})();
