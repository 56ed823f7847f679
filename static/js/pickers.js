/* The pickers (select2 through django-autocomplete-light) announce a choice with a jQuery
   event, which the page's own listeners (app.js: data-autosubmit) do not hear: pass it on as a
   native "change". A native event reaches jQuery's handler too, with an originalEvent: not
   passed on again. */
(function ($) {
  "use strict";
  if (!$) {
    return;
  }
  $(document).on("change", "select[data-autocomplete-light-url]", function (event) {
    if (!event.originalEvent) {
      this.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });
})(window.jQuery);
