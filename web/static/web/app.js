// The site's only script: small progressive enhancements. No inline script
// anywhere (the Content-Security-Policy forbids it), so behaviour hangs on
// data- attributes.
(function () {
  "use strict";

  // A form submitted twice (a double click, an impatient Enter) is sent once:
  // the first submit disables its buttons. The server is idempotent as well.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.hasAttribute("hx-post") || form.hasAttribute("hx-get")) {
      return;
    }
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    if (form.dataset.submitted === "yes") {
      event.preventDefault();
      return;
    }
    if (form.method.toLowerCase() === "post") {
      form.dataset.submitted = "yes";
      // Leave the pressed button's name/value in the submission, then disable.
      window.setTimeout(function () {
        form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (b) { b.disabled = true; });
      }, 0);
    }
  });

  // A page shown again from the back/forward cache may carry disabled buttons.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submitted]").forEach(function (form) {
      delete form.dataset.submitted;
      form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (b) { b.disabled = false; });
    });
  });

  // After htmx swaps content in, move focus somewhere meaningful so keyboard
  // and screen-reader users know what changed: an element marked data-focus,
  // else the first field in error, else the swapped region itself.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    // An outerHTML swap replaced the target: its successor has the same id.
    if (target && !target.isConnected && target.id) { target = document.getElementById(target.id); }
    // Regions that update as one types (suggestions) must not take the focus away.
    if (!target || target.hasAttribute("data-no-focus")) { return; }
    var focus = target.querySelector("[data-focus]") || target.querySelector("[aria-invalid=true]");
    if (!focus) {
      focus = target;
      if (!focus.hasAttribute("tabindex")) { focus.setAttribute("tabindex", "-1"); }
    }
    focus.focus();
  });

  // Skill suggestions: a button adds its skill to the list in the textarea it names.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-add-skill]");
    if (!button) { return; }
    var field = document.getElementById(button.dataset.target);
    if (!field) { return; }
    var skill = button.dataset.addSkill;
    var items = field.value.split(/[\n,]/).map(function (s) { return s.trim(); }).filter(Boolean);
    if (items.map(function (s) { return s.toLowerCase(); }).indexOf(skill.toLowerCase()) === -1) {
      items.push(skill);
      field.value = items.join("\n");
    }
    button.setAttribute("aria-pressed", "true");
    button.disabled = true;
    var status = document.getElementById(button.dataset.status || "");
    if (status) { status.textContent = button.dataset.addedText || skill; }
    field.focus();
  });
})();
