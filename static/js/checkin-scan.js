// Check-in desk: read QR tickets with the camera (html5-qrcode, which uses the browser's BarcodeDetector where
// there is one) and submit each code through the desk's form, which HTMX posts. The typed code is the fallback.
(function () {
  "use strict";
  const form = document.getElementById("scan-form");
  if (!form) return;
  const input = form.querySelector("input[name=code]");
  const start = document.getElementById("scan-start");
  const stop = document.getElementById("scan-stop");
  const failure = document.getElementById("scan-camera-error");
  let scanner = null;
  let last = "";
  let lastAt = 0;
  let sending = false;

  function submit(text) {
    // One ticket at a time: while the desk waits for the server, and for four seconds after its answer,
    // the same ticket still held in front of the camera is not sent again.
    if (sending || (text === last && Date.now() - lastAt < 4000)) return;
    last = text;
    sending = true;
    input.value = text;
    form.requestSubmit();
  }

  form.addEventListener("htmx:afterRequest", function () {
    sending = false;
    lastAt = Date.now();
    input.value = "";
    input.focus();
  });

  if (!window.Html5Qrcode || !navigator.mediaDevices) {
    start.hidden = true;
    return;
  }
  start.addEventListener("click", function () {
    failure.hidden = true;
    scanner =
      scanner ||
      new window.Html5Qrcode("scan-camera", {
        formatsToSupport: [window.Html5QrcodeSupportedFormats.QR_CODE],
        useBarCodeDetectorIfSupported: true,
        verbose: false,
      });
    scanner
      .start(
        { facingMode: "environment" },
        {
          fps: 10,
          qrbox: function (width, height) {
            const side = Math.floor(Math.min(width, height) * 0.7);
            return { width: side, height: side };
          },
        },
        submit,
        function () {},
      )
      .then(function () {
        start.hidden = true;
        stop.hidden = false;
      })
      .catch(function () {
        failure.hidden = false;
      });
  });
  stop.addEventListener("click", function () {
    if (!scanner) return;
    scanner.stop().then(function () {
      stop.hidden = true;
      start.hidden = false;
    });
  });
})();
