// Plecak wallet, share screen: keeps the preview of an SD-JWT credential in step with its switches,
// so the learner sees exactly which fields the employer will get.
"use strict";
(function () {
  function update(fieldset) {
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
    fieldset.addEventListener("change", function () { update(fieldset); });
    update(fieldset);
  });
})();
