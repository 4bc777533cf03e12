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
