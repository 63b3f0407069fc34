/* Copper Print Gallery: a closer look at one work. A large work opens in a zoom viewer
   (OpenSeadragon, vendored in vendor/openseadragon/ and loaded only when asked for) with
   wheel, pinch and keyboard zoom and full screen; a smaller one opens in a lightbox. Both are
   modal <dialog>s: Esc closes them. Without this file the page shows the work as before. */
(function () {
  "use strict";

  var dialog = document.getElementById("closer");
  var opener = document.querySelector("[data-opens=closer]");
  if (!dialog || !opener || typeof dialog.showModal !== "function") return;

  var viewer = null;
  var loading = null;
  var ZOOM_STEP = 1.5;

  function loadScript(src) {
    if (window.OpenSeadragon) return Promise.resolve();
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = src;
        script.onload = resolve;
        script.onerror = function () { loading = null; reject(new Error("viewer unavailable")); };
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  function tileSource(data) {
    var width = Number(data.width), height = Number(data.height);
    var maxLevel = Math.ceil(Math.log2(Math.max(width, height)));
    return {
      width: width,
      height: height,
      tileSize: Number(data.tileSize),
      tileOverlap: Number(data.overlap),
      minLevel: 0,
      maxLevel: maxLevel,
      getTileUrl: function (level, x, y) {
        return data.tiles + level + "/" + x + "_" + y + "." + data.extension + data.query;
      }
    };
  }

  function startViewer() {
    var canvas = dialog.querySelector(".zoom-canvas");
    dialog.setAttribute("data-state", "loading");
    var started = performance.now();
    return loadScript(dialog.dataset.script).then(function () {
      viewer = window.OpenSeadragon({
        element: canvas,
        tileSources: tileSource(dialog.dataset),
        drawer: "canvas", /* tiles come from the media origin without CORS: no WebGL */
        crossOriginPolicy: false,
        showNavigationControl: false,
        showNavigator: false,
        visibilityRatio: 0.8,
        constrainDuringPan: true,
        maxZoomPixelRatio: 2,
        zoomPerScroll: 1.3,
        animationTime: 0.5,
        preserveImageSizeOnResize: true
      });
      viewer.addOnceHandler("tile-drawn", function () {
        dialog.setAttribute("data-state", "ready");
        dialog.setAttribute("data-first-tile-ms", String(Math.round(performance.now() - started)));
        if (performance.mark) performance.mark("copper:first-tile");
      });
      viewer.addHandler("zoom", function (event) {
        dialog.setAttribute("data-zoom", String(Math.round(event.zoom * 1000) / 1000));
      });
      viewer.addOnceHandler("open", function () { focusCanvas(); });
    }).catch(function () {
      dialog.setAttribute("data-state", "failed");
      canvas.textContent = "The zoom viewer could not be loaded. Close this and try again.";
    });
  }

  function focusCanvas() {
    var target = viewer && viewer.canvas;
    if (target) target.focus({ preventScroll: true });
  }

  function fullscreen() {
    if (document.fullscreenElement) {
      document.exitFullscreen().catch(function () {});
      return;
    }
    dialog.setAttribute("data-fullscreen", "requested");
    if (dialog.requestFullscreen) dialog.requestFullscreen().catch(function () {});
  }

  function act(action) {
    if (action === "close") { dialog.close(); return; }
    if (action === "fullscreen") { fullscreen(); return; }
    if (!viewer) return;
    var viewport = viewer.viewport;
    if (action === "in") viewport.zoomBy(ZOOM_STEP);
    if (action === "out") viewport.zoomBy(1 / ZOOM_STEP);
    if (action === "home") viewport.goHome();
    viewport.applyConstraints();
    focusCanvas();
  }

  function open() {
    dialog.showModal();
    if (dialog.classList.contains("zoom")) {
      if (!viewer && !dialog.hasAttribute("data-state")) startViewer();
      else focusCanvas();
    }
  }

  dialog.addEventListener("click", function (event) {
    var button = event.target.closest("[data-action]");
    if (button) act(button.getAttribute("data-action"));
    else if (event.target === dialog && dialog.classList.contains("lightbox")) dialog.close();
  });
  dialog.addEventListener("close", function () {
    if (document.fullscreenElement) document.exitFullscreen().catch(function () {});
    opener.focus();
  });
  opener.addEventListener("click", open);
  var frame = document.querySelector(".stage-frame");
  if (frame) frame.addEventListener("click", open);
  opener.hidden = false;
})();
