#!/usr/bin/env python3
"""Check a Hugging Face reward-model folder (e.g. one exported by Reward Lens) with transformers (and peft).

  python3 scripts/check_hf_export.py EXPORT_DIR --pairs pairs.json
        [--adapter ADAPTER_DIR --base BASE_DIR] [--expect rewards.json] [--atol 1e-4] [--out rewards_out.json]

EXPORT_DIR is loaded with AutoModelForSequenceClassification (float32, eval) and must load with no missing and no
unexpected keys. pairs.json: {"pairs": [{"chosen": [ids], "rejected": [ids]}, ...]} (inputs.json of the
train-parity fixture works). All sequences are scored as one batch in the order chosen_0..chosen_{n-1},
rejected_0..rejected_{n-1}, right-padded with the config's pad_token_id (attention_mask 1 on real tokens, no
position_ids); the reward is logits[:, 0], pooled by transformers (rightmost token != pad_token_id).
The rewards are printed as one JSON line {"rewards": [...], "order": ...}.

--adapter/--base: BASE_DIR + the PEFT adapter (PeftModel.from_pretrained, unmerged) scores the same sequences; the
adapter file must hold exactly the tensor names peft expects for its config; the max abs difference to EXPORT_DIR
must be <= atol (a merged export must agree with base + adapter).
--expect: {"rewards": [...]} in the same order; every |export - expected| must be <= atol.
Exit status 0 and a last line "check_hf_export: OK max_abs_diff=..." or 1 and "check_hf_export: FAIL ...".
"""
import argparse
import json
import os
import sys

os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TQDM_DISABLE", "1")

import warnings

warnings.filterwarnings("ignore")

import torch
import transformers
from transformers import AutoModelForSequenceClassification

transformers.logging.set_verbosity_error()
transformers.utils.logging.disable_progress_bar()


class CheckFailed(Exception):
    pass


def load_pairs(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    pairs = data["pairs"] if isinstance(data, dict) else data
    if not pairs:
        raise CheckFailed(f"{path}: no pairs")
    for i, p in enumerate(pairs):
        for k in ("chosen", "rejected"):
            s = p.get(k)
            if not isinstance(s, list) or not s or not all(isinstance(x, int) and x >= 0 for x in s):
                raise CheckFailed(f"{path}: pairs[{i}].{k} must be a non-empty list of token ids")
    return [p["chosen"] for p in pairs] + [p["rejected"] for p in pairs]


def load_model(folder, attn):
    try:
        model, info = AutoModelForSequenceClassification.from_pretrained(
            folder, dtype=torch.float32, attn_implementation=attn, output_loading_info=True)
    except Exception as e:
        raise CheckFailed(f"{folder}: AutoModelForSequenceClassification.from_pretrained failed: "
                          f"{type(e).__name__}: {str(e)[:500]}") from e
    problems = []
    for k in ("missing_keys", "unexpected_keys", "mismatched_keys", "error_msgs"):
        v = info.get(k)
        if v:
            problems.append(f"{k}: {sorted(map(str, v))[:8]}{' ...' if len(v) > 8 else ''}")
    if problems:
        raise CheckFailed(f"{folder} does not load cleanly ({type(model).__name__}): " + "; ".join(problems))
    if model.config.num_labels != 1:
        raise CheckFailed(f"{folder}: num_labels = {model.config.num_labels}, a reward model needs 1")
    return model.eval()


def pad_id_of(model, folder):
    pad = model.config.pad_token_id
    if pad is None:
        raise CheckFailed(f"{folder}: config.pad_token_id is null (transformers cannot pool a padded batch)")
    return int(pad)


def score(model, seqs, pad_id):
    vocab = model.config.vocab_size
    bad = [x for s in seqs for x in s if x >= vocab]
    if bad:
        raise CheckFailed(f"token id {bad[0]} >= vocab_size {vocab}")
    T = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), T), pad_id, dtype=torch.long)
    mask = torch.zeros((len(seqs), T), dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, :len(s)] = torch.tensor(s, dtype=torch.long)
        mask[i, :len(s)] = 1
    with torch.no_grad():
        logits = model(input_ids=ids, attention_mask=mask).logits
    if logits.shape != (len(seqs), 1):
        raise CheckFailed(f"logits shape {tuple(logits.shape)}, expected ({len(seqs)}, 1)")
    return [float(x) for x in logits[:, 0].tolist()]


