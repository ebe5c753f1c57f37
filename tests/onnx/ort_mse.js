// The reconstruction MSE of an ONNX autoencoder in ONNX Runtime (onnxruntime-node, CPU): an
// independent runtime for the numbers Pareto Studio measures with OpenCV DNN.
//
// usage: node ort_mse.js IMAGES.f32 N C H W BATCH MODEL.onnx [DECODER.onnx]
//   IMAGES.f32: N images, float32 NCHW in [0, 1]. One file runs x -> x_hat; two files run the
//   encoder's first output (mu) through the decoder. BATCH: images per run (1 for a graph
//   exported with a static batch of 1). Prints {"n", "mse"}: the mean over images of the mean
//   squared error per image, accumulated in double.
'use strict';
const fs = require('fs');
const ort = require(process.env.PARETO_ORT_MODULE || 'onnxruntime-node');

async function main() {
  const a = process.argv.slice(2);
  if (a.length < 7) {
    console.error('usage: node ort_mse.js IMAGES.f32 N C H W BATCH MODEL.onnx [DECODER.onnx]');
    process.exit(2);
  }
  const [n, c, h, w, batch] = a.slice(1, 6).map(Number);
  const raw = fs.readFileSync(a[0]);
  const images = new Float32Array(raw.length / 4);
  Buffer.from(images.buffer).set(raw);
  const per = c * h * w;
  if (images.length !== n * per) throw new Error(`${a[0]}: ${images.length} floats, expected ${n * per}`);
  const opts = { executionProviders: ['cpu'], graphOptimizationLevel: 'disabled' };
  const sessions = [];
  for (const f of a.slice(6)) sessions.push(await ort.InferenceSession.create(f, opts));
  let total = 0;
  for (let s = 0; s < n; s += batch) {
    const k = Math.min(batch, n - s);
    let x = new ort.Tensor('float32', images.slice(s * per, (s + k) * per), [k, c, h, w]);
    for (const session of sessions) {
      const feeds = {};
      feeds[session.inputNames[0]] = x;
      x = (await session.run(feeds))[session.outputNames[0]];
    }
    for (let i = 0; i < k; ++i) {
      let sum = 0;
      for (let j = 0; j < per; ++j) {
        const d = x.data[i * per + j] - images[(s + i) * per + j];
        sum += d * d;
      }
      total += sum / per;
    }
  }
  console.log(JSON.stringify({ n, mse: total / n }));
}

main().catch((e) => {
  console.log(JSON.stringify({ error: String(e.message || e).split('\n')[0] }));
  process.exit(1);
});
