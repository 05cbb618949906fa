// The compute-backend status bar item shows the backend scoring runs on (rewardLens.scoring.backend), as the worker
// reported it, never a training run's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backendStatus } from '../../../src/host/backendStatus';
import type { DoctorReport } from '../../../src/protocol/trainer';

/** The tooltip as rendered: Markdown escapes removed. */
const plain = (md: string) => md.replace(/\\(.)/g, '$1');
const doctor = { chosen: 'wasm', why: 'wasm (XNNPACK SIMD); passed over: webgpu: no adapter', probes: [] } as unknown as DoctorReport;

test("after scoring: the worker's report for the current setting, with its reason", () => {
  const s = backendStatus('auto', { requested: 'auto', backend: 'wasm', why: 'wasm (SIMD*)' }, doctor);
  assert.equal(s.text, '$(chip) wasm');
  assert.equal(s.label, 'Reward Lens scoring backend: wasm');
  assert.match(plain(s.tooltip), /^\*\*Reward Lens scores on wasm\*\* \(rewardLens\.scoring\.backend: auto\)/);
  assert.ok(s.tooltip.includes('SIMD\\*'), `text from the worker is escaped: ${s.tooltip}`);
  assert.match(s.tooltip, /Training runs use the backend chosen for them/);
});

test("before scoring: the setting, or for auto the doctor's pick, marked as not used yet", () => {
  assert.equal(backendStatus('cpu', undefined, doctor).text, '$(chip) cpu');
  assert.equal(backendStatus('cpu', undefined, doctor).label, 'Reward Lens scoring backend: cpu (not used yet)');
  const auto = backendStatus('auto', undefined, doctor);
  assert.equal(auto.text, '$(chip) wasm');
  assert.match(plain(auto.tooltip), /'auto' picks wasm: wasm \(XNNPACK SIMD\); passed over/);
  assert.equal(backendStatus('auto', undefined, undefined).text, '$(chip) auto');
});

test('a report made for an older setting is not shown as the current backend', () => {
  const s = backendStatus('cpu', { requested: 'wasm', backend: 'wasm', why: 'requested explicitly' }, doctor);
  assert.equal(s.text, '$(chip) cpu');
  assert.match(s.label, /not used yet/);
});
