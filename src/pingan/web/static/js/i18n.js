/* pingan page helpers: translations for scripts, CSRF-aware API calls, small formatters. */
(function () {
  "use strict";
  const lang = document.documentElement.lang || "zh-CN";
  let messages = {};

  // the catalogue, asked again (up to three times, backing off) when a busy server refuses it,
  // so a page never falls back to English for a moment's 503
  function loadCatalogue(attempt) {
    return fetch("/i18n/" + encodeURIComponent(lang) + ".json", { credentials: "same-origin" })
      .then(function (r) {
        if (r.ok) return r.json();
        throw new Error("catalogue " + r.status);
      })
      .catch(function (err) {
        if (attempt >= 3) throw err;
        return new Promise(function (resolve) { setTimeout(resolve, 300 * (attempt + 1)); })
          .then(function () { return loadCatalogue(attempt + 1); });
      });
  }
  const ready = loadCatalogue(0)
    .then(function (body) { messages = body.messages || {}; })
    .catch(function () { messages = {}; });

  /** Translate ``msg`` and fill ``%(name)s`` placeholders from ``params``. */
  function t(msg, params) {
    let text = Object.prototype.hasOwnProperty.call(messages, msg) && messages[msg] ? messages[msg] : msg;
    if (params) {
      text = text.replace(/%\((\w+)\)s/g, function (whole, key) {
        return Object.prototype.hasOwnProperty.call(params, key) ? String(params[key]) : whole;
      });
    }
    return text;
  }

  /** The session's CSRF token, from the page's <meta name="csrf-token"> (the cookie is HttpOnly). */
  function csrfToken() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") || "" : "";
  }

  /** Call pingan's JSON API with the session cookie and its CSRF token; throws the problem. */
  async function api(method, url, body) {
    const headers = { "Accept": "application/json" };
    if (method !== "GET") {
      headers["X-CSRF-Token"] = csrfToken();
      if (body !== undefined) headers["Content-Type"] = "application/json";
    }
    const response = await fetch(url, {
      method: method,
      headers: headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const type = response.headers.get("content-type") || "";
    const data = type.indexOf("json") >= 0 ? await response.json() : null;
    if (!response.ok) {
      const error = new Error((data && data.detail) || response.statusText);
      error.status = response.status;
      error.problem = data;
      throw error;
    }
    return data;
  }

  /** "1 min 05 s" / "45 s" for a duration in seconds. */
  function duration(seconds) {
    if (seconds === null || seconds === undefined || isNaN(seconds)) return "–";
    const s = Math.round(seconds);
    if (s < 60) return t("%(s)s s", { s: s });
    const m = Math.floor(s / 60);
    const rest = String(s % 60).padStart(2, "0");
    return t("%(m)s min %(s)s s", { m: m, s: rest });
  }

  /** Local clock time "23:41" of an ISO timestamp. */
  function clock(iso) {
    if (!iso) return "";
    const d = new Date(iso);
    if (isNaN(d.getTime())) return "";
    return d.toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit", hour12: false });
  }

  /** "3 min ago" for an ISO timestamp. */
  function ago(iso) {
    if (!iso) return "";
    const seconds = Math.max(0, (Date.now() - new Date(iso).getTime()) / 1000);
    if (seconds < 60) return t("just now");
    if (seconds < 3600) return t("%(n)s min ago", { n: Math.floor(seconds / 60) });
    return t("%(n)s h ago", { n: Math.floor(seconds / 3600) });
  }

  /**
   * Build an element from text only: ``text`` becomes a text node, ``style`` an object of
   * CSS properties set through the DOM (the CSP refuses style attributes), ``on…`` a listener.
   * This and label() are the only ways page scripts make markup: nothing is parsed
   * from strings, so a name a user typed is always shown as text.
   */
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (key) {
        const value = attrs[key];
        if (value === null || value === undefined || value === false) return;
        if (key === "text") node.textContent = value;
        else if (key === "class") node.className = value;
        else if (key === "style") Object.assign(node.style, value);
        else if (key.indexOf("on") === 0) {
          if (typeof value !== "function") throw new TypeError("el: " + key + " needs a function");
          node.addEventListener(key.slice(2), value);
        } else node.setAttribute(key, value === true ? "" : value);
      });
    }
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  /**
   * Text for a Leaflet tooltip, popup or icon: a <span> holding ``text`` as a text node.
   * Leaflet puts a string given to bindTooltip/bindPopup/divIcon in innerHTML, so maps are
   * always given this element instead.
   */
  function label(text, className) {
    const node = document.createElement("span");
    if (className) node.className = className;
    node.textContent = text === null || text === undefined ? "" : String(text);
    return node;
  }

  window.pingan = Object.assign(window.pingan || {}, {
    lang: lang, t: t, i18nReady: ready, api: api, csrfToken: csrfToken,
    duration: duration, clock: clock, ago: ago, el: el, label: label,
  });
})();
