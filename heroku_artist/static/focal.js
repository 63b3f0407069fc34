/* The focal-point editor: click (or arrow keys) to place the point, preview the square crop, save. */
"use strict";

(function () {
  const root = document.getElementById("focal");
  if (!root) return;
  const stage = document.getElementById("focal-stage");
  const image = document.getElementById("focal-image");
  const marker = document.getElementById("focal-marker");
  const crop = document.getElementById("crop-image");
  const form = document.getElementById("focal-form");
  const xInput = document.getElementById("focal-x");
  const yInput = document.getElementById("focal-y");
  const status = document.getElementById("focal-status");
  const cropFigure = document.getElementById("crop-figure");
  const current = document.getElementById("current-thumb");
  const currentCaption = document.getElementById("current-thumb-caption");
  const pollMs = Math.min(parseInt(root.dataset.pollMs, 10) || 1000, 1000);
  const STEP = 0.02;

  function clamp(value) {
    return Math.min(1, Math.max(0, value));
  }

  function point() {
    return [clamp(parseFloat(xInput.value) || 0), clamp(parseFloat(yInput.value) || 0)];
  }

  function size() {
    const width = image.naturalWidth || parseInt(root.dataset.width, 10) || 1;
    const height = image.naturalHeight || parseInt(root.dataset.height, 10) || 1;
    return [width, height];
  }

  /** Return where (0-100 %) the square crop around the point sits along one axis. */
  function cropPosition(fraction, length, side) {
    if (length <= side) return 50;
    const start = Math.min(Math.max(fraction * length - side / 2, 0), length - side);
    return (start / (length - side)) * 100;
  }

  function render() {
    const [x, y] = point();
    marker.style.left = x * 100 + "%";
    marker.style.top = y * 100 + "%";
    const [width, height] = size();
    const side = Math.min(width, height);
    crop.style.objectPosition = cropPosition(x, width, side) + "% " + cropPosition(y, height, side) + "%";
  }

  function place(x, y) {
    xInput.value = clamp(x).toFixed(3);
    yInput.value = clamp(y).toFixed(3);
    status.textContent = "Not saved yet: " + xInput.value + ", " + yInput.value + ".";
    cropFigure.hidden = false;
    render();
  }

  stage.addEventListener("click", function (event) {
    const box = image.getBoundingClientRect();
    place((event.clientX - box.left) / box.width, (event.clientY - box.top) / box.height);
  });
  stage.addEventListener("keydown", function (event) {
    const [x, y] = point();
    const moves = { ArrowLeft: [-STEP, 0], ArrowRight: [STEP, 0], ArrowUp: [0, -STEP], ArrowDown: [0, STEP] };
    const move = moves[event.key];
    if (move) {
      event.preventDefault();
      place(x + move[0], y + move[1]);
    } else if (event.key === "Enter") {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  [xInput, yInput].forEach(function (field) { field.addEventListener("input", render); });
  image.addEventListener("load", render);

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    const [x, y] = point();
    status.textContent = "Saving…";
    const result = await Studio.send("POST", root.dataset.url, { x: x, y: y });
    if (result.ok) {
      const saved = result.body.focal_point || [x, y];
      status.textContent = "Saved at " + saved[0] + ", " + saved[1] + ". The thumbnail is being cropped again.";
      if (currentCaption) currentCaption.textContent = "The thumbnail visitors see (a new one is being made)";
      followRender(result.body.version || 0);
    } else {
      status.textContent = Studio.errorMessage(result, "The focal point could not be saved.");
    }
  });
  /** Poll the work until the render after `savedVersion` is done, then show its thumbnail. */
  function followRender(savedVersion, tries) {
    tries = tries || 0;
    if (tries > 600) return;
    window.setTimeout(async function () {
      const result = await Studio.send("GET", root.dataset.statusUrl);
      const work = result.ok && result.body.works[0];
      if (!work || work.status === "deleted") return;
      if (work.pending || work.version <= savedVersion) {
        followRender(savedVersion, tries + 1);
        return;
      }
      if (work.thumbnail && current) current.src = work.thumbnail;
      if (currentCaption) currentCaption.textContent = "The thumbnail visitors see";
      cropFigure.hidden = true;
      status.textContent = work.rejection_reason || "The new thumbnail is ready.";
    }, pollMs);
  }

  render();
})();
