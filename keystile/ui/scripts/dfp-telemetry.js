/* keystile Device Fingerprinting telemetry. On a page of an authorized domain of a project whose
 * frontend SDK is on:
 *   <script src="https://KEYSTILE/dfp/telemetry.js"></script>
 *   const telemetryId = await KeystileDFP.getTelemetryID(PUBLIC_TOKEN);
 * collects this browser's signals, posts them to the keystile that served this script, keeps the
 * visitor id it answers in a first-party cookie, and resolves to the telemetry id the app's backend
 * passes to fingerprint/lookup. */
(function () {
  "use strict";
  var script = document.currentScript;
  var keystile = new URL(script ? script.src : "/", location.href).origin;
  var COOKIE = "keystile_dfp_visitor";
  var YEAR_SECONDS = 31536000;

  function clip(value, length) {
    return String(value === undefined || value === null ? "" : value).slice(0, length);
  }

  function visitorCookie() {
    var found = document.cookie.split("; ").filter(function (pair) {
      return pair.indexOf(COOKIE + "=") === 0;
    })[0];
    return found ? found.slice(COOKIE.length + 1) : null;
  }

  function webgl() {
    try {
      var gl = document.createElement("canvas").getContext("webgl");
      if (!gl) return ["", ""];
      var info = gl.getExtension("WEBGL_debug_renderer_info");
      return info
        ? [gl.getParameter(info.UNMASKED_VENDOR_WEBGL), gl.getParameter(info.UNMASKED_RENDERER_WEBGL)]
        : [gl.getParameter(gl.VENDOR), gl.getParameter(gl.RENDERER)];
    } catch (error) {
      return ["", ""];
    }
  }

  function signals() {
    var gpu = webgl();
    return {
      user_agent: clip(navigator.userAgent, 512),
      languages: Array.prototype.slice.call(navigator.languages || []).slice(0, 32).map(function (language) {
        return clip(language, 35);
      }),
      timezone: clip(Intl.DateTimeFormat().resolvedOptions().timeZone, 64),
      platform: clip(navigator.platform, 256),
      screen_width: screen.width | 0,
      screen_height: screen.height | 0,
      color_depth: screen.colorDepth | 0,
      pixel_ratio: window.devicePixelRatio || 0,
      hardware_concurrency: navigator.hardwareConcurrency | 0,
      device_memory: typeof navigator.deviceMemory === "number" ? navigator.deviceMemory : null,
      touch_points: navigator.maxTouchPoints | 0,
      webdriver: navigator.webdriver === true,
      plugins_count: navigator.plugins ? navigator.plugins.length : 0,
      has_chrome_object: typeof window.chrome === "object" && window.chrome !== null,
      webgl_vendor: clip(gpu[0], 256),
      webgl_renderer: clip(gpu[1], 256),
      visitor_id: visitorCookie(),
    };
  }

  async function getTelemetryID(publicToken) {
    var response = await fetch(keystile + "/sdk/v1/dfp/telemetry", {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Authorization: "Basic " + btoa(publicToken + ":" + publicToken),
      },
      body: JSON.stringify(signals()),
    });
    var body = await response.json();
    if (!response.ok) throw new Error(body.error_message || "keystile refused the telemetry");
    document.cookie =
      COOKIE + "=" + body.data.visitor_id + "; max-age=" + YEAR_SECONDS + "; path=/; SameSite=Lax";
    return body.data.telemetry_id;
  }

  window.KeystileDFP = { getTelemetryID: getTelemetryID };
})();
