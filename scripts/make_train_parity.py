#!/usr/bin/env python3
"""PyTorch reference numbers for the HF training-parity test (LoRA via peft, and full fine-tuning).

Writes, deterministically and from scratch (the output folder is deleted first):
  test/fixtures/hf/train-parity/inputs.json              20 preference pairs (token ids) + the 5 batches (pair indices)
  test/fixtures/hf/train-parity/lora-init.safetensors    the seeded N(0, 0.05^2) lora_A / lora_B start values
  test/fixtures/hf/train-parity/expected.json            per-step loss / bt / reg / reward mean / grad norm / accuracy,
                                                         final rewards, norms, peft adapter layout, versions, seeds
  test/fixtures/hf/train-parity/peft-adapter/            what peft's save_pretrained writes after the LoRA run
  test/fixtures/hf/train-parity/full-final.safetensors   all weights after the 5 full fine-tuning steps (HF names)
  test/fixtures/hf/train-parity/{lora,full}-final-rewards.json   {"rewards": [...]} for scripts/check_hf_export.py

Run:   python3 scripts/make_train_parity.py        (a few seconds on CPU)
Needs: python 3.11, torch (CPU), transformers 5.x, peft, safetensors, numpy (versions: see expected.json).

Starts from test/fixtures/hf/qwen2 (Qwen2ForSequenceClassification, H 32, 2 layers, 4/2 heads, q/k/v biases,
pad 600, vocab 640, bias-free score [1, 32]). Everything runs in float32 on CPU, eval mode (no dropout),
attn_implementation="eager". Loss = mean(-logsigmoid(r_c - r_r)) + lambda * b * mean(cat(r_c, r_r))^2 (BSR),
torch.optim.Adam(betas=(0.9, 0.999), eps=1e-8), explicit per-step learning rates, clip_grad_norm_(trainable, 1.0).
The script also reruns both trainings in float64 (and LoRA with sdpa attention) and records how far those move
the numbers: a noise floor for the TypeScript side's tolerances.
"""
import copy
import json
import math
import os
import shutil
import sys

# peft stores target_modules as a Python set, so adapter_config.json lists them in string-hash order; fix the hash
# seed (re-exec) so that two runs write byte-identical files.
if os.environ.get("PYTHONHASHSEED") != "0":
    os.environ["PYTHONHASHSEED"] = "0"
    os.execv(sys.executable, [sys.executable] + sys.argv)

os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TQDM_DISABLE", "1")

import warnings

warnings.filterwarnings("ignore")

import numpy as np
import peft
import safetensors
import torch
import transformers
from peft import LoraConfig, get_peft_model
from safetensors import safe_open
from safetensors.torch import save_file
from transformers import AutoModelForSequenceClassification

torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)
transformers.logging.set_verbosity_error()
transformers.utils.logging.disable_progress_bar()

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BASE_REL = "test/fixtures/hf/qwen2"  # relative, so that adapter_config.json's base_model_name_or_path is portable
OUT_REL = "test/fixtures/hf/train-parity"

