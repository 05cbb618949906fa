# The PyTorch side of `npm run bench`: the reference workload (scripts/rm_torch.py mirrors the project's model,
# loss and step) timed the same way as src/cli/bench.ts. Adapted from shared/reference/rmstep_torch.py.
# Usage: python3 scripts/bench_torch.py --device cpu|cuda --steps N --batch B --threads K   -> one JSON line.
import argparse, ctypes, json, os, resource, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

ap = argparse.ArgumentParser()
ap.add_argument('--device', default='cpu')
ap.add_argument('--steps', type=int, default=5)
ap.add_argument('--batch', type=int, default=16)
ap.add_argument('--threads', type=int, default=2)
ap.add_argument('--small', action='store_true', help='the shrunken model of workload.ts referenceModelConfig(true)')
a = ap.parse_args()
# OpenBLAS (which Debian's torch calls for matmuls) keeps its own thread pool: cap it too, before torch loads it.
os.environ.setdefault('OPENBLAS_NUM_THREADS', str(a.threads))
os.environ.setdefault('OMP_NUM_THREADS', str(a.threads))
import torch  # noqa: E402
import rm_torch as rm  # noqa: E402

if a.device == 'cpu':
    torch.set_num_threads(a.threads)
dev = torch.device(a.device)
cfg = {'vocabSize': 8192, 'dModel': 256, 'nLayers': 2, 'nHeads': 4, 'dFF': 1024, 'maxLen': 128}
if a.small:
    cfg.update(vocabSize=512, dModel=64, dFF=256, maxLen=32)
T, B = cfg['maxLen'], a.batch


def blas_core():
    """Which OpenBLAS kernel the process runs (Debian's torch calls the system BLAS for its matmuls)."""
    for line in open('/proc/self/maps'):
        path = line.split()[-1]
        if 'openblas' in path and path.endswith('.so') or 'libopenblas' in path:
            try:
                lib = ctypes.CDLL(path)
                lib.openblas_get_corename.restype = ctypes.c_char_p
                lib.openblas_get_config.restype = ctypes.c_char_p
                return f"{lib.openblas_get_config().decode()} core={lib.openblas_get_corename().decode()}"
            except (OSError, AttributeError):
                continue
    return 'no OpenBLAS loaded'


def sync():
    if a.device == 'cuda':
        torch.cuda.synchronize()


# Same ids as src/train/backends/workload.ts referenceIds (an LCG), full-length rows.
ids_list, s = [], 7
for _ in range(2 * B * T):
    s = (s * 1664525 + 1013904223) & 0xFFFFFFFF
    ids_list.append(4 + s % (cfg['vocabSize'] - 4))
ids = torch.tensor(ids_list, dtype=torch.long).view(2 * B, T).to(dev)
last = torch.full((2 * B,), T - 1, dtype=torch.long, device=dev)
P = {k: v.detach().to(dev).requires_grad_(True) for k, v in rm.init_params(cfg).items()}
opt = rm.TfjsAdam(list(P.values()), 1e-4)

step = lambda: rm.train_step(P, cfg, opt, ids, last, B, 1e-3, 1.0)
step(); sync()  # warm-up
t0 = time.perf_counter()
for _ in range(a.steps):
    loss, _ = step()
sync(); dt = (time.perf_counter() - t0) / a.steps
with torch.no_grad():
    rm.forward(P, cfg, ids, last); sync()
    s0 = time.perf_counter()
    for _ in range(a.steps):
        r = rm.forward(P, cfg, ids, last)
    sync(); ds = (time.perf_counter() - s0) / a.steps
print(json.dumps({
    'backend': f'torch-{a.device}', 'torch': torch.__version__, 'threads': torch.get_num_threads(),
    'blas': blas_core() if a.device == 'cpu' else torch.cuda.get_device_name(0),
    'train_ms_per_step': round(dt * 1e3, 1), 'train_pairs_per_s': round(B / dt, 2), 'score_pairs_per_s': round(B / ds, 2),
    'peak_rss_mb': round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), 'loss': loss,
}))
