// Plecak wallet, share screen: the preview follows the field switches, so it shows exactly what
// the employer will see (a switched-off field is left out of what the wallet sends).
"use strict";
(function () {
  // One switch per EU element, whatever the format, preview rows keyed "<cid>:<element>".
  function updateElement(input) {
    var rows = document.querySelectorAll('[data-preview="' + input.getAttribute("data-sd-field") + '"]');
    rows.forEach(function (row) {
      var shown = row.querySelector(".sd-value");
      var hidden = row.querySelector(".sd-hidden");
      if (shown) shown.hidden = !input.checked;
      if (hidden) hidden.hidden = input.checked;
      row.classList.toggle("sd-off", !input.checked);
    });
  }
  document.querySelectorAll("input[data-sd-field]").forEach(function (input) {
    input.addEventListener("change", function () { updateElement(input); });
    updateElement(input);
  });
})();
