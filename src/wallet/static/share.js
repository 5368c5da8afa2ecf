// Plecak wallet, share screen: the preview follows the field switches, so it shows exactly what
// the employer will see (a switched-off field is left out of what the wallet sends).
"use strict";
(function () {
  // SD-JWT VC: a fieldset per credential, its preview rows keyed by claim name.
  function updateDisclose(fieldset) {
    var preview = fieldset.querySelector("[data-preview-for]");
    if (!preview) return;
    fieldset.querySelectorAll("input[type=checkbox][name^='fields.']").forEach(function (box) {
      var row = preview.querySelector("[data-preview='" + box.value + "']");
      if (!row) return;
      row.querySelector(".shown").hidden = !box.checked;
      row.querySelector(".hidden-value").hidden = box.checked;
      row.classList.toggle("withheld", !box.checked);
    });
  }
  document.querySelectorAll("[data-disclose]").forEach(function (fieldset) {
    fieldset.addEventListener("change", function () { updateDisclose(fieldset); });
    updateDisclose(fieldset);
  });

  // ecdsa-sd-2023: one switch per EU element, preview rows keyed "<cid>:<element>".
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
