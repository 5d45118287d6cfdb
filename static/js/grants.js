// Grants and reviews: keyboard navigation through a queue, the application form's autosave, the score sheet's
// checks. Progressive enhancement: every page works without this file (links, a "Save" button, server checks).
"use strict";

// --- Keyboard shortcuts -----------------------------------------------------------------------------------
// <a data-hotkey="j" href="...">: pressing J follows the link, unless the person is typing in a field or holds
// a modifier key (so Ctrl+J and typing "j" into a comment keep their usual meaning).
function isTyping(target) {
  if (!target || !target.closest) return false;
  return Boolean(target.closest("input, textarea, select, [contenteditable=''], [contenteditable='true']"));
}

document.addEventListener("keydown", (event) => {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
  const key = event.key.toLowerCase();
  if (key.length !== 1) return;
  const link = document.querySelector(`[data-hotkey="${CSS.escape(key)}"]`);
  if (link && link.href) {
    event.preventDefault();
    window.location.assign(link.href);
  }
});

// --- Application form: autosave while typing --------------------------------------------------------------
// The form posts through htmx after a pause in typing (hx-trigger on the form). Here: the status line, a warning
// before leaving while a change is not yet saved, and a last save by navigator.sendBeacon when the page is hidden
// or left (the form's own csrfmiddlewaretoken field travels with it).
const autosaveForm = document.querySelector("form[data-autosave]");
if (autosaveForm) {
  const status = document.getElementById("autosave-status");
  let dirty = false; // changed since the last save started
  let inFlight = false;

  const setStatus = (text) => {
    if (status && text) status.textContent = text;
  };

  autosaveForm.addEventListener("input", () => {
    dirty = true;
    setStatus(autosaveForm.dataset.pendingText);
  });
  autosaveForm.addEventListener("change", () => {
    dirty = true;
  });
  autosaveForm.addEventListener("htmx:beforeRequest", () => {
    inFlight = true;
    dirty = false;
  });
  autosaveForm.addEventListener("htmx:afterRequest", (event) => {
    inFlight = false;
    if (!event.detail.successful) {
      dirty = true;
      setStatus(autosaveForm.dataset.failedText);
    }
  });

  const saveByBeacon = () => {
    if (!dirty && !inFlight) return;
    const data = new FormData(autosaveForm);
    data.append("beacon", "1");
    if (navigator.sendBeacon && navigator.sendBeacon(autosaveForm.action, data)) {
      dirty = false;
      inFlight = false;
    }
  };
  // Any form sent from this page (save, submit, attach a file) is a navigation the person chose: no warning,
  // and the beacon below still carries what was typed.
  let leavingByForm = false;
  document.addEventListener("submit", () => {
    leavingByForm = true;
  });
  window.addEventListener("beforeunload", (event) => {
    if ((dirty || inFlight) && !leavingByForm) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  window.addEventListener("pagehide", saveByBeacon);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") saveByBeacon();
  });
  // A submit button of this form (save, submit, add a line) posts all of it: nothing is pending after it.
  autosaveForm.addEventListener("submit", () => {
    dirty = false;
    inFlight = false;
  });
  // Choosing a file belongs to the file's own form (input form="upload-..."): it is no change to autosave.
  autosaveForm.querySelectorAll("input[type=file]").forEach((input) => {
    ["input", "change"].forEach((name) => input.addEventListener(name, (event) => event.stopPropagation()));
  });
}

// --- Score sheet: a score outside its scale is marked beside the field at once ------------------------------
// <input data-range-message="..." min max>: the message (in the page's language) appears in the field's
// .invalid-feedback; the server checks again on save.
function checkRange(input) {
  const feedback = input.parentElement.querySelector(".invalid-feedback[data-live]");
  if (!feedback) return;
  const value = input.value.trim();
  const number = Number(value);
  const bad =
    value !== "" &&
    (!Number.isInteger(number) || number < Number(input.min) || number > Number(input.max));
  input.classList.toggle("is-invalid", bad);
  input.setAttribute("aria-invalid", bad ? "true" : "false");
  feedback.textContent = bad ? input.dataset.rangeMessage : "";
  feedback.hidden = !bad;
}
document.addEventListener("input", (event) => {
  if (event.target.matches && event.target.matches("input[data-range-message]")) checkRange(event.target);
});

// After a save with errors, bring the first marked field into view (inside the sheet's own scroll) and focus it.
const firstInvalid = document.querySelector(".score-sheet .is-invalid");
if (firstInvalid) {
  firstInvalid.scrollIntoView({ block: "center" });
  firstInvalid.focus({ preventScroll: true });
}