SEED_INPUTS = 20250101   # numpy default_rng: pair lengths and ids
SEED_BATCHES = 20250102  # numpy default_rng: permutation of the 20 pairs into 5 batches of 4
SEED_LORA = 20250103     # torch.Generator: lora_A / lora_B values
N_PAIRS, B, STEPS = 20, 4, 5
ID_LOW, ID_HIGH = 0, 600  # ids in [0, 600): never the pad id 600, never an unused embedding row >= 600
LEN_MIN, LEN_MAX = 6, 20
PAD_ID = 600
LAMBDA = 0.05
LRS = {"lora": [2e-4, 4e-4, 6e-4, 8e-4, 1e-3], "full": [1e-4, 2e-4, 3e-4, 4e-4, 5e-4]}
ADAM = {"betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0}
CLIP = 1.0
LORA_STD = 0.05
LORA_KW = dict(task_type="SEQ_CLS", r=4, lora_alpha=8, lora_dropout=0.0,
               target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"],
               modules_to_save=["score"], bias="none")
ATTN = "eager"


# --------------------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------------------
def make_inputs():
    rng = np.random.default_rng(SEED_INPUTS)
    pairs = []
    for _ in range(N_PAIRS):
        while True:
            c = rng.integers(ID_LOW, ID_HIGH, size=int(rng.integers(LEN_MIN, LEN_MAX + 1))).tolist()
            r = rng.integers(ID_LOW, ID_HIGH, size=int(rng.integers(LEN_MIN, LEN_MAX + 1))).tolist()
            if c != r:
                break
        pairs.append({"chosen": [int(x) for x in c], "rejected": [int(x) for x in r]})
    perm = np.random.default_rng(SEED_BATCHES).permutation(N_PAIRS).tolist()
    batches = [[int(x) for x in perm[B * s:B * (s + 1)]] for s in range(STEPS)]
    assert sorted(sum(batches, [])) == list(range(N_PAIRS))
    return {"pairs": pairs, "batches": batches}


def right_pad(seqs, pad_id=PAD_ID):
    T = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), T), pad_id, dtype=torch.long)
    mask = torch.zeros((len(seqs), T), dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, :len(s)] = torch.tensor(s, dtype=torch.long)
        mask[i, :len(s)] = 1
    return ids, mask


def batch_seqs(inputs, idx):
    """The b chosen sequences, then the b rejected ones."""
    return [inputs["pairs"][i]["chosen"] for i in idx] + [inputs["pairs"][i]["rejected"] for i in idx]


def all_seqs(inputs):
    return [p["chosen"] for p in inputs["pairs"]] + [p["rejected"] for p in inputs["pairs"]]


# --------------------------------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------------------------------
def load_base(dtype=torch.float32, attn=ATTN):
    m = AutoModelForSequenceClassification.from_pretrained(BASE_REL, dtype=torch.float32, attn_implementation=attn)
    m.config.attention_dropout = 0.0
    if dtype != torch.float32:
        m = m.to(dtype)
    return m.eval()


def canonical(peft_module_name):
    """'base_model.model.model.layers.0.self_attn.q_proj' -> 'layers.0.self_attn.q_proj'."""
    prefix = "base_model.model.model."
    assert peft_module_name.startswith(prefix), peft_module_name
    return peft_module_name[len(prefix):]


def lora_modules(pm):
    from peft.tuners.lora import LoraLayer
    return [(n, m) for n, m in pm.named_modules() if isinstance(m, LoraLayer)]


def make_lora_init(pm):
    """Seeded N(0, LORA_STD^2) for every lora_A and lora_B, in named_modules order, A before B."""
    g = torch.Generator().manual_seed(SEED_LORA)
    init, order = {}, []
    for n, m in lora_modules(pm):
        c = canonical(n)
        for ab in ("lora_A", "lora_B"):
            w = getattr(m, ab)["default"].weight
            init[f"{c}.{ab}"] = (torch.randn(tuple(w.shape), generator=g, dtype=torch.float32) * LORA_STD).contiguous()
            order.append(f"{c}.{ab}")
    return init, order


def build_lora(init, dtype=torch.float32, attn=ATTN):
    base = load_base(dtype, attn)
    pm = get_peft_model(base, LoraConfig(**copy.deepcopy(LORA_KW)))
    with torch.no_grad():
        for n, m in lora_modules(pm):
            c = canonical(n)
            m.lora_A["default"].weight.copy_(init[f"{c}.lora_A"].to(dtype))
            m.lora_B["default"].weight.copy_(init[f"{c}.lora_B"].to(dtype))
            assert m.scaling["default"] == 2.0
    pm.eval()
    trainable = [(n, p) for n, p in pm.named_parameters() if p.requires_grad]
    names = [n for n, _ in trainable]
    assert all(".lora_A." in n or ".lora_B." in n or n == "base_model.model.score.modules_to_save.default.weight"
               for n in names), names
    assert "base_model.model.score.modules_to_save.default.weight" in names and len(names) == 2 * 14 + 1
    return pm, trainable


