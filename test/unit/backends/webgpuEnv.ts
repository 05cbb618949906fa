// Shared by the WebGPU tests: point Dawn at SwiftShader when no driver is configured, and say why when there is no
// adapter at all (the test is then skipped with that reason). CI sets REWARD_LENS_REQUIRE_WEBGPU=1: there a missing
// adapter fails the test instead, so a broken Vulkan setup cannot turn the WebGPU tests into silent skips.
import fs from 'node:fs';
import { probeBackend } from '../../../src/train/backends';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Null when a WebGPU adapter exists (SwiftShader counts), else the reason to skip. */
export async function webgpuSkipReason(): Promise<string | null> {
  if (!process.env['VK_ICD_FILENAMES'] && !process.env['VK_DRIVER_FILES'] && fs.existsSync(SWIFTSHADER_ICD))
    process.env['VK_ICD_FILENAMES'] = SWIFTSHADER_ICD;
  process.env['XDG_RUNTIME_DIR'] ??= '/tmp';
  const p = await probeBackend('webgpu', false);
  if (p.available) return null;
  const reason = `no WebGPU adapter: ${p.reason}${p.fix ? ` (${p.fix})` : ''}`;
  if (process.env['REWARD_LENS_REQUIRE_WEBGPU'] === '1') throw new Error(`${reason}; REWARD_LENS_REQUIRE_WEBGPU=1 makes this a failure`);
  return reason;
}
