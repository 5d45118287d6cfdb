// Small progressive enhancements; every page works without them. No inline handlers anywhere (the
// Content-Security-Policy refuses them): behaviour is declared with data- attributes and wired up here.
"use strict";

// <button data-confirm="Delete this?">: ask before the click goes through.
document.addEventListener("click", (event) => {
  const target = event.target.closest("[data-confirm]");
  if (target && !window.confirm(target.dataset.confirm)) {
    event.preventDefault();
  }
});

// <select data-autosubmit>: choosing a value submits its form (through htmx when the form is boosted).
document.addEventListener("change", (event) => {
  const field = event.target.closest("[data-autosubmit]");
  if (field && field.form) field.form.requestSubmit();
});

// <input data-timezone>: filled with the browser's time zone (so a time the person types means their own time).
function fillTimeZones(root) {
  let zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (error) {
    return;
  }
  root.querySelectorAll("[data-timezone]").forEach((input) => {
    if (!input.value) input.value = zone;
  });
}
fillTimeZones(document);
document.addEventListener("htmx:load", (event) => fillTimeZones(event.target));

// Drop-down menus are <details>: one open at a time; a click elsewhere or Escape closes them.
function closeMenus(except) {
  document.querySelectorAll("details.nav-details[open]").forEach((menu) => {
    if (!menu.contains(except)) menu.removeAttribute("open");
  });
}
document.addEventListener("click", (event) => closeMenus(event.target));
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") {
    const open = document.querySelector("details.nav-details[open]");
    if (open) {
      open.removeAttribute("open");
      open.querySelector("summary").focus();
    }
  }
});

// <button data-history-back>: a "Cancel" that returns to the page the person came from.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-history-back]")) {
    event.preventDefault();
    window.history.back();
  }
});
