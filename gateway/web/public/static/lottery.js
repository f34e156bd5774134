// The lottery page: the outcome was drawn on the server before this page was sent; the wheel
// spins (CSS) and this script moves the reader's focus to the outcome once it shows.
(function () {
  "use strict";
  function start() {
    var panel = document.querySelector("[data-lottery].revealing");
    if (!panel) { return; }
    var outcome = panel.querySelector("[data-outcome]");
    if (!outcome) { return; }
    outcome.setAttribute("tabindex", "-1");
    outcome.addEventListener("animationend", function () {
      panel.classList.remove("revealing");
      panel.classList.add("revealed");
      outcome.focus();
    }, { once: true });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
