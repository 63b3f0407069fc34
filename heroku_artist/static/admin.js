/* The reindex page: run the rebuild in the background and show progress until it answers. */
"use strict";

(function () {
  const form = document.getElementById("reindex-form");
  if (!form) return;
  const button = document.getElementById("reindex-button");
  const progress = document.getElementById("reindex-progress");
  const result = document.getElementById("reindex-result");

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    button.disabled = true;
    progress.hidden = false;
    progress.setAttribute("aria-busy", "true");
    result.textContent = "Rebuilding the search index…";
    const started = Date.now();
    const answer = await Studio.send("POST", form.action);
    progress.hidden = true;
    progress.removeAttribute("aria-busy");
    button.disabled = false;
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (answer.ok) {
      result.textContent = "Search index rebuilt: " + answer.body.written + " work(s) written in " + seconds + " s.";
    } else {
      result.textContent = Studio.errorMessage(answer, "The rebuild failed.");
    }
  });
})();
