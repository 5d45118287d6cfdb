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

// A table wider than the screen scrolls inside its .table-responsive box: the box is made reachable by keyboard
// (Tab to it, then the arrow keys), as WCAG asks of a scrollable region; a box that fits is not a tab stop.
function markScrollableBoxes() {
  document.querySelectorAll(".table-responsive").forEach((box) => {
    const scrolls = box.scrollWidth > box.clientWidth + 1;
    if (scrolls && !box.hasAttribute("tabindex")) {
      box.setAttribute("tabindex", "0");
      box.dataset.scrollFocus = "";
    } else if (!scrolls && "scrollFocus" in box.dataset) {
      box.removeAttribute("tabindex");
      delete box.dataset.scrollFocus;
    }
    showMoreSideways(box);
  });
}

// The edge of a sideways-scrolling table fades where more columns wait (resurs.css .fade-start/.fade-end), so a
// person on a phone sees that the table goes on.
function showMoreSideways(box) {
  const rest = box.scrollWidth - box.clientWidth - Math.abs(box.scrollLeft);
  box.classList.toggle("fade-start", Math.abs(box.scrollLeft) > 1);
  box.classList.toggle("fade-end", rest > 1);
}
document.addEventListener(
  "scroll",
  (event) => {
    if (event.target instanceof Element && event.target.matches(".table-responsive")) showMoreSideways(event.target);
  },
  { capture: true, passive: true },
);
markScrollableBoxes();
document.addEventListener("htmx:load", markScrollableBoxes);
let resizeTimer;
window.addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(markScrollableBoxes, 150);
});

// <details data-open-wide>: a filter panel is open on a wide screen, where it sits beside the list, and folded on
// a phone, where it would push the list below the fold — unless a filter is set, so the person sees what is applied.
function foldOnPhones() {
  const wide = window.matchMedia("(min-width: 992px)").matches;
  document.querySelectorAll("details[data-open-wide]").forEach((panel) => {
    const applied = [...panel.querySelectorAll("input, select, textarea")].some((field) => {
      if (field.type === "checkbox" || field.type === "radio") return field.checked;
      return !["hidden", "submit", "button"].includes(field.type) && field.value !== "";
    });
    panel.open = wide || applied;
  });
}
foldOnPhones();
window.matchMedia("(min-width: 992px)").addEventListener("change", foldOnPhones);

// A picker (resurs.registry.widgets.SearchPicker): the result a person clicked or pressed Enter on is gone once its
// row is chosen (a single choice closes the results), and with it the keyboard focus. Put the focus on the row just
// chosen, so that Tab goes on to the next field instead of starting again at the top of the page.
document.addEventListener("htmx:afterSwap", (event) => {
  const list = event.detail.target;
  if (!(list instanceof Element) || !list.matches(".registry-picker > ul[id$='_chosen']")) return;
  if (document.activeElement && document.activeElement !== document.body) return;
  const boxes = list.querySelectorAll("input[type=checkbox]");
  if (boxes.length) boxes[boxes.length - 1].focus();
});
