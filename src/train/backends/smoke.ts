// A backend is "available" only after it computed something right: a registered backend that returns garbage or
// throws on first use (a missing kernel, a lost device) must not be picked.
import { tf } from '../tf';

/** Activates `name` and checks one small matmul and one reduction against hand-computed values. */
export async function activateAndCheck(name: string): Promise<{ ok: true } | { ok: false; reason: string }> {
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
    await tf.ready();
  } catch (e) {
    return { ok: false, reason: `tf.setBackend('${name}') threw: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (!ok || tf.getBackend() !== name)
    return { ok: false, reason: `tf.setBackend('${name}') failed (initialisation error; see the log above)` };
  try {
    // [[1,2],[3,4]]·[[5,6],[7,8]] = [[19,22],[43,50]]; its sum is 134.
    const got = tf.tidy(() => {
      const c = tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([5, 6, 7, 8], [2, 2]));
      return tf.concat([tf.reshape(c, [4]), tf.reshape(tf.sum(c), [1])]);
    });
    const v = Array.from(await got.data());
    got.dispose();
    const want = [19, 22, 43, 50, 134];
    if (v.some((x, i) => Math.abs(x - want[i]!) > 1e-3)) return { ok: false, reason: `smoke test computed [${v}] instead of [${want}]` };
  } catch (e) {
    return { ok: false, reason: `smoke test failed: ${e instanceof Error ? e.message : String(e)}` };
  }
  return { ok: true };
}
