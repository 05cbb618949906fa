#!/usr/bin/env python3
"""PyTorch twin of the HF scoring benchmark (scripts/bench-hf-score.mjs): scores N sequences of T tokens with
AutoModelForSequenceClassification loaded from the same folder, in float32 on CPU, and prints one JSON line:
{"engine": "pytorch", "tokensPerS": ..., "msPerBatch": ..., "peakRssMb": ..., "rewards": [...], ...}.

  python3 scripts/bench_hf_torch.py DIR --batch 8 --tokens 256 --runs 2 --threads 2

The ids are the bench's (the same MINSTD generator as the JS side), so the rewards can be compared across engines.
"""
import argparse
import json
import os
import resource
import sys
import time

os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def bench_ids(n, t, vocab):
    # Same generator as benchIds() in src/train/ort/benchHf.ts (MINSTD: exact in float64 on both sides).
    seed = 7
    rows = []
    for _ in range(n):
        row = []
        for _ in range(t):
            seed = (seed * 48271) % 2147483647
            row.append(int((seed / 2147483647) * (vocab - 1)))
        rows.append(row)
    return rows


def main():
    p = argparse.ArgumentParser()
    p.add_argument("dir")
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--tokens", type=int, default=256)
    p.add_argument("--runs", type=int, default=2)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    import torch
    import transformers
    from transformers import AutoModelForSequenceClassification

    torch.set_num_threads(a.threads)
    t0 = time.perf_counter()
    model = AutoModelForSequenceClassification.from_pretrained(a.dir, dtype=torch.float32).eval()
    load_s = time.perf_counter() - t0
    ids = torch.tensor(bench_ids(a.batch, a.tokens, model.config.vocab_size), dtype=torch.long)
    mask = torch.ones_like(ids)
    times = []
    with torch.inference_mode():
        model(input_ids=ids, attention_mask=mask)  # warm-up
        for _ in range(a.runs):
            t1 = time.perf_counter()
            logits = model(input_ids=ids, attention_mask=mask).logits
            times.append(time.perf_counter() - t1)
    ms = 1000 * min(times)
    config = torch.__config__.show()
    print(json.dumps({
        "engine": "pytorch", "threads": a.threads, "batch": a.batch, "tokens": a.tokens,
        "tokensPerS": a.batch * a.tokens / (ms / 1000), "msPerBatch": ms, "msPerBatchAll": [1000 * t for t in times],
        "loadS": load_s, "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rewards": logits.reshape(-1).tolist(), "torch": torch.__version__, "transformers": transformers.__version__,
        "mkl": "MKL" in config and "USE_MKL=ON" in config, "mkldnn": "USE_MKLDNN=ON" in config,
        "attn": getattr(model.config, "_attn_implementation", "?"),
    }))


if __name__ == "__main__":
    sys.exit(main())
