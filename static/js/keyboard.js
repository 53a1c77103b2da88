/* Keyboard use of the HTMX-driven parts. Our own file, loaded by base.html with the
   page's CSP nonce; no inline handlers anywhere.

   - A link drawn as a button that HTMX drives (My week's "Check in") also answers Space, as a
     button does (Enter already works: it is a link).
   - Escape inside a form that has a Cancel control marked [data-cancel] cancels it.
   - When HTMX swaps in one of My week's rows (.kr-row): with its check-in form open, focus moves
     to the form's first field (the first one in error after a refused save); with the form gone
     (saved or cancelled), focus returns to the row's "Check in" button (or, when it has none
     any more, the row's heading), instead of being lost with the old row.
   - Likewise when the key result page's live part (.kr-live) comes back from a check-in: focus
     goes to the first field in error, or else to the check-in panel's heading, which sits next to
     the "Saved" message. */
(function () {
  "use strict";

  var FIELDS = "input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])";

  function focusLost() {
    var active = document.activeElement;
    return !active || active === document.body || !active.isConnected;
  }

  function focusHeading(heading) {
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
  }

  function firstError(container) {
    return container.querySelector(".has-error input, .has-error select, .has-error textarea");
  }

  function focusLivePart(live) {
    var error = firstError(live);
    if (error && (focusLost() || live.contains(document.activeElement))) {
      error.focus();
    } else if (focusLost()) {
      focusHeading(live.querySelector(".checkin-panel h2"));
    }
  }

  function focusRow(row) {
    var form = row.querySelector("form");
    if (form) {
      var first = firstError(form) || form.querySelector(FIELDS);
      if (first && (focusLost() || row.contains(document.activeElement))) {
        first.focus();
      }
      return;
    }
    if (!focusLost()) {
      return;
    }
    var button = row.querySelector(".kr-actions .button");
    if (button) {
      button.focus();
      return;
    }
    focusHeading(row.querySelector("h2, h3"));
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    var target = event.target;
    if (!(target instanceof Element)) {
      return;
    }
    if (event.key === " " && target.matches("a.button[hx-get]")) {
      event.preventDefault();
      if (!event.repeat) {
        target.click();
      }
      return;
    }
    if (event.key === "Escape") {
      var form = target.closest("form");
      var cancel = form && form.querySelector("[data-cancel]");
      if (cancel) {
        event.preventDefault();
        cancel.click();
      }
    }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var elt = event.target;
    if (!(elt instanceof Element) || !elt.isConnected) {
      return;
    }
    if (elt.matches(".kr-row")) {
      focusRow(elt);
    } else if (elt.matches(".kr-live")) {
      focusLivePart(elt);
    }
  });
})();
