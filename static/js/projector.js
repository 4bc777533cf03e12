// The projector's round timer: counts down to the end of the round, then reloads for the next one.
(function () {
  "use strict";
  var main = document.querySelector("[data-round-ends-at]");
  var timer = document.getElementById("timer");
  if (!main || !timer) {
    return;
  }
  var endsAt = Date.parse(main.dataset.roundEndsAt);
  function tick() {
    var left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
    var minutes = Math.floor(left / 60);
    var seconds = left % 60;
    timer.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
    if (left === 0) {
      window.setTimeout(function () {
        window.location.reload();
      }, 5000);
      return;
    }
    window.setTimeout(tick, 1000);
  }
  tick();
})();
