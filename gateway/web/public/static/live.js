// The live strip of a voucher page: the clock follows the device's time every second, so a
// screenshot shows a stopped clock (the bar's movement is a CSS animation).
(function () {
  "use strict";
  function start() {
    var clocks = document.querySelectorAll("[data-clock]");
    if (!clocks.length) { return; }
    function tick() {
      var now = new Date();
      clocks.forEach(function (clock) {
        var lang = clock.getAttribute("data-lang") || undefined;
        var options = { hour: "2-digit", minute: "2-digit", second: "2-digit" };
        var zone = clock.getAttribute("data-timezone");
        if (zone) { options.timeZone = zone; }  // the shop's time, as on the page's other times
        try {
          clock.textContent = now.toLocaleTimeString(lang, options);
        } catch (unknownZone) {
          delete options.timeZone;
          clock.textContent = now.toLocaleTimeString(lang, options);
        }
        clock.setAttribute("datetime", now.toISOString());
      });
    }
    tick();
    window.setInterval(tick, 1000);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
