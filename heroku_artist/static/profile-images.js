/* Portrait and logo uploads: a large image is made smaller in the browser before sending.

   A form with data-downsize draws the chosen image on a canvas at most data-max-edge pixels
   on its long side, encodes it as that type (JPEG for a portrait, PNG for a logo, keeping its
   transparency) and posts that instead, so a 12 MB phone photo fits the 4 MiB limit. Without
   this script the file is posted as chosen and the studio says if it is too large. */
"use strict";

(function () {
  function shrink(file, type, maxEdge) {
    return createImageBitmap(file).then(function (bitmap) {
      const scale = Math.min(1, maxEdge / Math.max(bitmap.width, bitmap.height));
      const canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(bitmap.width * scale));
      canvas.height = Math.max(1, Math.round(bitmap.height * scale));
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) { canvas.toBlob(resolve, type, 0.9); });
    });
  }

  function needsShrinking(file, maxEdge, maxBytes) {
    if (file.size > maxBytes) return Promise.resolve(true);
    return createImageBitmap(file).then(function (bitmap) {
      return Math.max(bitmap.width, bitmap.height) > maxEdge;
    }, function () { return false; });
  }

  document.querySelectorAll("form[data-downsize]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      const input = form.querySelector("input[type=file]");
      const file = input && input.files && input.files[0];
      if (!file || form.dataset.sending) return;
      event.preventDefault();
      const type = form.dataset.downsize;
      const maxEdge = parseInt(form.dataset.maxEdge, 10) || 2000;
      const maxBytes = parseInt(form.dataset.maxBytes, 10) || 4194304;
      const button = form.querySelector("button[type=submit]");
      if (button) button.disabled = true;
      needsShrinking(file, maxEdge, maxBytes).then(function (shrinkIt) {
        return shrinkIt ? shrink(file, type, maxEdge).catch(function () { return file; }) : file;
      }).then(function (blob) {
        const body = new FormData(form);
        const name = type === "image/png" ? "image.png" : "image.jpg";
        body.set(input.name, blob || file, blob && blob !== file ? name : file.name);
        // "manual": the studio's redirect is followed by the page itself, which shows its message
        return fetch(form.action, {
          method: "POST", body: body, credentials: "same-origin", redirect: "manual",
        });
      }).then(function () {
        window.location.assign(form.dataset.done);
      }, function () {
        form.dataset.sending = "1";
        form.submit();
      });
    });
  });
})();
