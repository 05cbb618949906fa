# The exported job's objective, evaluated for test/unit/job/lossParity.test.ts: reads {cases, coefs} on stdin and
# writes, per case and objective, (loss, base, reg) and d loss / d rewards from reward_lens_loss.py in float64, and,
# when TRL is importable, the loss RewardLensTrainer.compute_loss returns on a stub model (chosen rows first, as
# TRL's collator stacks them) with a data "margin" column it must ignore.
# Usage: python3 loss_parity.py JOB_DIR < cases.json
import json
import sys
import types

import torch

sys.path.insert(0, sys.argv[1])
from reward_lens_loss import OBJECTIVES, reward_lens_loss  # noqa: E402

spec = json.load(sys.stdin)
c = spec["coefs"]
kw = dict(bsr_lambda=c["lambda"], margin=c["margin"], center_coef=c["centerCoef"], norm_eps=c["normEps"])


def loss_and_grads(obj, rc, rr):
    a = torch.tensor(rc, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(rr, dtype=torch.float64, requires_grad=True)
    loss, base, reg = reward_lens_loss(obj, a, b, **kw)
    ga, gb = torch.autograd.grad(loss, [a, b])
    return {"loss": loss.item(), "base": base.item(), "reg": reg.item(), "grad_chosen": ga.tolist(), "grad_rejected": gb.tolist()}


def compute_loss_of_trainer(obj, rc, rr):
    """RewardLensTrainer.compute_loss as TRL calls it, on a stub model whose logits are the given rewards."""
    from train import RewardLensTrainer
    from collections import defaultdict

    logits = torch.tensor(rc + rr, dtype=torch.float64).unsqueeze(-1)
    model = lambda **inputs: types.SimpleNamespace(logits=logits)  # noqa: E731
    job = types.SimpleNamespace(objective=obj, **kw)
    acc = types.SimpleNamespace(gather_for_metrics=lambda t: t.reshape(-1), gather=lambda t: t)
    fake = types.SimpleNamespace(model=types.SimpleNamespace(training=True), rl_job=job, accelerator=acc, _metrics={"train": defaultdict(list), "eval": defaultdict(list)}, _total_train_tokens=0)
    fake._record_metrics = types.MethodType(RewardLensTrainer._record_metrics, fake)
    inputs = {"input_ids": torch.zeros(2 * len(rc), 3, dtype=torch.long), "attention_mask": torch.ones(2 * len(rc), 3, dtype=torch.long), "margin": torch.full((len(rc),), 5.0)}
    loss = RewardLensTrainer.compute_loss(fake, model, inputs)
    m = fake._metrics["train"]
    return {"loss": loss.item(), "bt": m["bt"][0], "reg": m["reg"][0], "batch_mean": m["batch_mean"][0], "accuracy": m["accuracy"][0]}


try:
    import train  # noqa: F401  (needs transformers, datasets, trl)
    trainer_error = None
except Exception as e:  # the loss alone needs torch only
    trainer_error = f"{type(e).__name__}: {e}"

out = {"torch": torch.__version__, "trainer_error": trainer_error, "results": []}
for case in spec["cases"]:
    row = {}
    for obj in OBJECTIVES:
        row[obj] = loss_and_grads(obj, case["rc"], case["rr"])
        if trainer_error is None:
            row[obj]["compute_loss"] = compute_loss_of_trainer(obj, case["rc"], case["rr"])
    out["results"].append(row)
print(json.dumps(out))
