// sharp as a whole process: write a job's renditions (bench/process.py writes the job).
//
//   node bench/sharp_renditions.cjs each|once JOB.json OUT_DIR   (sharp found through NODE_PATH)
//
// each: idiomatic sharp, one sharp(input) pipeline per output (each decodes the file, with
//       shrink-on-load where the format allows it).
// once: one decode at the job's base size into raw pixels, then one .clone() per output.
// Both use the job's encoder settings: AVIF quality/effort with 4:2:0 chroma (libvips'
// default below Q90, sharp's default is 4:4:4), WebP quality/effort, progressive JPEG with
// optimised Huffman coding. Sizes are exact (fit: "fill" to the planned width × height);
// the square thumbnail is an attention crop, as in the pipeline.
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const sharp = require("sharp");

function encode(pipeline, fmt) {
  if (fmt.format === "avif") {
    return pipeline.avif({ quality: fmt.quality, effort: fmt.effort, chromaSubsampling: "4:2:0" });
  }
  if (fmt.format === "webp") {
    return pipeline.webp({ quality: fmt.quality, effort: fmt.effort });
  }
  return pipeline.jpeg({ quality: fmt.quality, progressive: fmt.progressive, optimiseCoding: true });
}

function outputs(job) {
  const sized = job.sizes.map((s) => ({ name: s.name, width: s.width, height: s.height, fit: "fill" }));
  const side = job.thumbnail.side;
  const thumb = { name: job.thumbnail.name, width: side, height: side, fit: "cover" };
  return [...sized, thumb];
}

function resizeTo(pipeline, out) {
  const options = { fit: out.fit };
  if (out.fit === "cover") options.position = sharp.strategy.attention;
  return pipeline.resize(out.width, out.height, options);
}

async function each(job, dir) {
  for (const out of outputs(job)) {
    for (const fmt of job.formats) {
      const pipeline = resizeTo(sharp(job.input).rotate(), out);
      await encode(pipeline, fmt).toFile(path.join(dir, `${out.name}.${fmt.extension}`));
    }
  }
}

async function once(job, dir) {
  const decoded = await sharp(job.input)
    .rotate()
    .resize(job.base.width, job.base.height, { fit: "fill" })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width, height, channels } = decoded.info;
  const base = sharp(decoded.data, { raw: { width, height, channels } });
  for (const out of outputs(job)) {
    for (const fmt of job.formats) {
      const pipeline = resizeTo(base.clone(), out);
      await encode(pipeline, fmt).toFile(path.join(dir, `${out.name}.${fmt.extension}`));
    }
  }
}

async function main() {
  const [mode, jobPath, dir] = process.argv.slice(2);
  const job = JSON.parse(fs.readFileSync(jobPath, "utf8"));
  fs.mkdirSync(dir, { recursive: true });
  await ({ each, once })[mode](job, dir);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
