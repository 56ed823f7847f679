// The scoring form: a verified score that differs from the self-score makes the explanation
// required, visibly; the server checks the same rule on save.
(function () {
  var form = document.getElementById("result-form");
  if (!form) return;
  function parse(value) {
    value = (value || "").trim().replace(",", ".");
    return value === "" ? null : Number(value);
  }
  function check(row) {
    var self = row.querySelector("input[name^='self_']");
    var verified = row.querySelector("input[name^='verified_']");
    var explanation = row.querySelector("textarea[name^='explanation_']");
    if (!self || !verified || !explanation || explanation.disabled) return;
    var a = parse(self.value), b = parse(verified.value);
    var differs = a !== null && b !== null && a !== b;
    explanation.required = differs;
    explanation.classList.toggle("is-invalid", differs && explanation.value.trim() === "");
  }
  form.querySelectorAll("tr[data-criterion]").forEach(check);
  form.addEventListener("input", function (event) {
    var row = event.target.closest("tr[data-criterion]");
    if (row) check(row);
  });
})();
