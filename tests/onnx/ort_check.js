// Runs every ONNX file of a Pareto deployment package in ONNX Runtime (an independent runtime:
// onnxruntime-node's CPU binaries) and compares it with golden/onnx_expected.safetensors.
//
// usage: node ort_check.js PACKAGE_DIR [--images FILE.f32 N C H W --out FILE.f32]
//   prints one JSON object: {ort_version, files: [{file, opset, loaded, max_abs_error, ok, error,
//   golden_expected_max_abs_error (vs golden/expected.safetensors, the desktop model's output)}],
//   tolerance, passed}; with --images, model.onnx's reconstructions of the N images (raw
//   float32, NCHW) are written to --out (without model.onnx: encoder.onnx -> step ->
//   decoder.onnx). With onnx.latent_step "nearest-code" the decoder runs on the codes nearest
//   to ONNX Runtime's own encoder output (codebook.safetensors), as the device does. Exit status 0 when every file loads and reproduces
//   the golden outputs within the package's golden tolerance, 1 otherwise, 2 on usage errors.
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require(process.env.PARETO_ORT_MODULE || 'onnxruntime-node');

function safetensors(file) {
  const b = fs.readFileSync(file);
  const n = Number(b.readBigUInt64LE(0));
  const header = JSON.parse(b.subarray(8, 8 + n).toString('utf8'));
  const out = {};
  for (const [k, v] of Object.entries(header)) {
    if (k === '__metadata__') continue;
    if (v.dtype !== 'F32') throw new Error(`${file}: ${k} is ${v.dtype}, expected F32`);
    const [lo, hi] = v.data_offsets;
    const bytes = b.subarray(8 + n + lo, 8 + n + hi);
    const data = new Float32Array(bytes.length / 4);
    Buffer.from(data.buffer).set(bytes);  // copy: the slice may not be 4-byte aligned
    out[k] = { shape: v.shape, data };
  }
  return out;
}

function maxAbs(a, b) {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; ++i) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

// The device's step between encoder.onnx and decoder.onnx: every position's L-vector of
// z [N, L, h, w] replaced by the nearest row of codebook [K, L] (ties to the lowest index).
function nearestCodes(z, codebook) {
  const [n, l, h, w] = z.dims || z.shape;
  const [k] = codebook.shape;
  const hw = h * w;
  const out = new Float32Array(z.data.length);
  for (let b = 0; b < n; ++b)
    for (let p = 0; p < hw; ++p) {
      let best = 0;
      let bestD = Infinity;
      for (let c = 0; c < k; ++c) {
        let d = 0;
        for (let j = 0; j < l; ++j) {
          const e = z.data[(b * l + j) * hw + p] - codebook.data[c * l + j];
          d += e * e;
        }
        if (d < bestD) {
          bestD = d;
          best = c;
        }
      }
      for (let j = 0; j < l; ++j) out[(b * l + j) * hw + p] = codebook.data[best * l + j];
    }
  return { data: out, shape: [n, l, h, w] };
}

async function runOnce(session, data, shape) {
  const feeds = {};
  feeds[session.inputNames[0]] = new ort.Tensor('float32', data, shape);
  const out = await session.run(feeds);
  return out[session.outputNames[0]];
}

// A graph made for a fixed batch (manifest input.batch a number) runs in chunks of it.
async function run(session, batch, tensor) {
  const n = tensor.shape[0];
  if (typeof batch !== 'number' || batch <= 0 || batch === n) return runOnce(session, tensor.data, tensor.shape);
  const per = tensor.data.length / n;
  let data = null, dims = null;
  for (let s = 0; s < n; s += batch) {
    const k = Math.min(batch, n - s);
    const chunk = new Float32Array(batch * per);
    for (let i = 0; i < batch; ++i) chunk.set(tensor.data.subarray((s + Math.min(i, k - 1)) * per, (s + Math.min(i, k - 1) + 1) * per), i * per);
    const y = await runOnce(session, chunk, [batch, ...tensor.shape.slice(1)]);
    const outPer = y.data.length / batch;
    if (!data) {
      data = new Float32Array(n * outPer);
      dims = [n, ...y.dims.slice(1)];
    }
    data.set(y.data.subarray(0, k * outPer), s * outPer);
  }
  return { data, dims };
}