def load_adapter_model(base_dir, adapter_dir, attn):
    from peft import PeftModel
    from peft.utils import get_peft_model_state_dict
    from safetensors import safe_open

    base = load_model(base_dir, attn)
    try:
        pm = PeftModel.from_pretrained(base, adapter_dir, is_trainable=False).eval()
    except Exception as e:  # peft raises KeyError when a modules_to_save tensor (score) is absent
        raise CheckFailed(f"{adapter_dir}: PeftModel.from_pretrained failed: {type(e).__name__}: {e}") from e
    f_st = os.path.join(adapter_dir, "adapter_model.safetensors")
    if os.path.exists(f_st):
        with safe_open(f_st, "pt") as f:
            in_file = set(f.keys())
    else:
        f_bin = os.path.join(adapter_dir, "adapter_model.bin")
        if not os.path.exists(f_bin):
            raise CheckFailed(f"{adapter_dir}: no adapter_model.safetensors / adapter_model.bin")
        in_file = set(torch.load(f_bin, map_location="cpu", weights_only=True))
    wanted = set(get_peft_model_state_dict(pm))
    missing, unexpected = sorted(wanted - in_file), sorted(in_file - wanted)
    if missing or unexpected:
        raise CheckFailed(f"{adapter_dir}: adapter tensors do not match what peft expects: "
                          f"missing {missing[:6]}{' ...' if len(missing) > 6 else ''} "
                          f"unexpected {unexpected[:6]}{' ...' if len(unexpected) > 6 else ''}")
    return pm, pad_id_of(base, base_dir)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("export_dir")
    ap.add_argument("--pairs", required=True, help='JSON {"pairs": [{"chosen": [ids], "rejected": [ids]}]}')
    ap.add_argument("--adapter", help="PEFT adapter folder (needs --base)")
    ap.add_argument("--base", help="base model folder for --adapter")
    ap.add_argument("--expect", help='JSON {"rewards": [...]}: chosen_0..n-1 then rejected_0..n-1')
    ap.add_argument("--atol", type=float, default=1e-4)
    ap.add_argument("--attn", default="eager", choices=["eager", "sdpa"], help="attn_implementation (default eager)")
    ap.add_argument("--out", help="also write the export's rewards to this JSON file")
    a = ap.parse_args(argv)
    torch.set_num_threads(max(1, min(4, os.cpu_count() or 1)))
    try:
        if bool(a.adapter) != bool(a.base):
            raise CheckFailed("--adapter and --base go together")
        seqs = load_pairs(a.pairs)
        n = len(seqs) // 2
        model = load_model(a.export_dir, a.attn)
        pad = pad_id_of(model, a.export_dir)
        rewards = score(model, seqs, pad)
        report = {"rewards": rewards, "order": f"chosen_0..chosen_{n - 1}, rejected_0..rejected_{n - 1}",
                  "class": type(model).__name__, "pad_token_id": pad}
        diffs, fails = {}, []
        if a.adapter:
            pm, pad_b = load_adapter_model(a.base, a.adapter, a.attn)
            if pad_b != pad:
                fails.append(f"pad_token_id export {pad} != base {pad_b}")
            r_ad = score(pm, seqs, pad_b)
            d = max(abs(x - y) for x, y in zip(rewards, r_ad))
            diffs["adapter"] = d
            report["adapter_rewards"] = r_ad
            if not d <= a.atol:
                fails.append(f"export vs base+adapter max_abs_diff={d:.3g} > atol {a.atol:g}")
        if a.expect:
            with open(a.expect, encoding="utf-8") as f:
                exp = json.load(f)["rewards"]
            if len(exp) != len(rewards):
                raise CheckFailed(f"--expect has {len(exp)} rewards, the pairs give {len(rewards)} sequences")
            errs = [abs(x - y) for x, y in zip(rewards, exp)]
            d = max(errs)
            diffs["expect"] = d
            if not d <= a.atol:
                bad = [i for i, e in enumerate(errs) if not e <= a.atol]
                fails.append(f"export vs --expect max_abs_diff={d:.3g} > atol {a.atol:g} at {len(bad)} of "
                             f"{len(errs)} (first index {bad[0]})")
        report["max_abs_diff"] = diffs
        print(json.dumps(report))
        if a.out:
            with open(a.out, "w", encoding="utf-8") as f:
                json.dump({"rewards": rewards, "order": report["order"]}, f)
                f.write("\n")
        worst = max(diffs.values()) if diffs else 0.0
        detail = " ".join(f"{k}={v:.3g}" for k, v in diffs.items()) or "nothing compared"
        if fails:
            print(f"check_hf_export: FAIL {'; '.join(fails)}")
            return 1
        print(f"check_hf_export: OK max_abs_diff={worst:.3g} ({detail}; n={len(rewards)}, atol={a.atol:g})")
        return 0
    except CheckFailed as e:
        print(f"check_hf_export: FAIL {e}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
