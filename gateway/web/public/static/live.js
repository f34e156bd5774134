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
        clock.textContent = now.toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
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
