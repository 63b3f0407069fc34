/* The reindex page: start the rebuild, then poll its task and show real progress. */
"use strict";

(function () {
  const form = document.getElementById("reindex-form");
  if (!form) return;
  const button = document.getElementById("reindex-button");
  const progress = document.getElementById("reindex-progress");
  const bar = document.getElementById("reindex-bar");
  const result = document.getElementById("reindex-result");
  const POLL_MS = 1000;

  function finish(message) {
    progress.hidden = true;
    progress.removeAttribute("aria-busy");
    button.disabled = false;
    result.textContent = message;
  }

  async function poll(url, started) {
    const answer = await Studio.send("GET", url);
    if (!answer.ok) {
      finish(Studio.errorMessage(answer, "Lost track of the rebuild; reload to check."));
      return;
    }
    const task = answer.body.task;
    if (task.total) {
      bar.max = task.total;
      bar.value = task.done;
      result.textContent = "Rebuilding… " + task.done + " of " + task.total + " work(s).";
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (task.state === "done") {
      finish("Search index rebuilt: " + task.done + " work(s) written in " + seconds + " s.");
    } else if (task.state === "failed") {
      finish("The rebuild failed: " + (task.error || "unknown error") + ".");
    } else {
      window.setTimeout(function () { poll(url, started); }, POLL_MS);
    }
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    button.disabled = true;
    progress.hidden = false;
    progress.setAttribute("aria-busy", "true");
    bar.removeAttribute("value");
    result.textContent = "Starting the rebuild…";
    const started = Date.now();
    const answer = await Studio.send("POST", form.action);
    if (!answer.ok) {
      finish(Studio.errorMessage(answer, "The rebuild could not start."));
      return;
    }
    poll(answer.body.poll, started);
  });
})();
