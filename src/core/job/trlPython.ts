// The Python a TRL job ships (reward-lens export-job writes them verbatim into the job folder): train.py, which runs
// TRL's RewardTrainer with the Reward Lens objective, and reward_lens_loss.py, the objectives in PyTorch (the same
// formulas as src/train/losses.ts; test/unit/job/lossParity.test.ts checks them in float64). Kept as text here so
// the CLI, the worker and the extension carry them without extra files; the job's settings live in job.json.
// Written for and tested with the versions in TRL_TESTED_VERSIONS (src/core/job/trlJob.ts).
import { OBJECTIVES } from '../config';

export const LOSS_PY = String.raw`"""The Reward Lens training objectives in PyTorch: the same formulas as Reward Lens' own trainer (src/train/losses.ts).

Every function takes one micro-batch of b pairs, r_chosen = r(x, y_w) and r_rejected = r(x, y_l) (1-D tensors of
length b), and returns (loss, base, reg): base is the pairwise Bradley-Terry-family term, reg the added term (0 when
there is none), and loss = base + reg. Reward Lens' parity test evaluates this file in float64 against its own
losses (max |difference| <= 1e-9).

Centering, two ways. TRL's own RewardConfig.center_rewards_coefficient adds c * mean_i (r_c,i + r_r,i)^2: a penalty on
EVERY PAIR's sum, which also shrinks the spread of pair sums; that is the "center" objective here (and train.py
refuses --center_rewards_coefficient, which its compute_loss would ignore). BSR penalises only the micro-batch's
mean, lambda * b * mean(all 2b rewards)^2 = (lambda / 4b) * (sum of rewards)^2, whose gradient lambda * mean is the
same for every reward: the rewards may spread freely as long as the batch stays centred.

-log(sigmoid(z)) is written -logsigmoid(z): exact for large |z| in float64 (softplus has a threshold at 20 that
would differ from the exact value by ~2e-9).
"""
import torch
import torch.nn.functional as F

OBJECTIVES = (${OBJECTIVES.map((o) => JSON.stringify(o)).join(', ')})

# Below this the reward-vector norm's square is clamped, so the gradient of sqrt stays finite at r_c = r_r = 0
# (the same floor as Reward Lens; it changes nothing unless both |rewards| < 1e-15).
NORM_SQ_FLOOR = 1e-30


def neg_log_sigmoid(z):
    """-log(sigmoid(z)), elementwise and stable."""
    return -F.logsigmoid(z)


def bsr_penalty(r_chosen, r_rejected, bsr_lambda):
    """The BSR penalty exactly as the paper's code: lambda * b * mean(cat(r_chosen, r_rejected))**2.

    b is the number of pairs of THIS micro-batch (per device, per gradient-accumulation step): the penalty equals
    (lambda / (4b)) * (sum of the 2b rewards)**2, and its gradient is lambda * mean for every reward, independent of b.
    """
    b = r_chosen.shape[0]
    return bsr_lambda * b * torch.cat([r_chosen, r_rejected]).mean() ** 2


def reward_lens_loss(objective, r_chosen, r_rejected, *, bsr_lambda=1e-3, margin=1.0, center_coef=0.01, norm_eps=1e-8):
    """The loss of one micro-batch for an objective, as (loss, base, reg)."""
    if r_chosen.dim() != 1 or r_chosen.shape != r_rejected.shape or r_chosen.shape[0] == 0:
        raise ValueError(f"r_chosen and r_rejected must be non-empty 1-D tensors of the same length, got {tuple(r_chosen.shape)} and {tuple(r_rejected.shape)}")
    delta = r_chosen - r_rejected
    reg = delta.new_zeros(())
    if objective == "bt":  # Bradley-Terry: mean -log sigmoid(delta)
        base = neg_log_sigmoid(delta).mean()
    elif objective == "margin":  # BT with a constant margin m: mean -log sigmoid(delta - m)
        base = neg_log_sigmoid(delta - margin).mean()
    elif objective == "hinge":  # "BT-Hinge" as the official code: mean max(0, m - delta), no log-sigmoid term
        base = F.relu(margin - delta).mean()
    elif objective == "norm":  # "BT-Norm": mean -log sigmoid(delta / (sqrt(r_c^2 + r_r^2) + eps))
        norm = torch.sqrt(torch.clamp(r_chosen**2 + r_rejected**2, min=NORM_SQ_FLOOR)) + norm_eps
        base = neg_log_sigmoid(delta / norm).mean()
    elif objective == "dr":  # "double reward" (Eurus): BT + mean[-log sigmoid(r_c) - log sigmoid(-r_r)]
        base = neg_log_sigmoid(delta).mean()
        reg = (neg_log_sigmoid(r_chosen) + neg_log_sigmoid(-r_rejected)).mean()
    elif objective == "center":  # BT + c * mean_i (r_c,i + r_r,i)^2: TRL's center_rewards_coefficient, per pair
        base = neg_log_sigmoid(delta).mean()
        reg = center_coef * ((r_chosen + r_rejected) ** 2).mean()
    elif objective == "bsr":  # BT + lambda * b * (mean of the 2b rewards)^2: the whole micro-batch's mean only
        base = neg_log_sigmoid(delta).mean()
        reg = bsr_penalty(r_chosen, r_rejected, bsr_lambda)
    else:
        raise ValueError(f"unknown objective {objective!r}; one of {', '.join(OBJECTIVES)}")
    return base + reg, base, reg
`;

