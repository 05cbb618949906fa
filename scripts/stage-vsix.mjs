// Stages the runtime files the worker loads from disk into dist/, so the VSIX (built with --no-dependencies, since
// everything else is bundled) still has its compute backends:
//   dist/wasm/                  the wasm backend's binaries (copied by esbuild.mjs on every build)
//   dist/node_modules/webgpu/   Dawn for THIS platform only (the package holds all five, 130 MB); build one VSIX
//                               per platform (vsce --target) to ship the others.
import fs from 'node:fs';
import path from 'node:path';

const src = 'node_modules/webgpu';
const dst = 'dist/node_modules/webgpu';
const platform = `${process.platform}-${process.arch === 'x64' ? 'x64' : process.arch}`;
fs.rmSync(dst, { recursive: true, force: true });
if (!fs.existsSync(path.join(src, 'dist', platform))) {
  console.warn(`webgpu has no Dawn build for ${platform}: the VSIX will offer wasm and cpu only`);
} else {
  fs.mkdirSync(path.join(dst, 'dist'), { recursive: true });
  for (const f of ['package.json', 'index.js', 'LICENSE.md'])
    if (fs.existsSync(path.join(src, f))) fs.copyFileSync(path.join(src, f), path.join(dst, f));
  fs.cpSync(path.join(src, 'dist', platform), path.join(dst, 'dist', platform), { recursive: true });
  console.log(`staged Dawn (${platform}) into ${dst}`);
}
if (!fs.existsSync('dist/wasm/tfjs-backend-wasm-simd.wasm')) throw new Error('dist/wasm is missing: run node esbuild.mjs first');

// onnxruntime-node, the scoring engine for Hugging Face models (optional): its JS, THIS platform's binding (45 MB of
// the package's 290 MB) and onnxruntime-common. The worker requires it lazily; without it scoring falls back to tfjs.
const ortSrc = 'node_modules/onnxruntime-node';
const ortDst = 'dist/node_modules/onnxruntime-node';
const ortBin = path.join('bin', 'napi-v6', process.platform, process.arch);
fs.rmSync(ortDst, { recursive: true, force: true });
fs.rmSync('dist/node_modules/onnxruntime-common', { recursive: true, force: true });
if (!fs.existsSync(path.join(ortSrc, ortBin))) {
  console.warn(`onnxruntime-node has no binding for ${process.platform}-${process.arch}: Hugging Face models will score on tfjs`);
} else {
  fs.mkdirSync(ortDst, { recursive: true });
  for (const f of ['package.json', 'LICENSE', 'README.md'])
    if (fs.existsSync(path.join(ortSrc, f))) fs.copyFileSync(path.join(ortSrc, f), path.join(ortDst, f));
  fs.cpSync(path.join(ortSrc, 'dist'), path.join(ortDst, 'dist'), { recursive: true });
  fs.cpSync(path.join(ortSrc, ortBin), path.join(ortDst, ortBin), { recursive: true });
  fs.cpSync('node_modules/onnxruntime-common', 'dist/node_modules/onnxruntime-common', { recursive: true });
  console.log(`staged onnxruntime-node (${process.platform}-${process.arch}) into ${ortDst}`);
}
