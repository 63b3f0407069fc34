/* Admin pages: the reindex page polls its rebuild; the replay page follows a whole-queue move. */
"use strict";

(function () {
  const form = document.getElementById("reindex-form");
  if (!form) return;
  const button = document.getElementById("reindex-button");
  const progress = document.getElementById("reindex-progress");
  const bar = document.getElementById("reindex-bar");
  const result = document.getElementById("reindex-result");
  const POLL_MS = 1000;

  function plural(count, noun) {
    return count + " " + noun + (count === 1 ? "" : "s");
  }

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
      result.textContent = "Rebuilding… " + task.done + " of " + plural(task.total, "work") + ".";
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (task.state === "done") {
      finish("Search index rebuilt: " + plural(task.done, "work") + " written in " + seconds + " s.");
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

(function () {
  const status = document.getElementById("move-status");
  if (!status || status.dataset.state !== "RUNNING") return;
  const state = document.getElementById("move-state");
  const count = document.getElementById("move-count");
  const actions = document.getElementById("move-actions");
  const POLL_MS = 2000;

  function label(value) {
    return value.charAt(0) + value.slice(1).toLowerCase();
  }

  async function poll() {
    const answer = await Studio.send("GET", status.dataset.pollUrl);
    if (!answer.ok) {
      state.textContent = Studio.errorMessage(answer, "Lost track of the replay; reload to check.");
      return;
    }
    const task = answer.body.task;
    status.dataset.state = task.status;
    state.textContent = label(task.status);
    count.textContent = task.moved + (task.to_move === null || task.to_move === undefined ? "" : " of " + task.to_move);
    if (task.status === "RUNNING") {
      window.setTimeout(poll, POLL_MS);
    } else if (actions) {
      actions.hidden = true;
    }
  }

  window.setTimeout(poll, POLL_MS);
})();
