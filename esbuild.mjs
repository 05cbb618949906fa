// One build for every runtime: extension host, training worker, CLI, benchmark, webview.
// Entries whose source does not exist yet are skipped, so the build works while features land.
// Type-checking is separate (`npm run check-types`); esbuild only bundles.
import * as esbuild from 'esbuild';
import fs from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

// Native addons and wasm-backed packages stay outside the bundle: they load files next to themselves.
const trainExternals = ['webgpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'];

const node = {
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
};

const entries = [
  // The extension host must never pull in tfjs: checked by scripts/check-boundaries.mjs on the metafile.
  { ...node, entryPoints: ['src/host/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'], metafile: true },
  { ...node, entryPoints: ['src/train/worker.ts'], outfile: 'dist/worker.js', external: trainExternals },
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', external: trainExternals, banner: { js: '#!/usr/bin/env node' } },
  { ...node, entryPoints: ['src/cli/bench.ts'], outfile: 'dist/bench.js', external: trainExternals },
  {
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    bundle: true,
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
    entryPoints: ['webview/diagnostics/main.ts'],
    outfile: 'dist/webview/diagnostics.js',
  },
].filter((e) => fs.existsSync(e.entryPoints[0]));

/** Prints errors in the format the `$esbuild-watch` problem matcher in .vscode/tasks.json expects. */
const problemMatcher = {
  name: 'esbuild-problem-matcher',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

if (watch) {
  for (const e of entries) (await esbuild.context({ ...e, plugins: [problemMatcher] })).watch();
} else {
  const results = await Promise.all(entries.map((e) => esbuild.build(e)));
  const host = results[entries.findIndex((e) => e.outfile === 'dist/extension.js')];
  if (host?.metafile) fs.writeFileSync('dist/extension.meta.json', JSON.stringify(host.metafile));
  fs.chmodSync('dist/cli.js', 0o755);
  copyWasmBinaries();
}

/** The wasm backend's JS is bundled; its binaries must sit next to the bundles (dist/wasm/), since a VSIX has no node_modules. */
function copyWasmBinaries() {
  const src = 'node_modules/@tensorflow/tfjs-backend-wasm/dist';
  fs.mkdirSync('dist/wasm', { recursive: true });
  // Node runs the single-threaded builds only; the threaded one needs cross-origin-isolated browser workers.
  for (const f of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm']) fs.copyFileSync(`${src}/${f}`, `dist/wasm/${f}`);
}
