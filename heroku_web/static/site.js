/* Copper Print Gallery: progressive enhancements only; every page works without this file. */
(function () {
  "use strict";

  var DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~";

  function decode83(text) {
    var value = 0;
    for (var i = 0; i < text.length; i++) value = value * 83 + DIGITS.indexOf(text[i]);
    return value;
  }
  function toLinear(v) {
    v = v / 255;
    return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  }
  function toSrgb(v) {
    v = Math.max(0, Math.min(1, v));
    return Math.round((v <= 0.0031308 ? v * 12.92 : 1.055 * Math.pow(v, 1 / 2.4) - 0.055) * 255);
  }
  function signPow(v, e) { return (v < 0 ? -1 : 1) * Math.pow(Math.abs(v), e); }

  /* Decode a BlurHash (https://blurha.sh) into RGBA pixels. */
  function decodeBlurHash(hash, width, height) {
    var size = decode83(hash[0]);
    var nx = (size % 9) + 1, ny = Math.floor(size / 9) + 1;
    if (hash.length !== 4 + 2 * nx * ny) return null;
    var maxAc = (decode83(hash[1]) + 1) / 166;
    var colours = [];
    var dc = decode83(hash.substring(2, 6));
    colours.push([toLinear(dc >> 16), toLinear((dc >> 8) & 255), toLinear(dc & 255)]);
    for (var i = 1; i < nx * ny; i++) {
      var ac = decode83(hash.substring(4 + i * 2, 6 + i * 2));
      colours.push([
        signPow((Math.floor(ac / 361) - 9) / 9, 2) * maxAc,
        signPow((Math.floor(ac / 19) % 19 - 9) / 9, 2) * maxAc,
        signPow((ac % 19 - 9) / 9, 2) * maxAc
      ]);
    }
    var pixels = new Uint8ClampedArray(width * height * 4);
    for (var y = 0; y < height; y++) {
      for (var x = 0; x < width; x++) {
        var r = 0, g = 0, b = 0;
        for (var j = 0; j < ny; j++) {
          for (var k = 0; k < nx; k++) {
            var basis = Math.cos(Math.PI * x * k / width) * Math.cos(Math.PI * y * j / height);
            var c = colours[k + j * nx];
            r += c[0] * basis; g += c[1] * basis; b += c[2] * basis;
          }
        }
        var p = 4 * (x + y * width);
        pixels[p] = toSrgb(r); pixels[p + 1] = toSrgb(g); pixels[p + 2] = toSrgb(b); pixels[p + 3] = 255;
      }
    }
    return pixels;
  }

  /* Paint each frame's BlurHash behind its image while the image loads. */
  function paintPlaceholders(root) {
    var frames = root.querySelectorAll("[data-blurhash]");
    for (var i = 0; i < frames.length; i++) {
      var frame = frames[i];
      try {
        var pixels = decodeBlurHash(frame.getAttribute("data-blurhash"), 24, 24);
        if (!pixels) continue;
        var canvas = document.createElement("canvas");
        canvas.width = 24; canvas.height = 24;
        var context = canvas.getContext("2d");
        context.putImageData(new ImageData(pixels, 24, 24), 0, 0);
        frame.style.backgroundImage = "url(" + canvas.toDataURL() + ")";
      } catch (error) {
        /* the placeholder colour stays */
      }
      frame.removeAttribute("data-blurhash");
    }
  }

  /* Fade images in once loaded, over their placeholder. */
  function fadeIn(root) {
    var images = root.querySelectorAll(".frame img, .tile-frame img, .stage-frame img");
    for (var i = 0; i < images.length; i++) {
      var img = images[i];
      if (img.complete) continue;
      img.setAttribute("data-loading", "");
      var shown = function (event) { event.target.removeAttribute("data-loading"); };
      img.addEventListener("load", shown, { once: true });
      img.addEventListener("error", shown, { once: true });
    }
  }

  /* Load the next page into the grid as the visitor nears the end (the link still works). */
  function infiniteScroll() {
    if (!("IntersectionObserver" in window) || !window.fetch || !window.DOMParser) return;
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) loadMore(entry.target, observer);
      });
    }, { rootMargin: "600px 0px" });
    var link = document.querySelector("[data-grid] ~ .pager [data-more]");
    if (link) observer.observe(link);
  }

  function loadMore(link, observer) {
    var pager = link.closest(".pager");
    if (pager.hasAttribute("data-loading")) return;
    pager.setAttribute("data-loading", "");
    observer.unobserve(link);
    fetch(link.href, { headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var list = document.querySelector("[data-grid] > ul");
        var incoming = page.querySelector("[data-grid] > ul");
        if (!list || !incoming) throw new Error("no grid");
        var items = Array.prototype.slice.call(incoming.children);
        items.forEach(function (item) {
          var adopted = document.importNode(item, true);
          list.appendChild(adopted);
        });
        paintPlaceholders(list);
        fadeIn(list);
        var nextLink = page.querySelector("[data-grid] ~ .pager [data-more]");
        if (nextLink) {
          link.href = nextLink.getAttribute("href");
          pager.removeAttribute("data-loading");
          observer.observe(link);
        } else {
          link.remove();
          pager.removeAttribute("data-loading");
        }
      })
      .catch(function () {
        pager.removeAttribute("data-loading"); /* the link still works by hand */
      });
  }

  /* Fill "More like this" once the work itself has shown (the link works without this). */
  function loadSimilar() {
    var section = document.querySelector("[data-similar]");
    if (!section || !window.fetch || !window.DOMParser) return;
    fetch(section.getAttribute("data-similar"), { headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        var results = new DOMParser().parseFromString(html, "text/html")
          .querySelector("[data-similar-results] > ul");
        var link = section.querySelector(".similar-link");
        if (!results || !results.children.length) {
          section.hidden = true;
          return;
        }
        section.appendChild(document.importNode(results, true));
        if (link) link.remove();
        paintPlaceholders(section);
        fadeIn(section);
      })
      .catch(function () { /* the link stays */ });
  }

  /* Submit the search form when the sort order changes. */
  function autoSubmit() {
    var selects = document.querySelectorAll("[data-autosubmit]");
    for (var i = 0; i < selects.length; i++) {
      selects[i].addEventListener("change", function (event) {
        var form = event.target.form;
        if (form.requestSubmit) form.requestSubmit(); else form.submit();
      });
    }
  }

  function start() {
    paintPlaceholders(document);
    fadeIn(document);
    infiniteScroll();
    loadSimilar();
    autoSubmit();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
