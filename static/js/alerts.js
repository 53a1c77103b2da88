/* Failed HTMX requests end in a message in the page's alert region (#alert-region in base.html),
   never in silence and never with an error page swapped in where a fragment was meant to go.
   Our own file, loaded by base.html with the page's CSP nonce.

   - The server answers a failed HTMX request with a short message retargeted at the region
     (HX-Retarget: #alert-region, okr_site/views.py). htmx-config in base.html does not swap
     404 and 5xx answers; such a message is swapped all the same, into the region only.
   - Any other failed answer (a proxy's error page, a timeout) or no answer at all (the network)
     gets the region's own message, written in the page's language by the server (its
     data-error-message and data-network-message attributes).
   - A message's "Dismiss" button empties the region. */
(function () {
  "use strict";

  var REGION = "#alert-region";

  function region() {
    return document.querySelector(REGION);
  }

  function toRegion(xhr) {
    return !!xhr && xhr.getResponseHeader("HX-Retarget") === REGION;
  }

  function show(text) {
    var box = region();
    if (!box || !text) {
      return;
    }
    var message = document.createElement("div");
    message.className = "message message-error alert-message";
    var words = document.createElement("p");
    words.textContent = text;
    var actions = document.createElement("p");
    var dismiss = document.createElement("button");
    dismiss.type = "button";
    dismiss.className = "link-button";
    dismiss.setAttribute("data-dismiss-alert", "");
    dismiss.textContent = box.getAttribute("data-dismiss-label") || "×";
    actions.appendChild(dismiss);
    message.appendChild(words);
    message.appendChild(actions);
    box.replaceChildren(message);
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    if (detail.xhr && detail.xhr.status >= 400 && toRegion(detail.xhr)) {
      // The server's message for the region: swap it there whatever the status.
      detail.shouldSwap = true;
      detail.isError = false;
    }
  });

  document.addEventListener("htmx:responseError", function (event) {
    if (!toRegion(event.detail.xhr)) {
      show(region() && region().getAttribute("data-error-message"));
    }
  });

  function networkFailure() {
    show(region() && region().getAttribute("data-network-message"));
  }

  document.addEventListener("htmx:sendError", networkFailure);
  document.addEventListener("htmx:timeout", networkFailure);

  function swapFailure() {
    show(region() && region().getAttribute("data-error-message"));
  }

  document.addEventListener("htmx:swapError", swapFailure);
  document.addEventListener("htmx:onLoadError", swapFailure);

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target instanceof Element && target.closest("[data-dismiss-alert]")) {
      var box = target.closest(REGION);
      if (box) {
        box.replaceChildren();
      }
    }
  });
})();
