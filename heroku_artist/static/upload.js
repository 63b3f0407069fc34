/* The upload pages: drop files, upload each straight to storage with progress, follow its status.

   On the upload page each file becomes a new work. On a work's upload page (data-artwork-id)
   one file goes to that existing work: a new file for a failed or rejected work, or the
   replacement of a ready one. Every attempt posts a fresh one-shot form from the studio
   (reissue); a form that was posted once is never posted again, even after a network error,
   because storage refuses a used form (403 form_used).

   A batch uploads MAX_PARALLEL files at a time; the others wait in line in the browser, and a
   file that arrived waits in line again until the processor takes it. Each card shows the
   dropped file at once (a local object URL) until the real thumbnail is made; the summary
   counts the batch ("7 of 10 ready"). */
"use strict";

(function () {
  const root = document.getElementById("uploader");
  if (!root) return;
  const input = document.getElementById("files");
  const zone = document.getElementById("dropzone");
  const list = document.getElementById("upload-list");
  const template = document.getElementById("card-template");
  const announcer = document.getElementById("upload-announcer");
  const types = root.dataset.types.split(" ");
  const extensions = root.dataset.extensions.split(" ");
  const pollMs = parseInt(root.dataset.pollMs, 10) || 1500;
  let maxBytes = parseInt(root.dataset.maxBytes, 10) || 0;
  const artworkId = root.dataset.artworkId || null; // set on a work's own upload page
  const summary = document.getElementById("upload-summary");
  const cards = new Map(); // artwork id -> card state
  const all = []; // every card of this page, in the order dropped
  const line = []; // cards waiting in the browser for an upload slot
  const MAX_PARALLEL = 3;
  let running = 0;
  const TERMINAL = ["ready", "rejected", "failed", "deleted"];
  const LABELS = {
    checking: "Checking",
    waiting: "Waiting in line",
    uploading: "Uploading",
    processing: "Processing",
    ready: "Ready",
    rejected: "Rejected",
    failed: "Failed",
    deleted: "Deleted",
  };
  const THUMB_TEXT = {
    waiting: "Waiting…",
    uploading: "Uploading…",
    processing: "Processing…",
    rejected: "No preview",
    failed: "No preview",
    deleted: "Deleted",
  };
  let pollTimer = null;


  function urlFor(name, id) {
    return root.dataset[name].replace("__id__", encodeURIComponent(id));
  }

  function announce(text) {
    announcer.textContent = text;
  }

  function extensionOf(name) {
    const dot = name.lastIndexOf(".");
    return dot >= 0 ? name.slice(dot).toLowerCase() : "";
  }

  /** Return a byte count in binary megabytes ("250 MiB"), as the server and the docs say it. */
  function megabytes(bytes) {
    const mib = bytes / 1048576;
    return (mib >= 10 ? Math.round(mib).toLocaleString("en") : mib.toFixed(1)) + " MiB";
  }

  /** Return why a file cannot be uploaded, or null when it can. */
  function refusal(file) {
    const typeKnown = types.indexOf(file.type) >= 0;
    const untyped = file.type === "" || file.type === "application/octet-stream";
    if (!typeKnown && !(untyped && extensions.indexOf(extensionOf(file.name)) >= 0)) {
      return "This is not a supported image type (JPEG, PNG, WebP, TIFF, GIF, HEIC/HEIF or AVIF).";
    }
    if (file.size === 0) return "This file is empty.";
    if (maxBytes && file.size > maxBytes) {
      return "This file is " + megabytes(file.size) + "; the largest upload is " + megabytes(maxBytes) + ".";
    }
    return null;
  }

  function makeCard(file) {
    const node = template.content.firstElementChild.cloneNode(true);
    node.querySelector(".card-title").textContent = file.name;
    list.prepend(node);
    // stamp: the work's version right after its form was issued; the poll waits for a newer one.
    const card = { node: node, file: file, id: null, state: "checking", sent: false, stamp: null };
    node.querySelector(".card-retry").addEventListener("click", function () { retry(card); });
    node.querySelector(".card-discard").addEventListener("click", function () { discard(card); });
    const picker = node.querySelector(".card-file");
    node.querySelector(".card-new-file").addEventListener("click", function () { picker.click(); });
    picker.addEventListener("change", function () {
      if (picker.files.length) replaceFile(card, picker.files[0]);
      picker.value = "";
    });
    all.push(card);
    showLocal(card);
    return card;
  }

  /** Show the dropped file itself in the card's thumbnail until the real one exists. */
  function showLocal(card) {
    const holder = card.node.querySelector(".card-thumb");
    const old = holder.querySelector("img");
    if (old) {
      if (old.dataset.local) URL.revokeObjectURL(old.src);
      old.remove();
    }
    holder.querySelector(".thumb-placeholder").hidden = false;
    if (refusal(card.file)) return;
    const img = document.createElement("img");
    img.className = "local-preview";
    img.dataset.local = "yes";
    img.alt = "Your file " + card.file.name + ", before processing";
    img.width = 160;
    img.height = 160;
    img.addEventListener("load", function () {
      if (img.isConnected) holder.querySelector(".thumb-placeholder").hidden = true;
    });
    img.addEventListener("error", function () { img.remove(); }); // TIFF or HEIC: no preview
    img.src = URL.createObjectURL(card.file);
    holder.appendChild(img);
    holder.removeAttribute("aria-hidden");
  }

  /** Remove the dropped file's local preview and show the placeholder again. */
  function dropLocal(card) {
    const holder = card.node.querySelector(".card-thumb");
    const img = holder.querySelector("img.local-preview");
    if (!img) return;
    URL.revokeObjectURL(img.src);
    img.remove();
    holder.querySelector(".thumb-placeholder").hidden = false;
  }

  /** Write the batch's overall progress: how many are ready, and what the others are doing. */
  function summarise() {
    if (!summary) return;
    const counts = {};
    all.forEach(function (card) { counts[card.state] = (counts[card.state] || 0) + 1; });
    const total = all.length;
    const ready = counts.ready || 0;
    const parts = [];
    [["waiting", "waiting in line"], ["uploading", "uploading"], ["processing", "processing"],
     ["rejected", "refused"], ["failed", "failed"]].forEach(function (pair) {
      if (counts[pair[0]]) parts.push(counts[pair[0]] + " " + pair[1]);
    });
    summary.hidden = total === 0;
    summary.querySelector(".summary-count").textContent = ready + " of " + total + " ready";
    summary.querySelector(".summary-detail").textContent = parts.join(", ");
    const bar = summary.querySelector("progress");
    bar.max = total || 1;
    bar.value = ready;
    const edit = summary.querySelector(".summary-edit");
    const done = all.filter(function (card) { return card.id && card.state === "ready"; });
    if (edit && done.length > 1) {
      edit.href = root.dataset.bulkUrl + "?selected=" + done.map(function (card) { return encodeURIComponent(card.id); }).join(",");
      edit.hidden = false;
    }
  }

  function show(card, state, detail, reason) {
    card.state = state;
    const node = card.node;
    node.dataset.state = state;
    const badge = node.querySelector(".badge");
    badge.textContent = LABELS[state] || state;
    badge.className = "badge badge-" + state;
    node.querySelector(".card-detail").textContent = detail || "";
    const reasonNode = node.querySelector(".card-reason");
    reasonNode.textContent = reason || "";
    const progress = node.querySelector("progress");
    progress.hidden = state !== "uploading" && state !== "processing";
    if (state === "processing") progress.removeAttribute("value");
    node.querySelector(".card-retry").hidden = state !== "failed";
    const givenUp = state === "rejected" || state === "failed";
    node.querySelector(".card-discard").hidden = Boolean(artworkId) || !givenUp;
    node.querySelector(".card-new-file").hidden = Boolean(artworkId) || state !== "rejected" || !card.id;
    node.querySelector(".thumb-text").textContent = THUMB_TEXT[state] || "";
    if (state === "rejected") dropLocal(card); // a refused file is not shown as if it were fine
    const link = node.querySelector(".card-link");
    if (card.id && state !== "deleted") {
      link.href = urlFor("workUrl", card.id);
      link.textContent = state === "ready" ? "Edit details" : "Open";
      link.hidden = false;
    } else {
      link.hidden = true;
    }
    summarise();
  }

  function showThumbnail(card, url, title) {
    const holder = card.node.querySelector(".card-thumb");
    const old = holder.querySelector("img");
    if (!url || (old && !old.dataset.local)) return;
    if (old) {
      URL.revokeObjectURL(old.src);
      old.remove();
    }
    const img = document.createElement("img");
    img.src = url;
    img.alt = "Thumbnail of " + title;
    img.width = 160;
    img.height = 160;
    holder.querySelector(".thumb-placeholder").hidden = true;
    holder.appendChild(img);
    holder.removeAttribute("aria-hidden");
  }

  /** Post the signed form's fields, then the file, straight to storage with progress. */
  function sendToStorage(card, form, contentType) {
    return new Promise(function (resolve) {
      const data = new FormData();
      Object.keys(form.fields).forEach(function (name) { data.append(name, form.fields[name]); });
      if (!("Content-Type" in form.fields) && !("content-type" in form.fields)) {
        data.append("Content-Type", contentType);
      }
      data.append("file", card.file);
      const xhr = new XMLHttpRequest();
      const progress = card.node.querySelector("progress");
      xhr.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) {
          const percent = Math.round((event.loaded / event.total) * 100);
          progress.value = percent;
          card.node.querySelector(".card-detail").textContent = percent + "%";
        }
      });
      xhr.addEventListener("load", function () {
        if (xhr.status >= 200 && xhr.status < 300) {
          resolve(null);
          return;
        }
        let message = "Storage refused the file (" + xhr.status + ").";
        try {
          const body = JSON.parse(xhr.responseText);
          if (body && body.error && body.error.message) message = "Storage refused the file: " + body.error.message + ".";
        } catch (error) { /* S3 answers XML: keep the generic message */ }
        resolve(message);
      });
      xhr.addEventListener("error", function () { resolve("The upload was interrupted. Check your connection and retry."); });
      xhr.addEventListener("abort", function () { resolve("The upload was cancelled."); });
      xhr.open("POST", form.url);
      xhr.send(data);
    });
  }

  /** Ask the studio for a fresh one-shot form for the card's work, then upload with it. */
  async function uploadAgain(card) {
    show(card, "uploading", "Preparing…");
    const result = await Studio.send("POST", urlFor("reissueUrl", card.id), { name: card.file.name, type: card.file.type });
    if (result.ok) {
      card.stamp = result.body.work ? result.body.work.version : null;
      await upload(card, result.body.upload, result.body.content_type);
      return;
    }
    const message = Studio.errorMessage(result, "Could not start the upload.");
    if (result.status === 409) {
      // The work is being processed: an upload that looked interrupted may have arrived.
      card.sent = true;
      show(card, "processing", "Processing a file that arrived…", message);
      schedulePoll();
      return;
    }
    show(card, result.status === 413 || result.status === 415 ? "rejected" : "failed", "", message);
    announce(card.file.name + ": " + message);
  }

  async function upload(card, form, contentType) {
    show(card, "uploading", "0%");
    card.node.querySelector("progress").value = 0;
    const problem = await sendToStorage(card, form, contentType);
    if (problem) {
      card.sent = false;
      show(card, "failed", "", problem);
      announce(card.file.name + ": upload failed.");
      return;
    }
    card.sent = true;
    show(card, "waiting", "Uploaded; waiting for processing to start.");
    announce(card.file.name + " uploaded; waiting in line for processing.");
    schedulePoll();
  }

  async function start(file) {
    const card = makeCard(file);
    const problem = refusal(file);
    if (problem) {
      show(card, "rejected", "", problem);
      announce(file.name + " was not uploaded: " + problem);
      return;
    }
    if (artworkId) {
      card.id = artworkId;
      cards.set(card.id, card);
      await uploadAgain(card);
      return;
    }
    show(card, "waiting", "Waits for a free upload slot.");
    line.push(card);
    pump();
  }

  /** Start the next cards in line while fewer than MAX_PARALLEL are uploading. */
  function pump() {
    while (running < MAX_PARALLEL && line.length) {
      const card = line.shift();
      if (card.discarded) continue;
      running += 1;
      create(card).finally(function () {
        running -= 1;
        pump();
      });
    }
  }

  /** Create the card's work and upload its file with the form that comes with it. */
  async function create(card) {
    const file = card.file;
    show(card, "uploading", "Preparing…");
    const result = await Studio.send("POST", root.dataset.createUrl, { name: file.name, type: file.type, size: file.size });
    if (!result.ok) {
      const message = Studio.errorMessage(result, "The studio could not start this upload.");
      const state = result.status === 413 || result.status === 415 ? "rejected" : "failed";
      show(card, state, "", message);
      announce(file.name + ": " + message);
      return;
    }
    card.id = result.body.work.id;
    card.contentType = result.body.content_type;
    cards.set(card.id, card);
    if (result.body.upload.max_bytes) maxBytes = result.body.upload.max_bytes;
    await upload(card, result.body.upload, card.contentType);
  }

  /** Delete the card's work (a refused or failed file) and remove the card. */
  async function discard(card) {
    card.discarded = true;
    if (card.id) {
      const result = await Studio.send("POST", urlFor("discardUrl", card.id));
      if (!result.ok) {
        card.discarded = false;
        announce(Studio.errorMessage(result, "Could not discard this work."));
        return;
      }
      cards.delete(card.id);
    }
    const preview = card.node.querySelector("img");
    if (preview && preview.dataset.local) URL.revokeObjectURL(preview.src);
    card.node.remove();
    all.splice(all.indexOf(card), 1);
    summarise();
    announce(card.file.name + " discarded.");
  }

  /** Upload a new file for the card's work (after its file was refused). */
  async function replaceFile(card, file) {
    const problem = refusal(file);
    card.file = file;
    card.node.querySelector(".card-title").textContent = file.name;
    showLocal(card);
    if (problem) {
      show(card, "rejected", "", problem);
      return;
    }
    card.sent = false;
    await uploadAgain(card);
  }

  async function retry(card) {
    if (!card.id) {
      card.node.remove();
      start(card.file);
      return;
    }
    if (card.sent) {
      show(card, "processing", "Sending for processing again…");
      const result = await Studio.send("POST", urlFor("reprocessUrl", card.id));
      if (result.ok) {
        schedulePoll();
        return;
      }
      if (result.status !== 409) {
        show(card, "failed", "", Studio.errorMessage(result, "Could not retry."));
        return;
      }
    }
    await uploadAgain(card);
  }

  /** Return whether a polled work shows the outcome of this card's upload. */
  function settled(card, work) {
    if (TERMINAL.indexOf(work.status) < 0 || work.pending) return false;
    return work.status === "deleted" || card.stamp === null || work.version !== card.stamp;
  }

  function schedulePoll() {
    if (pollTimer === null) pollTimer = window.setTimeout(poll, pollMs);
  }

  async function poll() {
    pollTimer = null;
    const waiting = [];
    cards.forEach(function (card, id) {
      if (card.sent && (card.state === "processing" || card.state === "waiting")) waiting.push(id);
    });
    if (!waiting.length) return;
    const result = await Studio.send("GET", root.dataset.statusUrl + "?ids=" + waiting.map(encodeURIComponent).join(","));
    if (result.ok) {
      result.body.works.forEach(function (work) {
        const card = cards.get(work.id);
        if (!card || (card.state !== "processing" && card.state !== "waiting")) return;
        if (!settled(card, work)) {
          if (work.status === "processing" || work.pending) {
            if (card.state !== "processing") show(card, "processing", "Making renditions…");
          } else if (work.status === "awaiting_upload" && card.state !== "waiting") {
            show(card, "waiting", "Uploaded; waiting for processing to start.");
          }
          return;
        }
        if (work.status === "ready" && artworkId && work.rejection_reason) {
          show(card, "rejected", "The work keeps its current image.", work.rejection_reason);
        } else if (work.status === "ready") {
          const duplicate = work.possible_duplicate_of ? "Possible duplicate of another work." : "";
          show(card, "ready", artworkId ? "The new file is processed." : "Open it to add details and publish.", duplicate);
          showThumbnail(card, work.thumbnail, work.title);
        } else if (work.status === "rejected") {
          show(card, "rejected", "", work.rejection_reason || "The image could not be used.");
        } else if (work.status === "failed") {
          show(card, "failed", "", work.rejection_reason || "Processing failed. Retry in a moment.");
        } else {
          show(card, "deleted", "");
        }
        announce(card.file.name + ": " + (LABELS[work.status] || work.status) + ".");
      });
    } else if (result.status === 401) {
      announce("Your session has ended. Log in again to follow your uploads.");
      return;
    }
    schedulePoll();
  }

  function take(files) {
    if (!artworkId) {
      Array.prototype.forEach.call(files, function (file) { start(file); });
      return;
    }
    const busy = Array.from(cards.values()).some(function (card) {
      return ["waiting", "uploading", "processing"].indexOf(card.state) >= 0;
    });
    if (busy) {
      announce("Wait until this upload has finished before choosing another file.");
      return;
    }
    if (!files.length) return;
    cards.clear();
    list.replaceChildren();
    start(files[0]);
  }

  input.addEventListener("change", function () {
    take(input.files);
    input.value = "";
  });
  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (event) {
      event.preventDefault();
      zone.classList.add("dropzone-active");
    });
  });
  ["dragleave", "dragend"].forEach(function (name) {
    zone.addEventListener(name, function () { zone.classList.remove("dropzone-active"); });
  });
  zone.addEventListener("drop", function (event) {
    event.preventDefault();
    zone.classList.remove("dropzone-active");
    if (event.dataTransfer && event.dataTransfer.files.length) take(event.dataTransfer.files);
  });
})();