export const TRAIN_PY = String.raw`#!/usr/bin/env python3
"""Train the reward model of this Reward Lens job with TRL's RewardTrainer (PyTorch, accelerate, DeepSpeed).

The job (job.json, written by "reward-lens export-job") fixes the data, the objective and the hyper-parameters of
the Reward Lens run it came from; this script turns them into TRL defaults. Any TrainingArguments / RewardConfig
field, and any field of JobArguments below, can be overridden on the command line, as in TRL's example scripts:

    accelerate launch --config_file accelerate/multi_gpu.yaml train.py --per_device_train_batch_size 4 --bf16 true

What differs from TRL's own RewardTrainer: compute_loss is replaced by the Reward Lens objective (reward_lens_loss.py),
and a few more numbers are logged (bt, reg, batch_mean, wp_norm, elapsed_s) so "reward-lens import-job" can draw the
same curves as for its own runs. At the end the final model is written as a Hugging Face folder (merged with the
LoRA adapter for LoRA runs) and reward_lens_run.json records what ran, for the import.
"""
import json
import os
import platform
import sys
import time
from dataclasses import dataclass, field
from importlib import metadata

import torch
from datasets import Dataset
from transformers import AutoModelForSequenceClassification, AutoTokenizer, TrainerCallback
from trl import RewardConfig, RewardTrainer, TrlParser

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from reward_lens_loss import OBJECTIVES, reward_lens_loss  # noqa: E402

RUN_RECORD = "reward_lens_run.json"
# The HH-RLHF transcript Reward Lens feeds a model whose tokenizer has no chat template ("\n\nHuman: ...").
HH_TEMPLATE = (
    "{%- for m in messages -%}"
    "{%- if m['role'] == 'user' %}{{ '\n\nHuman: ' }}{% elif m['role'] == 'assistant' %}{{ '\n\nAssistant: ' }}"
    "{% elif m['role'] == 'system' %}{{ '\n\nSystem: ' }}{% else %}{{ '\n\n' + m['role'] + ': ' }}{% endif -%}"
    "{{ m['content'] }}"
    "{%- endfor -%}"
)


@dataclass
class JobArguments:
    """The model and the objective. Defaults come from job.json; every field can be overridden (--objective bt)."""

    job: str = field(default=os.path.join(HERE, "job.json"), metadata={"help": "The job file written by reward-lens export-job."})
    model_name_or_path: str = field(default="", metadata={"help": "A Hugging Face folder or Hub id to start from."})
    dtype: str = field(default="float32", metadata={"help": "Weights dtype when loading: float32 (as Reward Lens), bfloat16 or auto."})
    tune: str = field(default="lora", metadata={"help": "What trains: lora | full | head | top-k (the head always trains)."})
    lora_r: int = field(default=8, metadata={"help": "LoRA rank."})
    lora_alpha: float = field(default=16, metadata={"help": "LoRA alpha (scale = alpha / r)."})
    lora_dropout: float = field(default=0.0, metadata={"help": "LoRA dropout."})
    lora_target_modules: list[str] = field(default_factory=list, metadata={"help": "Module names LoRA adapts."})
    top_k: int = field(default=2, metadata={"help": "Blocks trained with --tune top-k (plus the final norm and the head)."})
    reset_head: bool = field(default=False, metadata={"help": "Start from a fresh head, N(0, 1/(H+1)), as Reward Lens does."})
    objective: str = field(default="bt", metadata={"help": "One of " + ", ".join(OBJECTIVES) + "."})
    bsr_lambda: float = field(default=1e-3, metadata={"help": "BSR weight lambda (objective bsr)."})
    margin: float = field(default=1.0, metadata={"help": "Constant margin m (objectives margin and hinge)."})
    center_coef: float = field(default=0.01, metadata={"help": "Centering coefficient c (objective center)."})
    norm_eps: float = field(default=1e-8, metadata={"help": "Epsilon of BT-Norm's denominator (objective norm)."})
    merge_checkpoints: bool = field(default=True, metadata={"help": "LoRA: also write each checkpoint merged (checkpoint-N/merged), for per-checkpoint diagnostics."})
    probe_pairs: int = field(default=8, metadata={"help": "Pairs scored with the saved final model, for the import's loader check."})


class RewardLensTrainer(RewardTrainer):
    """TRL's RewardTrainer with the Reward Lens objective in compute_loss (the rest is TRL's: data, collator, loop)."""

    def __init__(self, *args, job_args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rl_job = job_args
        self.rl_t0 = time.time()

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        """The loss of one micro-batch (per device, per accumulation step), as Reward Lens computes it.

        TRL's collator puts the b chosen sequences first and the b rejected ones second, right-padded; the model pools
        the last non-pad token. num_items_in_batch is not needed: the loss is a mean over the micro-batch's pairs, and
        the Trainer divides it by gradient_accumulation_steps (RewardTrainer sets model_accepts_loss_kwargs = False).
        A "margin" column from the data is ignored, as in Reward Lens (the margin objective uses the constant --margin).
        """
        mode = "train" if self.model.training else "eval"
        model_inputs = {k: v for k, v in inputs.items() if k != "margin"}
        model_inputs["use_cache"] = False
        outputs = model(**model_inputs)
        r_chosen, r_rejected = torch.chunk(outputs.logits.squeeze(-1), chunks=2)
        j = self.rl_job
        loss, base, reg = reward_lens_loss(j.objective, r_chosen, r_rejected, bsr_lambda=j.bsr_lambda, margin=j.margin, center_coef=j.center_coef, norm_eps=j.norm_eps)
        self._record_metrics(mode, inputs, outputs.logits, r_chosen, r_rejected, base, reg)
        return (loss, outputs) if return_outputs else loss

    def _record_metrics(self, mode, inputs, logits, r_chosen, r_rejected, base, reg):
        """TRL's metrics (rewards, accuracy, margin, tokens) and Reward Lens' (bt, reg, batch_mean), averaged by log()."""
        gather = self.accelerator.gather_for_metrics
        m = self._metrics[mode]
        if mode == "train":
            self._total_train_tokens += gather(inputs["attention_mask"].sum()).sum().item()
        m["num_tokens"] = [self._total_train_tokens]
        with torch.no_grad():
            all_rewards = self.accelerator.gather(logits)
            m["min_reward"].append(all_rewards.min().item())
            m["mean_reward"].append(all_rewards.mean().item())
            m["max_reward"].append(all_rewards.max().item())
            m["accuracy"].append(gather((r_chosen > r_rejected).float().mean()).mean().item())
            m["margin"].append(gather((r_chosen - r_rejected).mean()).mean().item())
            m["bt"].append(gather(base.detach()).mean().item())
            m["reg"].append(gather(reg.detach()).mean().item())
            m["batch_mean"].append(gather(torch.cat([r_chosen, r_rejected]).mean()).mean().item())

    def log(self, logs, start_time=None):
        """Training logs also carry the head's norm ||W_p|| and the wall time since the trainer started."""
        if "loss" in logs:
            logs["wp_norm"] = head_weight_norm(self.model)
            logs["elapsed_s"] = time.time() - self.rl_t0
        super().log(logs, start_time)


def head_weight_norm(model):
    """||W_p||, the Frobenius norm of the reward head (the trained copy under PEFT; gathered under ZeRO-3)."""
    named = dict(model.named_parameters())
    names = [n for n in named if n.endswith("score.modules_to_save.default.weight")] or [n for n in named if n.endswith("score.weight")]
    if not names:
        return float("nan")
    w = named[names[0]]
    if hasattr(w, "ds_id"):  # DeepSpeed ZeRO-3 partitions parameters: gather this small one to read it
        import deepspeed

        with deepspeed.zero.GatheredParameters([w]):
            return w.detach().float().norm().item()
    return w.detach().float().norm().item()


def read_job(path):
    """job.json, checked: a message names the file and the field at fault."""
    try:
        with open(path, encoding="utf-8") as f:
            job = json.load(f)
    except (OSError, json.JSONDecodeError) as e:
        raise SystemExit(f"{path}: cannot read the job ({e})")
    if job.get("format") != "reward-lens-trl-job":
        raise SystemExit(f"{path}: field \"format\" is {job.get('format')!r}, expected 'reward-lens-trl-job'")
    for key in ("job_args", "training_args", "data"):
        if not isinstance(job.get(key), dict):
            raise SystemExit(f"{path}: field \"{key}\" is missing or not an object")
    return job


def parse_arguments(argv):
    """JobArguments and RewardConfig: the job's values as defaults, the command line over them."""
    job_path = argv[argv.index("--job") + 1] if "--job" in argv[:-1] else os.path.join(HERE, "job.json")
    job = read_job(job_path)
    parser = TrlParser((JobArguments, RewardConfig))
    defaults = {**job["job_args"], **job["training_args"], "job": job_path}
    defaults.setdefault("output_dir", os.path.join(HERE, "output"))
    parser.set_defaults_with_config(**defaults)
    job_args, training_args = parser.parse_args_and_config(argv)
    if job_args.objective not in OBJECTIVES:
        parser.error(f"--objective must be one of {', '.join(OBJECTIVES)}, got {job_args.objective!r}")
    if job_args.tune not in ("lora", "full", "head", "top-k"):
        parser.error(f"--tune must be lora, full, head or top-k, got {job_args.tune!r}")
    if training_args.center_rewards_coefficient is not None:
        # TRL's centering term would be ignored by compute_loss above: say so instead of training without it.
        parser.error("--center_rewards_coefficient is TRL's own term, which this trainer replaces: use --objective center --center_coef C")
    return job, job_args, training_args


def read_pairs(path):
    """A TRL preference file written by Reward Lens: one JSON object per line with prompt, chosen, rejected.

    The prompt is joined to each side here (TRL's "implicit prompt" form), which is what RewardTrainer does itself
    for an explicit prompt; doing it first also avoids TRL's format check failing on an empty prompt list.
    """
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                raise SystemExit(f"{path}:{n}: not valid JSON ({e})")
            for key in ("prompt", "chosen", "rejected"):
                if key not in row:
                    raise SystemExit(f"{path}:{n}: field \"{key}\" is missing")
            rows.append({"id": str(row.get("id", n)), "chosen": row["prompt"] + row["chosen"], "rejected": row["prompt"] + row["rejected"]})
    if not rows:
        raise SystemExit(f"{path}: no pairs")
    return Dataset.from_list(rows)


def load_datasets(job, job_dir):
    """The training pairs and the named eval sets (pairs only: multi-response sets are scored by the import)."""
    data = job["data"]
    train = read_pairs(os.path.join(job_dir, data["train"]))
    evals = {name: read_pairs(os.path.join(job_dir, rel)) for name, rel in data.get("eval", {}).items()}
    return train, evals


def load_model(job_args, training_args):
    """AutoModelForSequenceClassification with one output; a fresh head is N(0, 1/(H+1)), as in Reward Lens."""
    dtype = job_args.dtype if job_args.dtype == "auto" else getattr(torch, job_args.dtype)
    model, info = AutoModelForSequenceClassification.from_pretrained(
        job_args.model_name_or_path, num_labels=1, dtype=dtype, trust_remote_code=training_args.trust_remote_code, output_loading_info=True
    )
    fresh = any(k.startswith("score.") for k in info["missing_keys"])
    if fresh or job_args.reset_head:
        hidden = model.score.weight.shape[1]
        generator = torch.Generator().manual_seed(training_args.seed)
        with torch.no_grad():
            model.score.weight.copy_(torch.randn(model.score.weight.shape, generator=generator) * (1.0 / (hidden + 1)) ** 0.5)
    head = "fresh N(0, 1/(H+1))" if fresh or job_args.reset_head else "from the checkpoint"
    return model, head


def blocks_of(model):
    """The transformer blocks and the final norm (Llama/Mistral/Qwen/Gemma: layers, norm; GPT-2: h, ln_f)."""
    base = model.base_model
    for blocks, norm in (("layers", "norm"), ("h", "ln_f")):
        if hasattr(base, blocks):
            return getattr(base, blocks), getattr(base, norm)
    raise SystemExit(f"--tune top-k: {type(model).__name__} has no layers/h block list")


def apply_tuning(model, job_args):
    """Freezes what does not train; returns the PEFT config for LoRA (TRL wraps the model), else None."""
    if job_args.tune == "lora":
        from peft import LoraConfig

        targets = job_args.lora_target_modules or None
        return LoraConfig(
            task_type="SEQ_CLS", r=job_args.lora_r, lora_alpha=job_args.lora_alpha, lora_dropout=job_args.lora_dropout, target_modules=targets,
            modules_to_save=["score"], fan_in_fan_out=model.config.model_type == "gpt2",  # GPT-2's Conv1D stores [in, out]
        )
    if job_args.tune in ("head", "top-k"):
        for p in model.parameters():
            p.requires_grad_(False)
        trained = [model.score]
        if job_args.tune == "top-k":
            blocks, norm = blocks_of(model)
            trained += list(blocks[-job_args.top_k :]) + [norm]
        for module in trained:
            for p in module.parameters():
                p.requires_grad_(True)
        model.enable_input_require_grads()  # gradient checkpointing needs an input that requires grad
    return None


def load_tokenizer(job_args):
    """The model's tokenizer; without a chat template, the HH transcript Reward Lens uses instead."""
    tokenizer = AutoTokenizer.from_pretrained(job_args.model_name_or_path)
    if not tokenizer.chat_template:
        tokenizer.chat_template = HH_TEMPLATE
    return tokenizer


def write_json_atomic(path, value):
    """Writes a JSON file through a temporary file and a rename, so a reader never sees half of it."""
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(value, f, indent=2, default=str)
        f.write("\n")
    os.replace(tmp, path)


def versions():
    out = {"python": platform.python_version()}
    for name in ("torch", "transformers", "trl", "peft", "accelerate", "datasets", "deepspeed"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return out


def run_record(job, job_args, trainer, counts, status, **extra):
    """What ran, for reward-lens import-job: the effective settings, the data actually used, the versions."""
    args = trainer.args
    return {
        "format": "reward-lens-trl-run",
        "version": 1,
        "status": status,
        "job": {"path": os.path.abspath(job_args.job), "dir": os.path.dirname(os.path.abspath(job_args.job)), "id": job.get("id")},
        "job_args": {k: getattr(job_args, k) for k in JobArguments.__dataclass_fields__},
        "world_size": trainer.accelerator.num_processes,
        "distributed_type": getattr(trainer.accelerator.distributed_type, "value", str(trainer.accelerator.distributed_type)),
        "device": args.device.type,
        "per_device_train_batch_size": args.per_device_train_batch_size,
        "gradient_accumulation_steps": args.gradient_accumulation_steps,
        "learning_rate": args.learning_rate,
        "seed": args.seed,
        "logging_steps": args.logging_steps,
        "eval_steps": args.eval_steps if args.eval_strategy == "steps" else 0,
        "max_length": args.max_length,
        "max_steps": trainer.state.max_steps,
        "global_step": trainer.state.global_step,
        "pairs": counts,
        "versions": versions(),
        "training_args": json.loads(args.to_json_string()),
        **extra,
    }


def pair_counts(raw_train, raw_evals, trainer):
    """Pairs exported vs pairs TRL kept: RewardTrainer drops pairs longer than max_length tokens (Reward Lens truncates)."""
    kept_evals = trainer.eval_dataset if isinstance(trainer.eval_dataset, dict) else {}
    counts = {"train": {"exported": len(raw_train), "used": len(trainer.train_dataset)}}
    for name, ds in raw_evals.items():
        counts[f"eval:{name}"] = {"exported": len(ds), "used": len(kept_evals.get(name, ds))}
    for c in counts.values():
        c["dropped_over_max_length"] = c["exported"] - c["used"]
    return counts


def write_merged_model(job_args, adapter_dir, out_dir, tokenizer):
    """LoRA: the base model with the adapter merged in, as a plain Hugging Face folder (what Reward Lens scores).

    The adapter is reloaded from disk rather than merged in memory, so this works the same after DeepSpeed ZeRO-3.
    """
    from peft import PeftModel

    base = AutoModelForSequenceClassification.from_pretrained(job_args.model_name_or_path, num_labels=1, dtype=torch.float32)
    merged = PeftModel.from_pretrained(base, adapter_dir).merge_and_unload()
    merged.config.pad_token_id = tokenizer.pad_token_id
    merged.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)


class MergeCheckpoints(TrainerCallback):
    """LoRA: every checkpoint also gets merged/, a full Hugging Face folder, so the import can compute the
    diagnostics per checkpoint (the paper's Figure 2) as for a local run. --merge_checkpoints false turns it off."""

    def __init__(self, job_args, tokenizer):
        self.job_args, self.tokenizer = job_args, tokenizer

    def on_save(self, args, state, control, **kwargs):
        checkpoint = os.path.join(args.output_dir, f"checkpoint-{state.global_step}")
        if state.is_world_process_zero and os.path.isdir(checkpoint):
            write_merged_model(self.job_args, checkpoint, os.path.join(checkpoint, "merged"), self.tokenizer)


class LogLastStep(TrainerCallback):
    """Logs the last step whatever logging_steps is, as Reward Lens does, so a short run still has a curve point."""

    def on_step_end(self, args, state, control, **kwargs):
        if state.global_step == state.max_steps:
            control.should_log = True
        return control


def probe_rewards(model_dir, tokenizer, name, dataset, n):
    """Rewards of the first n pairs of one eval set under the SAVED final model, reloaded from disk: the import scores
    the same pairs with Reward Lens' own loader and compares, so a model it would read differently is caught."""
    model = AutoModelForSequenceClassification.from_pretrained(model_dir, dtype=torch.float32).eval()
    out = []
    with torch.no_grad():
        for i, row in enumerate(dataset.select(range(min(n, len(dataset))))):
            ids = [tokenizer.apply_chat_template(row[side], tokenize=True, return_dict=True, return_tensors="pt") for side in ("chosen", "rejected")]
            r = [model(**x).logits[0, 0].item() for x in ids]
            out.append({"set": name, "index": i, "id": row["id"], "r_chosen": r[0], "r_rejected": r[1]})
    return out


def finish(job, job_args, trainer, tokenizer, record, probe_set):
    """Final evaluation, the final model (merged for LoRA), trainer_state.json and the run record."""
    args = trainer.args
    last_eval = [e["step"] for e in trainer.state.log_history if any(k.startswith("eval_") for k in e)]
    if trainer.eval_dataset and (not last_eval or last_eval[-1] != trainer.state.global_step):
        trainer.evaluate()
    trainer.save_model(args.output_dir)  # the full model, or the PEFT adapter for LoRA
    trainer.save_state()
    if not trainer.accelerator.is_main_process:
        return
    final_dir = args.output_dir
    if job_args.tune == "lora":
        final_dir = os.path.join(args.output_dir, "merged")
        write_merged_model(job_args, args.output_dir, final_dir, tokenizer)
    record.update(run_record(job, job_args, trainer, record["pairs"], "completed"))
    record.update(final_model=os.path.relpath(final_dir, args.output_dir), probe=probe_rewards(final_dir, tokenizer, *probe_set, job_args.probe_pairs),
                  train_runtime_s=time.time() - trainer.rl_t0, finished_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"))
    write_json_atomic(os.path.join(args.output_dir, RUN_RECORD), record)
    print(f"reward-lens: final model in {final_dir}; import the run with: reward-lens import-job {args.output_dir}")


def start(job, job_args, trainer, raw_train, raw_evals, head):
    """The run record written before training (status running), and TRL's max_length drops, said out loud."""
    args = trainer.args
    record = run_record(job, job_args, trainer, pair_counts(raw_train, raw_evals, trainer), "running", head=head, started_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"))
    if trainer.accelerator.is_main_process:
        os.makedirs(args.output_dir, exist_ok=True)
        write_json_atomic(os.path.join(args.output_dir, RUN_RECORD), record)
        for name, c in record["pairs"].items():
            if c["dropped_over_max_length"]:
                print(f"reward-lens: {name}: TRL dropped {c['dropped_over_max_length']} of {c['exported']} pairs longer than max_length={args.max_length} tokens (Reward Lens truncates them instead; raise --max_length to keep them)")
    return record


def main(argv):
    job, job_args, training_args = parse_arguments(argv)
    job_dir = os.path.dirname(os.path.abspath(job_args.job))
    raw_train, raw_evals = load_datasets(job, job_dir)
    model, head = load_model(job_args, training_args)
    peft_config = apply_tuning(model, job_args)
    tokenizer = load_tokenizer(job_args)
    callbacks = [LogLastStep()] + ([MergeCheckpoints(job_args, tokenizer)] if job_args.tune == "lora" and job_args.merge_checkpoints else [])
    trainer = RewardLensTrainer(
        model=model, args=training_args, train_dataset=raw_train, eval_dataset=raw_evals or None,
        processing_class=tokenizer, peft_config=peft_config, callbacks=callbacks, job_args=job_args,
    )
    record = start(job, job_args, trainer, raw_train, raw_evals, head)
    resume = training_args.resume_from_checkpoint
    trainer.train(resume_from_checkpoint=True if resume in ("true", "True", "latest") else resume)
    probe_set = next(iter(raw_evals.items())) if raw_evals else ("train", raw_train)
    finish(job, job_args, trainer, tokenizer, record, probe_set)


if __name__ == "__main__":
    main(sys.argv[1:])
`;
