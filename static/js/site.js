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