def build_full(dtype=torch.float32, attn=ATTN):
    m = load_base(dtype, attn)
    for p in m.parameters():
        p.requires_grad_(True)
    return m, list(m.named_parameters())


def score(model, seqs):
    ids, mask = right_pad(seqs)
    return model(input_ids=ids, attention_mask=mask).logits.reshape(-1)  # [N, 1] -> [N]


def bsr_loss(r, b, lam):
    rc, rr = r[:b], r[b:]
    bt = (-torch.nn.functional.logsigmoid(rc - rr)).mean()
    reg = lam * b * torch.cat([rc, rr]).mean() ** 2
    return bt + reg, bt, reg


def short_name(n):
    """peft names -> lora-init names ('layers.0.self_attn.q_proj.lora_A', 'score'); HF names unchanged."""
    if n == "base_model.model.score.modules_to_save.default.weight":
        return "score"
    if n.startswith("base_model.model.model."):
        return n[len("base_model.model.model."):].replace(".default.weight", "")
    return n


def train(model, trainable, inputs, lrs, lam):
    params = [p for _, p in trainable]
    opt = torch.optim.Adam(params, lr=lrs[0], betas=ADAM["betas"], eps=ADAM["eps"], weight_decay=ADAM["weight_decay"])
    steps = []
    for s, idx in enumerate(inputs["batches"]):
        seqs = batch_seqs(inputs, idx)
        opt.zero_grad(set_to_none=True)
        r = score(model, seqs)
        loss, bt, reg = bsr_loss(r, B, lam)
        loss.backward()
        per = {short_name(n): float(torch.linalg.vector_norm(p.grad.detach().to(torch.float64)))
               for n, p in trainable}
        gn = torch.nn.utils.clip_grad_norm_(params, CLIP)
        for group in opt.param_groups:
            group["lr"] = lrs[s]
        opt.step()
        rd = r.detach()
        steps.append({"step": s, "lr": lrs[s], "pairs": idx, "T": max(len(x) for x in seqs),
                      "loss": loss.item(), "bt": bt.item(), "reg": reg.item(), "reward_mean": rd.mean().item(),
                      "grad_norm": gn.item(), "clipped": bool(gn.item() > CLIP),
                      "accuracy": float((rd[:B] > rd[B:]).to(torch.float64).mean().item()),
                      "rewards": [float(x) for x in rd.tolist()], "grad_norm_per_tensor": per})
    return steps


def train_manual(model, trainable, inputs, lrs, lam):
    """The documented update written out (autograd.grad, explicit clip and Adam): must reproduce train()."""
    params = [p for _, p in trainable]
    b1, b2 = ADAM["betas"]
    m = [torch.zeros_like(p) for p in params]
    v = [torch.zeros_like(p) for p in params]
    out = []
    for s, idx in enumerate(inputs["batches"]):
        loss, _, _ = bsr_loss(score(model, batch_seqs(inputs, idx)), B, lam)
        grads = torch.autograd.grad(loss, params)
        total = torch.sqrt(sum((g.to(torch.float64) ** 2).sum() for g in grads))
        coef = min(1.0, CLIP / (float(total) + 1e-6))
        t = s + 1
        with torch.no_grad():
            for p, g, mi, vi in zip(params, grads, m, v):
                g = g * coef
                mi.mul_(b1).add_(g, alpha=1 - b1)
                vi.mul_(b2).addcmul_(g, g, value=1 - b2)
                p.sub_(lrs[s] / (1 - b1 ** t) * mi / (vi.sqrt() / math.sqrt(1 - b2 ** t) + ADAM["eps"]))
        out.append({"loss": loss.item(), "grad_norm": float(total)})
    return out


