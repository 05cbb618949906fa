// Dawn's Vulkan warnings ("Vulkan shaderUniform*ArrayDynamicIndexing required", printed by native code for every
// adapter it rejects) must not reach the terminal of CLI calls that do not use WebGPU (issue 10 item 12): Dawn is
// probed in a child process whose stderr is captured (the doctor shows it as a detail).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { runTraining } from '../../../src/train/runTraining';
import { tempDir, testConfig, writeSeparable } from '../train/fixtures';

const CLI = path.resolve('dist/cli.js');
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 300_000 });
const DAWN_NOISE = /Vulkan|shaderUniform|PhysicalDeviceVk|BackendType::/;

test("inspect, eval (auto and wasm) and the doctor print none of Dawn's warnings", async (t) => {
  const doctor = run('doctor', '--json');
  assert.equal(doctor.status, 0, doctor.stderr);
  assert.doesNotMatch(doctor.stderr, DAWN_NOISE, 'the doctor probes Dawn in a child too');
  const webgpu = (
    JSON.parse(doctor.stdout) as { probes: { name: string; available: boolean; details?: Record<string, unknown> }[] }
  ).probes.find((p) => p.name === 'webgpu')!;
  const warned = typeof webgpu.details?.['dawnStderr'] === 'string' && DAWN_NOISE.test(webgpu.details['dawnStderr'] as string);
  t.diagnostic(
    warned
      ? `Dawn warns on this machine (captured: ${String(webgpu.details!['dawnStderr']).slice(0, 80)}…)`
      : 'Dawn printed no warning on this machine; the checks below still hold',
  );
  const dir = tempDir('rl-dawn-');
  const data = writeSeparable(dir, 16);
  const s = await runTraining({
    runId: 'm',
    runDir: path.join(dir, 'run'),
    config: testConfig({ steps: 2 }),
    trainFiles: [data],
    evalFiles: [],
    resume: false,
  });
  for (const args of [
    ['inspect', data],
    ['eval', '--model', s.runDir, data, '--json'],
    ['eval', '--backend', 'wasm', '--model', s.runDir, data, '--json'],
  ]) {
    const r = run(...args);
    assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, DAWN_NOISE, `${args[0]} ${args[1]}: ${r.stderr}`);
  }
});
