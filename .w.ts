import { tf } from './src/train/tf';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import path from 'node:path';
async function main() {
  const t0 = performance.now();
  setWasmPaths(path.resolve('node_modules/@tensorflow/tfjs-backend-wasm/dist') + '/');
  console.log(await tf.setBackend('wasm'), performance.now() - t0);
}
main();