async function main() {
  const args = process.argv.slice(2);
  if (args.length < 1) {
    console.error('usage: node ort_check.js PACKAGE_DIR [--images FILE.f32 N C H W --out FILE.f32]');
    process.exit(2);
  }
  const pkg = args[0];
  const manifest = JSON.parse(fs.readFileSync(path.join(pkg, 'manifest.json'), 'utf8'));
  const onnx = manifest.onnx || { files: [] };
  const tolerance = manifest.golden.max_abs_error;
  const golden = safetensors(path.join(pkg, 'golden/input.safetensors')).input;
  const expected = onnx.files.length ? safetensors(path.join(pkg, onnx.golden_expected)) : {};
  // What the desktop model computed (golden/expected.safetensors): reported beside the check.
  const goldenExpectedFile = path.join(pkg, 'golden/expected.safetensors');
  const goldenExpected = fs.existsSync(goldenExpectedFile) ? safetensors(goldenExpectedFile) : {};
  const report = { ort_version: ort.env.versions ? ort.env.versions.node : 'unknown', tolerance, files: [], passed: onnx.files.length > 0 };
  const sessions = {};
  const step = onnx.latent_step;
  const codebook = step ? safetensors(path.join(pkg, step.file))[step.tensor] : null;
  let encoderOut = null;
  const between = (z) => (codebook ? nearestCodes(z, codebook) : { data: z.data, shape: z.dims });
  for (const f of onnx.files) {
    const r = { file: f.file, opset: f.opset, loaded: false, max_abs_error: null, ok: false };
    try {
      const session = await ort.InferenceSession.create(path.join(pkg, f.file), { executionProviders: ['cpu'], graphOptimizationLevel: 'disabled' });
      r.loaded = true;
      sessions[f.graph] = { session, batch: f.input ? f.input.batch : undefined };
      const x = f.graph === 'decoder' ? (codebook ? between(encoderOut) : expected.mu) : golden;
      const want = f.graph === 'encoder' ? expected.mu : expected.reconstruction;
      const y = await run(session, f.input ? f.input.batch : undefined, x);
      if (f.graph === 'encoder') encoderOut = y;
      r.output_shape = y.dims;
      r.max_abs_error = maxAbs(y.data, want.data);
      const desktop = f.graph === 'encoder' ? goldenExpected.mu : goldenExpected.reconstruction;
      if (desktop && JSON.stringify(Array.from(y.dims)) === JSON.stringify(desktop.shape)) r.golden_expected_max_abs_error = maxAbs(y.data, desktop.data);
      r.ok = r.max_abs_error <= tolerance && JSON.stringify(Array.from(y.dims)) === JSON.stringify(want.shape);
    } catch (e) {
      r.error = String(e.message || e).split('\n')[0];
    }
    report.passed = report.passed && r.ok;
    report.files.push(r);
  }
  const i = args.indexOf('--images');
  const o = args.indexOf('--out');
  const whole = sessions.model
    ? (x) => run(sessions.model.session, sessions.model.batch, x)
    : sessions.encoder && sessions.decoder
      ? async (x) => run(sessions.decoder.session, sessions.decoder.batch, between(await run(sessions.encoder.session, sessions.encoder.batch, x)))
      : null;
  if (i >= 0 && o >= 0 && whole) {
    const [n, c, h, w] = args.slice(i + 2, i + 6).map(Number);
    const raw = fs.readFileSync(args[i + 1]);
    const images = new Float32Array(raw.length / 4);
    Buffer.from(images.buffer).set(raw);
    const per = c * h * w;
    if (images.length !== n * per) throw new Error(`${args[i + 1]}: ${images.length} floats, expected ${n * per}`);
    const out = new Float32Array(n * per);
    const batch = 64;
    for (let s = 0; s < n; s += batch) {
      const k = Math.min(batch, n - s);
      const y = await whole({ data: images.subarray(s * per, (s + k) * per), shape: [k, c, h, w] });
      out.set(y.data, s * per);
    }
    fs.writeFileSync(args[o + 1], Buffer.from(out.buffer));
    report.reconstructions = { images: n, out: args[o + 1] };
  }
  console.log(JSON.stringify(report));
  process.exit(report.passed ? 0 : 1);
}

main().catch((e) => {
  console.log(JSON.stringify({ passed: false, error: String(e.message || e) }));
  process.exit(1);
});
