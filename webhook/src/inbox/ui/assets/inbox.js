// The inbox's page, improved where JavaScript runs (everything works without it):
// confirmations as dialogs, "copy as curl" to the clipboard, live refresh of the page.
"use strict";
(function () {
  // An action's form asks in a dialog, then tells the server it was confirmed (without this
  // script, the server answers a confirmation page).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var question = (submitter && submitter.dataset.confirm) || form.dataset.confirm;
    if (!question || form.method.toLowerCase() !== "post") return;
    if (!window.confirm(question)) {
      event.preventDefault();
      return;
    }
    var confirmed = form.querySelector("input[name=confirm]");
    if (!confirmed) {
      confirmed = document.createElement("input");
      confirmed.type = "hidden";
      confirmed.name = "confirm";
      form.appendChild(confirmed);
    }
    confirmed.value = "yes";
  });

  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    if (!navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var source = document.getElementById(button.dataset.copy);
      navigator.clipboard.writeText(source.textContent).then(function () {
        button.textContent = "Copied";
      });
    });
  });

  // Live: the page reloads every 5 s while the box is ticked (remembered for the session).
  var live = document.getElementById("live");
  if (!live) return;
  var key = "webhook-inbox-live";
  var timer = null;
  function schedule() {
    clearTimeout(timer);
    if (live.checked) timer = setTimeout(function () { window.location.reload(); }, 5000);
  }
  live.checked = window.sessionStorage.getItem(key) === "1";
  live.addEventListener("change", function () {
    window.sessionStorage.setItem(key, live.checked ? "1" : "0");
    schedule();
  });
  schedule();
})();
