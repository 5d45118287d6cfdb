// Coding a transcript: turn the browser's text selection inside #transcript into character offsets of the
// transcript (its textContent is exactly the stored text) and put them into the coding form's hidden fields.
(function () {
  "use strict";

  function offsetWithin(container, node, offset) {
    const range = document.createRange();
    range.selectNodeContents(container);
    range.setEnd(node, offset);
    return range.toString().length;
  }

  function update() {
    const transcript = document.getElementById("transcript");
    const form = document.getElementById("coding-form");
    if (!transcript || !form) return;
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0) return;
    const range = selection.getRangeAt(0);
    if (!transcript.contains(range.startContainer) || !transcript.contains(range.endContainer)) return;
    const start = offsetWithin(transcript, range.startContainer, range.startOffset);
    const end = offsetWithin(transcript, range.endContainer, range.endOffset);
    form.querySelector("input[name=start]").value = String(Math.min(start, end));
    form.querySelector("input[name=end]").value = String(Math.max(start, end));
    const preview = document.getElementById("selection-preview");
    if (preview) {
      const text = transcript.textContent.slice(Math.min(start, end), Math.max(start, end));
      preview.textContent = text.length > 160 ? "«" + text.slice(0, 160) + "…»" : "«" + text + "»";
    }
  }

  // Coded passages carry their code's colour as data-code-color (no inline styles under the CSP); tint them here,
  // and again whenever htmx swaps the coding panel in.
  function paint(root) {
    root.querySelectorAll("[data-code-color]").forEach((mark) => {
      const color = mark.dataset.codeColor;
      if (!/^#[0-9a-fA-F]{6}$/.test(color)) return;
      mark.style.backgroundColor = color + "33";
      mark.style.borderBottomColor = color;
    });
  }
  paint(document);
  document.addEventListener("htmx:load", (event) => paint(event.target));

  document.addEventListener("selectionchange", update);
  document.addEventListener("mouseup", update);
  document.addEventListener("keyup", update);
  document.documentElement.dataset.codingReady = "true";
})();
