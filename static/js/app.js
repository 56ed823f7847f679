/* Behaviour shared by every page, from data attributes instead of inline scripts (the
   Content-Security-Policy allows scripts from our own static files only).

   <form data-confirm="Question?">        asks before submitting
   <select data-autosubmit>               submits its form when changed
   <button data-print>                    prints the page
   <form data-year-nav="/clusters/x/">    goes to that address + the chosen year + "/"
   <input type="checkbox" data-select-all="form-id" data-select-name="unit">  ticks every box
       of that form named "unit" (default "select") */
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    if (form.dataset.yearNav !== undefined && form.elements.year) {
      event.preventDefault();
      window.location.href = form.dataset.yearNav + form.elements.year.value + "/";
    }
  });

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches("select[data-autosubmit]") && field.form) {
      if (field.form.requestSubmit) {
        field.form.requestSubmit();
      } else {
        field.form.submit();
      }
    }
    if (field.matches("input[data-select-all]")) {
      var name = field.dataset.selectName || "select";
      var boxes = document.querySelectorAll(
        'input[name="' + name + '"][form="' + field.dataset.selectAll + '"]'
      );
      boxes.forEach(function (box) {
        box.checked = field.checked;
      });
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-print]");
    if (button) {
      event.preventDefault();
      window.print();
    }
  });
})();
