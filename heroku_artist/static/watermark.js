/* The profile's live watermark preview: the pipeline's rules drawn on a sample image.

   Mirrors pipeline/watermark.py: the mark is white bold sans text with a soft dark shadow,
   as wide as a quarter of the image (scale 0.25), padded by a tenth of its height; it sits
   at one of nine anchors with a margin of 3% of the image's shorter side, or is repeated
   with gaps of 0.6 of its width; its opacity is the chosen one. An empty text falls back to
   the copyright line, then to "© display name", as the pipeline does. With "Logo" chosen the
   artist's uploaded logo is drawn instead, a quarter of the image wide, as the pipeline
   draws it. */
"use strict";

(function () {
  const root = document.getElementById("watermark-preview");
  if (!root) return;
  const canvas = document.getElementById("watermark-canvas");
  const caption = document.getElementById("watermark-caption");
  const enabled = document.getElementById("watermark_enabled");
  const text = document.getElementById("watermark_text");
  const position = document.getElementById("position");
  const opacity = document.getElementById("opacity");
  const copyright = document.getElementById("copyright_line");
  const name = document.getElementById("display_name");
  const SCALE = parseFloat(root.dataset.scale) || 0.25;
  const MARGIN_SHARE = 0.03;
  const TILE_GAP_SHARE = 0.6;
  const logoChoice = document.getElementById("watermark_kind_logo");
  const textChoice = document.getElementById("watermark_kind_text");
  const sample = new Image();
  const logo = new Image();

  function usesLogo() {
    return Boolean(logoChoice && logoChoice.checked);
  }

  /** Draw the logo into its own canvas, `width` × SCALE wide, keeping its proportions. */
  function logoCanvas(width) {
    const mark = document.createElement("canvas");
    mark.width = Math.max(8, Math.round(width * SCALE));
    mark.height = Math.max(1, Math.round(mark.width * logo.naturalHeight / logo.naturalWidth));
    mark.getContext("2d").drawImage(logo, 0, 0, mark.width, mark.height);
    return mark;
  }

  function markText() {
    return text.value.trim() || copyright.value.trim() || "© " + name.value.trim();
  }

  /** Draw the mark's text into its own canvas, sized as the pipeline sizes it. */
  function markCanvas(width) {
    const probe = canvas.getContext("2d");
    probe.font = "bold 100px sans-serif";
    const measured = Math.max(1, probe.measureText(markText()).width);
    const size = 100 * (width * SCALE) / measured;
    const textHeight = Math.ceil(size * 1.2);
    const pad = Math.max(2, Math.floor(textHeight / 10));
    const mark = document.createElement("canvas");
    mark.width = Math.max(8, Math.round(width * SCALE)) + 2 * pad;
    mark.height = textHeight + 2 * pad;
    const ctx = mark.getContext("2d");
    ctx.font = "bold " + size + "px sans-serif";
    ctx.textBaseline = "middle";
    ctx.fillStyle = "#fff";
    ctx.shadowColor = "rgba(0, 0, 0, 0.5)";
    ctx.shadowBlur = Math.max(0.5, pad / 2) * 2;
    ctx.fillText(markText(), pad, mark.height / 2);
    return mark;
  }

  function anchor(width, height, mark, where, margin) {
    const column = where.indexOf("left") >= 0 ? 0 : where.indexOf("right") >= 0 ? 2 : 1;
    const row = where.indexOf("top") >= 0 ? 0 : where.indexOf("bottom") >= 0 ? 2 : 1;
    const xs = [margin, Math.floor((width - mark.width) / 2), width - mark.width - margin];
    const ys = [margin, Math.floor((height - mark.height) / 2), height - mark.height - margin];
    return [Math.max(0, xs[column]), Math.max(0, ys[row])];
  }

  function draw() {
    if (!sample.complete || !sample.naturalWidth) return;
    const width = sample.naturalWidth;
    const height = sample.naturalHeight;
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext("2d");
    ctx.drawImage(sample, 0, 0);
    root.dataset.drawn = enabled.checked ? position.value : "none";
    if (!enabled.checked) {
      caption.textContent = "Your public images are not marked.";
      return;
    }
    if (usesLogo() && !(logo.complete && logo.naturalWidth)) {
      root.dataset.drawn = "none";
      caption.textContent = "Upload a logo below to preview it here.";
      return;
    }
    root.dataset.mark = usesLogo() ? "logo" : "text";
    const mark = usesLogo() ? logoCanvas(width) : markCanvas(width);
    ctx.globalAlpha = Math.min(1, Math.max(0, (parseFloat(opacity.value) || 0) / 100));
    if (position.value === "tiled") {
      const gap = Math.round(mark.width * TILE_GAP_SHARE);
      for (let y = 0; y < height; y += mark.height + gap) {
        for (let x = 0; x < width; x += mark.width + gap) {
          ctx.drawImage(mark, x + Math.floor(gap / 2), y + Math.floor(gap / 2));
        }
      }
    } else {
      const margin = Math.round(Math.min(width, height) * MARGIN_SHARE);
      const at = anchor(width, height, mark, position.value, margin);
      ctx.drawImage(mark, at[0], at[1]);
    }
    ctx.globalAlpha = 1;
    const what = usesLogo() ? "Your logo" : "“" + markText() + "”";
    caption.textContent = what + ", " + position.options[position.selectedIndex].text.toLowerCase()
      + ", at " + (parseFloat(opacity.value) || 0) + "% opacity (not saved until you save the profile).";
  }

  [enabled, text, position, opacity, copyright, name, logoChoice, textChoice].forEach(function (field) {
    if (!field) return;
    field.addEventListener("input", draw);
    field.addEventListener("change", draw);
  });
  sample.addEventListener("load", draw);
  sample.src = root.dataset.sample;
  if (root.dataset.logo) {
    logo.addEventListener("load", draw);
    logo.src = root.dataset.logo;
  }
})();
