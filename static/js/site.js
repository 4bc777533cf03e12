// Small progressive enhancements; the site works without them.
(function () {
  "use strict";
  // On a fresh sign-up form, preselect the browser's own time zone (the person can still change it).
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  document.querySelectorAll("select[data-detect-time-zone]").forEach(function (select) {
    var redisplayed = select.form && select.form.querySelector(".is-invalid");
    if (zone && !redisplayed && select.querySelector('option[value="' + zone + '"]')) {
      select.value = zone;
    }
  });
})();

// A double click (or a second tap on a slow phone network) must not send a form twice.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.submitting === "true") {
      event.preventDefault();
      return;
    }
    form.dataset.submitting = "true";
    // A form the browser shows again (back button) can be sent again.
    window.addEventListener("pageshow", function () {
      form.dataset.submitting = "false";
    });
  });
})();

// During a speed-networking event, a person's schedule (events/mine.html) loads again when a round ends,
// which is when the round marked "Now" changes (to the next one, whose table the person needs) and, after
// the last one, when the ratings open; and when a round starts, in case staff rewrote the schedule for late
// arrivals during the break. It never reloads on a timer: a page reloading every 30 seconds took a screen
// reader back to its top, mid-sentence (WCAG 2.2.1).
(function () {
  "use strict";
  var schedule = document.querySelector("[data-reload-after-rounds]");
  if (!schedule) {
    return;
  }
  var roundMs = Number(schedule.dataset.reloadAfterRounds) * 60000;
  var now = Date.now();
  var moments = [];
  schedule.querySelectorAll("time[datetime]").forEach(function (time) {
    var start = Date.parse(time.getAttribute("datetime"));
    moments.push(start, start + roundMs);
  });
  moments = moments.filter(function (moment) {
    return moment > now;
  });
  if (moments.length) {
    var wait = Math.min.apply(null, moments) - now + 1000;
    if (wait < 2147483647) { // setTimeout's longest wait; a clock far off waits for a manual reload
      window.setTimeout(function () {
        window.location.reload();
      }, wait);
    }
  }
})();

// A table wider than its box scrolls sideways inside it (Bootstrap's .table-responsive): a keyboard user
// can scroll it only once the box takes the focus, and a screen reader then names it after the table's
// caption (WCAG 2.1.1). Boxes whose table fits take no place in the tab order.
(function () {
  "use strict";
  document.querySelectorAll(".table-responsive").forEach(function (box) {
    if (box.scrollWidth <= box.clientWidth || box.hasAttribute("tabindex")) {
      return;
    }
    box.setAttribute("tabindex", "0");
    var caption = box.querySelector("caption");
    if (caption && !box.hasAttribute("aria-label")) {
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", caption.textContent.trim());
    }
  });
})();
