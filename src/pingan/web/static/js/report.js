/* The citizen's report form: a pin on the map, upload progress, errors next to fields. */
(function () {
  "use strict";
  const form = document.getElementById("report-form");
  if (!form) return;
  const t = pingan.t;
  const latInput = document.getElementById("lat");
  const lonInput = document.getElementById("lon");
  const pinText = document.getElementById("pin-text");
  const pinClear = document.getElementById("pin-clear");
  const cityNode = document.getElementById("city-data");
  let marker = null;
  let map = null;

  function showPin(lat, lon) {
    latInput.value = lat.toFixed(6);
    lonInput.value = lon.toFixed(6);
    if (pinText) pinText.textContent = t("Pin at %(lat)s, %(lon)s", { lat: lat.toFixed(5), lon: lon.toFixed(5) });
    if (pinClear) pinClear.hidden = false;
    const icon = L.divIcon({ className: "", html: pingan.el("div", { class: "pin-marker" }), iconSize: [26, 26], iconAnchor: [13, 26] });
    if (marker) marker.setLatLng([lat, lon]);
    else if (map) {
      marker = L.marker([lat, lon], { icon: icon, draggable: true, keyboard: true, title: t("Where it happened") }).addTo(map);
      marker.on("dragend", function () { const p = marker.getLatLng(); showPin(p.lat, p.lng); });
    }
    clearError("location");
  }

  pingan.i18nReady.then(function () {
    if (!cityNode) return;
    const city = JSON.parse(cityNode.textContent);
    const made = pingan.map.create(document.getElementById("pin-map"), city, {
      theme: "light",
      roadsUrl: function (zoom) { return "/map/" + encodeURIComponent(city.name) + "/roads.geojson?zoom=" + zoom; },
    });
    map = made.map;
    map.on("click", function (e) { showPin(e.latlng.lat, e.latlng.lng); });
    if (latInput.value && lonInput.value) showPin(parseFloat(latInput.value), parseFloat(lonInput.value));
    made.ready.then(function () { document.getElementById("pin-map").dataset.ready = "1"; });
  });

  if (pinClear) {
    pinClear.addEventListener("click", function () {
      latInput.value = ""; lonInput.value = "";
      if (marker) { map.removeLayer(marker); marker = null; }
      pinText.textContent = t("No pin yet.");
      pinClear.hidden = true;
    });
  }

  function errorNode(name) { return form.querySelector('[data-error-for="' + name + '"]') || document.getElementById("err-" + name); }
  function fieldNodes(name) {
    if (name === "type") return [document.getElementById("field-type")];
    if (name === "location") return [document.getElementById("field-location"), document.getElementById("address")];
    const node = document.getElementById(name);
    return node ? [node] : [];
  }
  function clearError(name) {
    const node = errorNode(name);
    if (node) node.textContent = "";
    fieldNodes(name).forEach(function (n) { if (n) n.removeAttribute("aria-invalid"); });
  }
  function showErrors(errors) {
    ["form", "type", "description", "location", "photo", "name", "phone"].forEach(clearError);
    let first = null;
    Object.keys(errors).forEach(function (name) {
      const node = errorNode(name);
      if (node) node.textContent = errors[name];
      fieldNodes(name).forEach(function (n) { if (n) n.setAttribute("aria-invalid", "true"); });
      if (!first) first = name;
    });
    if (first) {
      const target = first === "type" ? form.querySelector('input[name="type"]') : (fieldNodes(first)[0] || errorNode(first));
      if (target && target.focus) target.focus();
      if (target && target.scrollIntoView) target.scrollIntoView({ block: "center" });
    }
  }

  form.addEventListener("change", function (e) {
    if (e.target.name === "type") clearError("type");
  });

  const progressWrap = document.getElementById("progress-wrap");
  const progress = document.getElementById("progress");
  const progressLabel = document.getElementById("progress-label");
  const submit = document.getElementById("submit");

  function setProgress(fraction, label) {
    progressWrap.classList.remove("hidden");
    const pct = Math.round(fraction * 100);
    progress.firstElementChild.style.width = pct + "%";
    progress.setAttribute("aria-valuenow", String(pct));
    progressLabel.textContent = label;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const data = new FormData(form);
    const photo = document.getElementById("photo");
    if (!photo.files.length) data.delete("photo");
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("Accept", "application/json");
    submit.disabled = true;
    form.setAttribute("aria-busy", "true");
    setProgress(0.02, t("Sending your report…"));
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) setProgress(0.9 * e.loaded / e.total, t("Sending your report… %(pct)s%", { pct: Math.round(100 * e.loaded / e.total) }));
    };
    xhr.upload.onload = function () { setProgress(0.92, t("Filing the report…")); };
    xhr.onload = function () {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch (err) { body = null; }
      if (body && body.ok) {
        setProgress(1, t("Report filed. Opening its status page…"));
        window.location.assign(body.url);
        return;
      }
      submit.disabled = false;
      form.removeAttribute("aria-busy");
      progressWrap.classList.add("hidden");
      if (body && body.errors) showErrors(body.errors);
      else showErrors({ form: (body && body.detail) || t("The report could not be sent. Check your connection and try again.") });
    };
    xhr.onerror = function () {
      submit.disabled = false;
      form.removeAttribute("aria-busy");
      progressWrap.classList.add("hidden");
      showErrors({ form: t("The report could not be sent. Check your connection and try again.") });
    };
    xhr.send(data);
  });
})();