def check_pooling(model, seqs, batch_rewards, tol=2e-5):
    """Each sequence alone (batch 1, no padding, no mask) must give the batched, right-padded reward."""
    worst = 0.0
    with torch.no_grad():
        for s, rb in zip(seqs, batch_rewards):
            r1 = model(input_ids=torch.tensor([s])).logits.reshape(-1)[0].item()
            worst = max(worst, abs(r1 - rb))
    assert worst < tol, f"single vs right-padded batch differ by {worst}"
    return worst


def lora_stats(pm):
    sa = sb = 0.0
    for _, m in lora_modules(pm):
        sa += float((m.lora_A["default"].weight.detach().to(torch.float64) ** 2).sum())
        sb += float((m.lora_B["default"].weight.detach().to(torch.float64) ** 2).sum())
    return sa, sb


def max_rel(a, b, floor=1e-12):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), floor)))


def max_abs(a, b):
    return float(np.max(np.abs(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64))))


def step_cols(steps, key):
    return [st[key] for st in steps]


# --------------------------------------------------------------------------------------------------
# Runs
# --------------------------------------------------------------------------------------------------
def run_lora(inputs, init, lam, dtype=torch.float32, attn=ATTN):
    pm, trainable = build_lora(init, dtype, attn)
    seqs = all_seqs(inputs)
    with torch.no_grad():
        r0 = score(pm, seqs).tolist()
    steps = train(pm, trainable, inputs, LRS["lora"], lam)
    pm.eval()
    with torch.no_grad():
        r_final = score(pm, seqs).tolist()
    pool = check_pooling(pm, seqs, r_final)
    sw = pm.base_model.model.score.modules_to_save["default"].weight.detach()
    sa, sb = lora_stats(pm)
    res = {"trainable": [(n, list(p.shape)) for n, p in trainable], "initial_rewards": r0, "steps": steps,
           "final_rewards": r_final, "score_weight_norm": float(torch.linalg.vector_norm(sw.to(torch.float64))),
           "lora_A_sum_sq": sa, "lora_B_sum_sq": sb, "single_vs_batch_max_abs": pool}
    return pm, res


def run_full(inputs, dtype=torch.float32, attn=ATTN):
    m, trainable = build_full(dtype, attn)
    seqs = all_seqs(inputs)
    with torch.no_grad():
        r0 = score(m, seqs).tolist()
    steps = train(m, trainable, inputs, LRS["full"], LAMBDA)
    with torch.no_grad():
        r_final = score(m, seqs).tolist()
    pool = check_pooling(m, seqs, r_final)
    res = {"single_vs_batch_max_abs": pool, "trainable_count": len(trainable), "trainable_elements": int(sum(p.numel() for _, p in trainable)),
           "initial_rewards": r0, "steps": steps, "final_rewards": r_final,
           "score_weight_norm": float(torch.linalg.vector_norm(m.score.weight.detach().to(torch.float64)))}
    return m, res


def compare_runs(a, b):
    """How far run b (float64 / sdpa) is from run a, per quantity (max relative difference)."""
    out = {k: max_rel(step_cols(b["steps"], k), step_cols(a["steps"], k))
           for k in ("loss", "bt", "reg", "reward_mean", "grad_norm")}
    out["step_rewards_abs"] = max(max_abs(x["rewards"], y["rewards"]) for x, y in zip(a["steps"], b["steps"]))
    out["final_rewards_abs"] = max_abs(b["final_rewards"], a["final_rewards"])
    out["score_weight_norm"] = max_rel([b["score_weight_norm"]], [a["score_weight_norm"]])
    if "lora_B_sum_sq" in a:
        out["lora_B_sum_sq"] = max_rel([b["lora_B_sum_sq"]], [a["lora_B_sum_sq"]])
    return out


