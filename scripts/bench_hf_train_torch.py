#!/usr/bin/env python3
"""PyTorch twin of the LoRA training row of the HF benchmark (scripts/bench-hf-score.mjs --train): one BT+BSR Adam
step of LoRA (peft: r 8, alpha 16, q/k/v/o/gate/up/down, modules_to_save score) on the same folder and the same ids
(the MINSTD generator of src/train/ort/benchHf.ts), float32 on CPU, timed after a warm-up step. --checkpointing turns
on transformers' gradient checkpointing, the same recompute the tfjs side does. Prints one JSON line.

  python3 scripts/bench_hf_train_torch.py DIR --pairs 2 --tokens 128 --steps 2 --threads 2 [--checkpointing]
"""
import argparse
import json
import os
import resource
import time

os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bench_hf_torch import bench_ids  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("dir")
    p.add_argument("--pairs", type=int, default=2)
    p.add_argument("--tokens", type=int, default=128)
    p.add_argument("--steps", type=int, default=2)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--checkpointing", action="store_true")
    a = p.parse_args()
    import torch
    import torch.nn.functional as F
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForSequenceClassification

    torch.set_num_threads(a.threads)
    t0 = time.perf_counter()
    model = AutoModelForSequenceClassification.from_pretrained(a.dir, dtype=torch.float32)
    if a.checkpointing:
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    cfg = LoraConfig(task_type="SEQ_CLS", r=8, lora_alpha=16, lora_dropout=0.0, modules_to_save=["score"],
                     target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"])
    model = get_peft_model(model, cfg)
    model.train()
    load_s = time.perf_counter() - t0
    ids = torch.tensor(bench_ids(2 * a.pairs, a.tokens, model.config.vocab_size), dtype=torch.long)
    mask = torch.ones_like(ids)
    opt = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=1e-4)
    b, lam = a.pairs, 1e-3
    times, loss = [], float("nan")
    for s in range(a.steps + 1):
        t1 = time.perf_counter()
        r = model(input_ids=ids, attention_mask=mask).logits.squeeze(-1)
        rc, rr = r[:b], r[b:]
        l = (-F.logsigmoid(rc - rr)).mean() + lam * b * torch.cat([rc, rr]).mean() ** 2
        opt.zero_grad()
        l.backward()
        torch.nn.utils.clip_grad_norm_([p for p in model.parameters() if p.requires_grad], 1.0)
        opt.step()
        loss = float(l)
        if s > 0:
            times.append(time.perf_counter() - t1)
    ms = 1000 * min(times)
    blas = "mkl" if torch.backends.mkl.is_available() else "other"
    print(json.dumps({
        "engine": f"pytorch+peft LoRA{' (checkpointed)' if a.checkpointing else ''}", "tokensPerS": 2 * a.pairs * a.tokens / (ms / 1000),
        "msPerBatch": ms, "msPerBatchAll": [1000 * t for t in times], "loadS": load_s, "loss": loss,
        "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "rewards": [],
        "torch": torch.__version__, "threads": torch.get_num_threads(), "blas": blas,
        "trainedParameters": sum(p.numel() for p in model.parameters() if p.requires_grad),
    }))


if __name__ == "__main__":
    main()