def safetensors_layout(path):
    with safe_open(path, "pt") as f:
        return [{"name": k, "shape": list(f.get_slice(k).get_shape()), "dtype": f.get_slice(k).get_dtype()}
                for k in f.keys()], dict(f.metadata() or {})


def main():
    os.chdir(ROOT)
    out = OUT_REL
    if os.path.isdir(out):
        shutil.rmtree(out)
    os.makedirs(out)
    inputs = make_inputs()
    with open(os.path.join(out, "inputs.json"), "w", encoding="utf-8") as f:
        json.dump(inputs, f, separators=(",", ":"))
        f.write("\n")

    # ---- LoRA init (from a throwaway peft model: same module list / shapes) ----
    pm0 = get_peft_model(load_base(), LoraConfig(**copy.deepcopy(LORA_KW)))
    init, init_order = make_lora_init(pm0)
    del pm0
    save_file(init, os.path.join(out, "lora-init.safetensors"), metadata={"format": "pt"})

    # ---- (a) LoRA with BSR, (a') LoRA without BSR ----
    pm, lora = run_lora(inputs, init, LAMBDA)
    _, lora_nobsr = run_lora(inputs, init, 0.0)
    no_bsr = {"lambda": 0.0, "losses": step_cols(lora_nobsr["steps"], "loss"), "steps": lora_nobsr["steps"],
              "final_rewards": lora_nobsr["final_rewards"], "score_weight_norm": lora_nobsr["score_weight_norm"],
              "lora_B_sum_sq": lora_nobsr["lora_B_sum_sq"]}
    rel = [abs(x - y) / abs(x) for x, y in zip(step_cols(lora["steps"], "loss"), no_bsr["losses"])]
    no_bsr["per_step_rel_loss_diff"] = rel
    no_bsr["max_rel_loss_diff"] = max(rel)
    no_bsr["max_abs_final_reward_diff"] = max_abs(lora["final_rewards"], no_bsr["final_rewards"])

    # merged vs unmerged, then save the adapter (trained weights)
    adapter_dir = os.path.join(out, "peft-adapter")
    pm.save_pretrained(adapter_dir)
    pm_named_before_merge = [(n, p.detach().clone()) for n, p in pm.named_parameters() if p.requires_grad]
    merged = pm.merge_and_unload().eval()
    with torch.no_grad():
        r_merged = score(merged, all_seqs(inputs)).tolist()
    lora["merged_vs_unmerged_max_abs"] = max_abs(r_merged, lora["final_rewards"])
    layout, st_meta = safetensors_layout(os.path.join(adapter_dir, "adapter_model.safetensors"))
    with open(os.path.join(adapter_dir, "adapter_config.json"), encoding="utf-8") as f:
        adapter_config = json.load(f)
    # does the file hold exactly the trained values?  (strip ".default", "modules_to_save.default.")
    with safe_open(os.path.join(adapter_dir, "adapter_model.safetensors"), "pt") as f:
        file_t = {k: f.get_tensor(k) for k in f.keys()}
    mapping = {}
    for n, _ in lora["trainable"]:
        k = n.replace(".modules_to_save.default.", ".").replace(".default.", ".")
        mapping[n] = k
    assert set(mapping.values()) == set(file_t), (sorted(mapping.values()), sorted(file_t))
    trained = dict(pm_named_before_merge)
    for n, k in mapping.items():
        assert torch.equal(trained[n], file_t[k]), n

    # ---- (b) full fine-tuning ----
    full_model, full = run_full(inputs)
    save_file({k: v.detach().contiguous() for k, v in full_model.state_dict().items()},
              os.path.join(out, "full-final.safetensors"), metadata={"format": "pt"})

    # ---- self-check: the update rule written out reproduces torch.optim.Adam + clip_grad_norm_ ----
    self_checks = {}
    for name, (mdl, tr), ref, lam in (("lora", build_lora(init), lora, LAMBDA),
                                      ("full", build_full(), full, LAMBDA)):
        man = train_manual(mdl, tr, inputs, LRS[name], lam)
        d = {k: max_rel([x[k] for x in man], step_cols(ref["steps"], k)) for k in ("loss", "grad_norm")}
        assert max(d.values()) < 1e-5, (name, d)
        self_checks[f"{name}_manual_adam_clip_max_rel"] = d
    self_checks["lora_single_vs_batch_max_abs"] = lora["single_vs_batch_max_abs"]
    self_checks["full_single_vs_batch_max_abs"] = full["single_vs_batch_max_abs"]
    self_checks["lora_merged_vs_unmerged_max_abs"] = lora["merged_vs_unmerged_max_abs"]

    # ---- sensitivity: float64 and sdpa reruns (not fixtures, just tolerances) ----
    _, lora64 = run_lora(inputs, init, LAMBDA, dtype=torch.float64)
    _, full64 = run_full(inputs, dtype=torch.float64)
    _, lora_sdpa = run_lora(inputs, init, LAMBDA, attn="sdpa")
    sensitivity = {"lora_float64_vs_float32": compare_runs(lora, lora64),
                   "full_float64_vs_float32": compare_runs(full, full64),
                   "lora_sdpa_vs_eager": compare_runs(lora, lora_sdpa),
                   "lora_float64_steps": [{k: st[k] for k in ("loss", "bt", "reg", "reward_mean", "grad_norm")}
                                          for st in lora64["steps"]],
                   "full_float64_steps": [{k: st[k] for k in ("loss", "bt", "reg", "reward_mean", "grad_norm")}
                                          for st in full64["steps"]]}

    for name, res in (("lora", lora), ("full", full)):
        with open(os.path.join(out, f"{name}-final-rewards.json"), "w", encoding="utf-8") as f:
            json.dump({"rewards": res["final_rewards"],
                       "order": "chosen_0..chosen_19, rejected_0..rejected_19 (inputs.json pairs)"}, f)
            f.write("\n")

    base_cfg = json.load(open(os.path.join(BASE_REL, "config.json"), encoding="utf-8"))
    expected = {
        "fixture": "train-parity",
        "base": BASE_REL,
        "class": "Qwen2ForSequenceClassification",
        "versions": {"python": sys.version.split()[0], "transformers": transformers.__version__,
                     "torch": torch.__version__, "peft": peft.__version__, "safetensors": safetensors.__version__,
                     "numpy": np.__version__},
        "seeds": {"inputs": SEED_INPUTS, "batches": SEED_BATCHES, "lora_init": SEED_LORA,
                  "inputs_rng": "numpy.random.default_rng(seed): per pair len_c = integers(6, 21), "
                                "ids_c = integers(0, 600, len_c), len_r, ids_r likewise (redrawn if equal)",
                  "batches_rng": "numpy.random.default_rng(seed).permutation(20), split into 5 x 4",
                  "lora_init_rng": "torch.Generator().manual_seed(seed); torch.randn(shape) * 0.05 in "
                                   "lora_init_order (A then B per module); the values are in lora-init.safetensors"},
        "pad_token_id": PAD_ID,
        "lambda": LAMBDA,
        "b": B,
        "lrs": LRS,
        "adam": {"betas": list(ADAM["betas"]), "eps": ADAM["eps"], "weight_decay": ADAM["weight_decay"],
                 "class": "torch.optim.Adam (default foreach impl, amsgrad False)",
                 "update": "m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; w -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps)"},
        "clip": {"max_norm": CLIP, "fn": "torch.nn.utils.clip_grad_norm_(trainable, 1.0)",
                 "rule": "total = ||concat(all trainable grads)||_2 (recorded as grad_norm, pre-clip); "
                         "g *= min(1, max_norm / (total + 1e-6))"},
        "loss": "r = logits[:, 0]; rc = r[:b], rr = r[b:]; bt = mean(-logsigmoid(rc - rr)); "
                "reg = lambda * b * mean(cat(rc, rr))^2; loss = bt + reg",
        "batch": "per step: chosen of the step's 4 pairs then their rejected (8 rows), right-padded with 600 to the "
                 "step's longest sequence, attention_mask 1 on real tokens, no position_ids (arange); pooled at the "
                 "rightmost token != pad_token_id (transformers' rule). 'T' = padded length.",
        "attn_implementation": ATTN,
        "lora": {
            "config": copy.deepcopy(LORA_KW),
            "scaling": LORA_KW["lora_alpha"] / LORA_KW["r"],
            "init": "peft's default init replaced: every lora_A and lora_B = N(0, 0.05^2) (lora-init.safetensors, "
                    "names '<module>.lora_A' [r, in] / '<module>.lora_B' [out, r], module = HF name without "
                    "'model.' and '.weight'); score starts from the fixture's score.weight",
            "lora_init_order": init_order,
            "forward": "y = W x + b + scaling * B (A x)",
            **lora,
        },
        "lora_no_bsr": no_bsr,
        "full": full,
        "peft_adapter": {
            "folder": "peft-adapter",
            "files": sorted(os.listdir(adapter_dir)),
            "tensors": layout,
            "safetensors_metadata": st_meta,
            "adapter_config": adapter_config,
            "in_memory_to_file_names": mapping,
        },
        "base_config": {k: base_cfg[k] for k in ("hidden_size", "intermediate_size", "num_hidden_layers",
                                                 "num_attention_heads", "num_key_value_heads", "rms_norm_eps",
                                                 "rope_parameters", "vocab_size", "pad_token_id")},
        "sensitivity": sensitivity,
        "self_checks": self_checks,
        "notes": NOTES,
    }
    with open(os.path.join(out, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")

    with open(os.path.join(out, "README.md"), "w", encoding="utf-8") as f:
        f.write(README)

    # ---- summary ----
    for name, res in (("lora", lora), ("lora no_bsr", lora_nobsr), ("full", full)):
        print(f"{name}:")
        print("  step  lr       loss               bt                 reg                 r_mean      "
              "grad_norm          acc")
        for st in res["steps"]:
            print(f"  {st['step']}     {st['lr']:.0e}  {st['loss']:.12f}  {st['bt']:.12f}  {st['reg']:.12e}  "
                  f"{st['reward_mean']:+.6f}  {st['grad_norm']:.12f}  {st['accuracy']:.2f}")
        print(f"  final ||score.weight|| = {res['score_weight_norm']!r}"
              + (f"  sum lora_B^2 = {res['lora_B_sum_sq']!r}" if "lora_B_sum_sq" in res else ""))
    print(f"no_bsr max relative loss difference: {no_bsr['max_rel_loss_diff']:.4g} "
          f"(per step {', '.join(f'{x:.3g}' for x in rel)})")
    print(f"self checks: {json.dumps(self_checks)}")
    print(f"merged vs unmerged LoRA final rewards: max abs {lora['merged_vs_unmerged_max_abs']:.3g}")
    for k in ("lora_float64_vs_float32", "full_float64_vs_float32", "lora_sdpa_vs_eager"):
        s = sensitivity[k]
        print(f"{k}: loss rel {s['loss']:.2g}, grad_norm rel {s['grad_norm']:.2g}, "
              f"final rewards abs {s['final_rewards_abs']:.2g}")
    total = 0
    for dp, _, fns in os.walk(out):
        for fn in fns:
            total += os.path.getsize(os.path.join(dp, fn))
    print(f"total size of {out}: {total / 1e3:.1f} kB")


README = """# Training-parity fixture (written by scripts/make_train_parity.py; do not edit)

PyTorch reference for 5 training steps of `../qwen2` (Qwen2ForSequenceClassification) as a reward model:
BT + BSR loss (lambda 0.05, b 4), torch Adam, global-norm clipping 1.0, explicit per-step learning rates,
float32, eager attention, eval mode. Regenerate with `python3 scripts/make_train_parity.py` (byte-identical).

- `inputs.json`: `pairs` (20 x {chosen, rejected} token ids) and `batches` (5 steps x 4 pair indices).
- `lora-init.safetensors`: the LoRA start values (`layers.N.<self_attn|mlp>.<proj>.lora_A` [r, in] / `.lora_B`
  [out, r]); peft's zero lora_B init is replaced so that every gradient is non-zero from step 0.
- `expected.json`: per-step loss / bt / reg / reward_mean / grad_norm (pre-clip) / accuracy / rewards for
  `lora`, `lora_no_bsr` and `full`; final rewards of all 40 sequences; norms; the peft adapter layout; float64 and
  sdpa reruns (`sensitivity`); versions, seeds and `notes`.
- `peft-adapter/`: what peft 0.21 `save_pretrained` wrote after the LoRA run (trained weights).
- `full-final.safetensors`: all weights after the full fine-tuning run (HF names).
- `lora-final-rewards.json`, `full-final-rewards.json`: `{"rewards": [...]}` for
  `scripts/check_hf_export.py EXPORT_DIR --pairs inputs.json --expect ...`.
"""

NOTES = [
    "All per-step quantities are computed from that step's forward pass BEFORE its optimizer update; "
    "grad_norm is the pre-clip global L2 norm over all trainable parameters (clip_grad_norm_'s return value).",
    "grad_norm_per_tensor: pre-clip L2 norm of each trainable tensor's gradient (LoRA: lora-init names and "
    "'score'; full: HF names), computed in float64 from the float32 gradients.",
    "Learning rate: param_group['lr'] = lrs[step] before each optimizer.step(); Adam's bias correction uses the step "
    "count t = step + 1.",
    "LoRA trainable set: 14 lora_A + 14 lora_B (7 target modules x 2 layers) + the modules_to_save copy of score "
    "(base_model.model.score.modules_to_save.default.weight). The original score (original_module) stays frozen "
    "and is not part of the grad norm.",
    "Full trainable set: every parameter of Qwen2ForSequenceClassification (27 tensors incl. embed_tokens [640, 32]; "
    "tie_word_embeddings has no effect, the class has no lm_head). Embedding rows of ids never seen (incl. 600..639) "
    "get exactly zero gradient and Adam leaves them unchanged.",
    "final_rewards: all 40 sequences (chosen_0..19 then rejected_0..19) scored as one right-padded batch after the "
    "5 steps; initial_rewards: the same batch before step 0 (for LoRA: with lora-init applied).",
    "lora_no_bsr: the LoRA run with lambda = 0 (same init, inputs, lrs, clipping). Step 0's loss differs only by "
    "the reg term; later steps also through the different updates.",
    "peft 0.21 adds 'classifier' and 'score' to modules_to_save for SEQ_CLS; the in-memory wrapper is "
    "ModulesToSaveWrapper(original_module, modules_to_save['default']); the saved file stores the trained copy as "
    "'base_model.model.score.weight' (no 'modules_to_save' / 'default' in the name). LoRA tensors are saved as "
    "'base_model.model.model.layers.N.<self_attn|mlp>.<proj>.lora_A.weight' / '.lora_B.weight' (no '.default').",
    "adapter_config.json's base_model_name_or_path is the relative path the script loaded ('test/fixtures/hf/qwen2'); "
    "its modules_to_save list is what peft wrote (see peft_adapter.adapter_config).",
    "full-final.safetensors: the full run's weights after step 5 (HF names, float32).",
    "sensitivity: the same runs in float64 (and LoRA with sdpa attention) compared to the float32 eager numbers; "
    "a lower bound for realistic TypeScript/float32 tolerances.",
]

if __name__ == "__main__":
    main()
