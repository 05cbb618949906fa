#!/usr/bin/env python3
"""Tiny random Hugging Face reward-model checkpoints + the numbers transformers computes for them.

Writes, deterministically and from scratch (the output folders are deleted first):
  test/fixtures/hf/<fixture>/            what save_pretrained writes (config.json, safetensors, tokenizer files)
  test/fixtures/hf/expected/<fixture>.json   texts, ids, pooled indices, logits and pooled hidden states
  test/fixtures/hf/README.md is NOT written by this script (it is hand-written; keep it in sync).

Run:   python3 scripts/make_hf_fixtures.py            (about 20 s on 2 cores)
       python3 scripts/make_hf_fixtures.py llama3 gpt2   (only some fixtures; shared tokenizers are retrained)
Needs: python 3.11, torch (CPU), transformers 5.x, tokenizers, safetensors (versions used: see the README).

Every number is computed in float32 on CPU. All weights come from seeded generators; every norm weight, every
bias and the score head are perturbed away from their default init (Gemma's (1+w) norms get w = 0.2*N(0,1)).
The script asserts, for every fixture, that single / right-padded / left-padded runs agree (1e-4 relative), that
the chat-template ids equal tokenizer(text, add_special_tokens=False) and the raw tokenizer.json, that the
pooled index it records is the one transformers used, and that each quirk (llama3 RoPE scaling, Gemma-2
soft-capping and sliding window, bf16 rounding, ...) really changes the outputs. It fails loudly otherwise.
"""
import collections
import copy
import json
import math
import os
import shutil
import struct
import sys
import tempfile

os.environ.setdefault("RAYON_NUM_THREADS", "2")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "true")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

import torch
import transformers
import tokenizers
from tokenizers import Tokenizer, Regex, models, normalizers, pre_tokenizers, decoders, processors, trainers
from tokenizers import AddedToken as TkAddedToken
from transformers import (AutoConfig, AutoModel, AutoModelForSequenceClassification, AutoTokenizer,
                          Gemma2Config, Gemma2ForSequenceClassification, GPT2Config, GPT2ForSequenceClassification,
                          LlamaConfig, LlamaForCausalLM, LlamaForSequenceClassification, LlamaModel,
                          LlamaPreTrainedModel, MistralConfig, MistralForSequenceClassification, Qwen2Config,
                          Qwen2ForSequenceClassification, Qwen3Config, Qwen3ForSequenceClassification)

torch.set_num_threads(2)
torch.use_deterministic_algorithms(True)
transformers.logging.set_verbosity_error()
transformers.utils.logging.disable_progress_bar()

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "fixtures", "hf")
EXPECTED = os.path.join(OUT, "expected")
HARD = os.path.join(ROOT, "test", "fixtures", "tokenizers", "hard-strings.json")
DATA = os.environ.get("RL_DATA", "/work/shared/data")
RTOL = 1e-4

# --------------------------------------------------------------------------------------------------
# The five conversations (the scored response is the final assistant turn)
# --------------------------------------------------------------------------------------------------
CASES = [
    # (a) short single turn
    [{"role": "user", "content": "Hi! What's 2+2?"},
     {"role": "assistant", "content": "2+2 is 4."}],
    # (b) longer single turn
    [{"role": "user", "content": "Can you explain how a rainbow forms? Please keep it simple, but mention "
                                 "refraction, reflection and dispersion."},
     {"role": "assistant", "content": "Sure. Sunlight enters a raindrop and bends (refraction). Different colours "
                                      "bend by slightly different amounts (dispersion), so white light spreads into "
                                      "a spectrum. The light reflects off the back of the drop and bends again as "
                                      "it leaves. Each colour exits at its own angle, about 42 degrees for red and "
                                      "40 for violet, which is why you see an arc of colour opposite the sun."}],
    # (c) with a system message
    [{"role": "system", "content": "You are a terse assistant. Answer in one sentence."},
     {"role": "user", "content": "Why is the sky blue?"},
     {"role": "assistant", "content": "Air scatters short blue wavelengths far more than red ones."}],
    # (d) multi-turn
    [{"role": "user", "content": "I need a name for my cat."},
     {"role": "assistant", "content": "How about Miso?"},
     {"role": "user", "content": "Something longer, please."},
     {"role": "assistant", "content": "Then try Professor Whiskerton the Third."}],
    # (e) special-token strings inside the text, unicode, emoji
    [{"role": "user", "content": "Do <|im_end|>, </s>, <eos>, <|endoftext|>, <|eot_id|> and [INST] break you? "
                                 "\U0001f916\U0001f469\u200d\U0001f4bb\U0001f1ef\U0001f1f5 \u65e5\u672c\u8a9e, "
                                 "caf\u00e9, nai\u0308ve, \u05e9\u05dc\u05d5\u05dd "},
     {"role": "assistant", "content": "No \u2014 here they are plain text \u2705 \U0001f600"}],
]


def hh_transcript(messages):
    prefix = {"user": "\n\nHuman: ", "assistant": "\n\nAssistant: ", "system": "\n\nSystem: "}
    return "".join(prefix[m["role"]] + m["content"] for m in messages)


# --------------------------------------------------------------------------------------------------
# Chat templates (written for these fixtures)
# --------------------------------------------------------------------------------------------------
LLAMA3_TEMPLATE = """{{- bos_token }}
{%- for message in messages %}
    {{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' }}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}
{%- endif %}"""

MISTRAL_TEMPLATE = """{{- bos_token }}
{%- if messages[0]['role'] == 'system' %}
    {%- set system_message = messages[0]['content'] %}
    {%- set loop_messages = messages[1:] %}
{%- else %}
    {%- set system_message = none %}
    {%- set loop_messages = messages %}
{%- endif %}
{%- for message in loop_messages %}
    {%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}
        {{- raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}
    {%- endif %}
    {%- if message['role'] == 'user' %}
        {%- if loop.first and system_message is not none %}
            {{- '[INST] ' + system_message + '\\n\\n' + message['content'] + ' [/INST]' }}
        {%- else %}
            {{- '[INST] ' + message['content'] + ' [/INST]' }}
        {%- endif %}
    {%- else %}
        {{- ' ' + message['content'] + eos_token }}
    {%- endif %}
{%- endfor %}"""

QWEN2_TEMPLATE = """{%- if messages[0]['role'] == 'system' %}
    {{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}
    {%- set loop_messages = messages[1:] %}
{%- else %}
    {{- '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}
    {%- set loop_messages = messages %}
{%- endif %}
{%- for message in loop_messages %}
    {{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|im_start|>assistant\\n' }}
{%- endif %}"""

QWEN3_TEMPLATE = """{%- for message in messages %}
    {%- if message['role'] == 'system' and not loop.first %}
        {{- raise_exception('The system message must come first.') }}
    {%- elif message['role'] == 'assistant' and loop.last %}
        {{- '<|im_start|>assistant\\n<think>\\n\\n</think>\\n\\n' + message['content'] + '<|im_end|>\\n' }}
    {%- else %}
        {{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|im_start|>assistant\\n' }}
{%- endif %}"""

GEMMA_TEMPLATE = """{{- bos_token }}
{%- if messages[0]['role'] == 'system' %}
    {%- set first_user_prefix = messages[0]['content'] + '\\n\\n' %}
    {%- set loop_messages = messages[1:] %}
{%- else %}
    {%- set first_user_prefix = '' %}
    {%- set loop_messages = messages %}
{%- endif %}
{%- for message in loop_messages %}
    {%- set role = 'model' if message['role'] == 'assistant' else message['role'] %}
    {{- '<start_of_turn>' + role + '\\n' + (first_user_prefix if loop.first else '') + message['content'] | trim + '<end_of_turn>\\n' }}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<start_of_turn>model\\n' }}
{%- endif %}"""

# --------------------------------------------------------------------------------------------------
# Tokenizers (trained here on HH-RLHF text + a little code/unicode written for this script)
# --------------------------------------------------------------------------------------------------
EXTRA_TEXT = [
    "def score(x):\n    return x * 2\n\nfor i in range(10):\n\tprint(i)\n",
    "{\"role\": \"user\", \"content\": \"hello\"}\n",
    "function f(a, b) {\n  return a + b;\n}\n",
    "I'll go. DON'T stop. We've seen it. It's fine. They're here.\n",
    "caf\u00e9 na\u00efve \u00fcber \u00e9l\u00e8ve \u65e5\u672c\u8a9e \u4e2d\u6587 \U0001f600 \u2705\n",
    "12345 67890 3.14159 2024-12-01\n",
]

LLAMA3_REGEX = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|"
                r"\s*[\r\n]+|\s+(?!\S)|\s+")
QWEN_REGEX = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|"
              r"\s*[\r\n]+|\s+(?!\S)|\s+")

_CORPUS = None


def corpus():
    global _CORPUS
    if _CORPUS is None:
        texts = []
        with open(os.path.join(DATA, "hh-rlhf", "helpful-base-test.jsonl"), encoding="utf-8") as f:
            for i, line in enumerate(f):
                if i >= 400:
                    break
                texts.append(json.loads(line)["chosen"])
        _CORPUS = texts + EXTRA_TEXT * 20
    return _CORPUS


def train_byte_level(kind, n_merges_vocab):
    """Byte-level BPE. kind: 'llama3' | 'qwen' | 'gpt2'. Returns a tokenizers.Tokenizer without special tokens."""
    t = Tokenizer(models.BPE())
    if kind == "gpt2":
        t.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    else:
        rx = LLAMA3_REGEX if kind == "llama3" else QWEN_REGEX
        t.pre_tokenizer = pre_tokenizers.Sequence([
            pre_tokenizers.Split(Regex(rx), behavior="isolated", invert=False),
            pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=False)])
    if kind == "qwen":
        t.normalizer = normalizers.NFC()
    t.decoder = decoders.ByteLevel()
    tr = trainers.BpeTrainer(vocab_size=n_merges_vocab, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                             show_progress=False)
    t.train_from_iterator(corpus(), tr)
    return t


def train_sp_bpe(specials, vocab_size, prefix_space):
    """SentencePiece-style BPE with byte fallback. specials first, then <0x00>..<0xFF>, then learned pieces.

    Returns (vocab dict, merges list). Characters outside the 120 most frequent ones (ties by code point) are
    removed from the training text so that they go through byte fallback."""
    texts = corpus()
    counts = collections.Counter()
    for t_ in texts:
        counts.update(t_)
    keep = {c for c, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:120]} | {" "}
    texts = ["".join(c for c in t_ if c in keep) for t_ in texts]
    t = Tokenizer(models.BPE(unk_token="<unk>"))
    norms = [normalizers.Replace(" ", "\u2581")]
    if prefix_space:
        norms.insert(0, normalizers.Prepend("\u2581"))
    t.normalizer = normalizers.Sequence(norms)
    t.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="never", split=True)
    tr = trainers.BpeTrainer(vocab_size=vocab_size - 256, special_tokens=list(specials), show_progress=False)
    t.train_from_iterator(texts, tr)
    j = json.loads(t.to_str())
    vocab = {}
    for s in specials:
        vocab[s] = len(vocab)
    for b in range(256):
        vocab[f"<0x{b:02X}>"] = len(vocab)
    for tok, _ in sorted(j["model"]["vocab"].items(), key=lambda kv: kv[1]):
        if tok not in vocab:
            vocab[tok] = len(vocab)
    merges = [tuple(m) if isinstance(m, list) else tuple(m.split(" ")) for m in j["model"]["merges"]]
    return vocab, merges


def finalize_tokenizer(raw: Tokenizer, tk_config: dict, out_dir: str, chat_template=None):
    """raw tokenizer.json + tokenizer_config -> AutoTokenizer (the class named in tokenizer_config) ->
    save_pretrained(out_dir). Returns the tokenizer loaded back from out_dir."""
    with tempfile.TemporaryDirectory() as td:
        raw.save(os.path.join(td, "tokenizer.json"))
        with open(os.path.join(td, "tokenizer_config.json"), "w", encoding="utf-8") as f:
            json.dump(tk_config, f)
        tok = AutoTokenizer.from_pretrained(td)
    if chat_template is not None:
        tok.chat_template = chat_template
    tok.save_pretrained(out_dir)
    return AutoTokenizer.from_pretrained(out_dir)


_TOK_CACHE = {}


def llama3_raw():
    if "llama3" not in _TOK_CACHE:
        t = train_byte_level("llama3", 600)
        specials = ["<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>",
                    "<|eot_id|>", "<|finetune_right_pad_id|>"]
        t.add_special_tokens([TkAddedToken(s, special=True, normalized=False) for s in specials])
        bos = t.token_to_id("<|begin_of_text|>")
        t.post_processor = processors.Sequence([
            processors.ByteLevel(add_prefix_space=True, trim_offsets=False, use_regex=True),
            processors.TemplateProcessing(single="<|begin_of_text|> $A",
                                          pair="<|begin_of_text|> $A <|begin_of_text|> $B:1",
                                          special_tokens=[("<|begin_of_text|>", bos)])])
        _TOK_CACHE["llama3"] = t
    return Tokenizer.from_str(_TOK_CACHE["llama3"].to_str())


def qwen_raw(extra_nonspecial=()):
    if "qwen" not in _TOK_CACHE:
        _TOK_CACHE["qwen"] = train_byte_level("qwen", 600)
    t = Tokenizer.from_str(_TOK_CACHE["qwen"].to_str())
    t.add_special_tokens([TkAddedToken(s, special=True, normalized=False)
                          for s in ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]])
    if extra_nonspecial:
        t.add_tokens([TkAddedToken(s, special=False, normalized=False) for s in extra_nonspecial])
    t.post_processor = processors.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False)
    return t


def gpt2_raw():
    t = train_byte_level("gpt2", 560)
    t.add_special_tokens([TkAddedToken("<|endoftext|>", special=True, normalized=False)])
    t.post_processor = processors.ByteLevel(add_prefix_space=True, trim_offsets=False, use_regex=True)
    return t


def sp_tokenizer_json(vocab, merges, specials, normalizer, pre_tokenizer, bos, decoder_strip):
    dec = [{"type": "Replace", "pattern": {"String": "\u2581"}, "content": " "}, {"type": "ByteFallback"},
           {"type": "Fuse"}]
    if decoder_strip:
        dec.append({"type": "Strip", "content": " ", "start": 1, "stop": 0})
    tj = {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [{"id": vocab[s], "content": s, "single_word": False, "lstrip": False, "rstrip": False,
                          "normalized": False, "special": True} for s in specials],
        "normalizer": normalizer, "pre_tokenizer": pre_tokenizer,
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": bos, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": bos, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": bos, "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {bos: {"id": bos, "ids": [vocab[bos]], "tokens": [bos]}}},
        "decoder": {"type": "Sequence", "decoders": dec},
        "model": {"type": "BPE", "dropout": None, "unk_token": "<unk>", "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": True, "byte_fallback": True, "ignore_merges": False,
                  "vocab": vocab, "merges": [list(m) for m in merges]},
    }
    return Tokenizer.from_str(json.dumps(tj, ensure_ascii=False))


def mistral_raw():
    specials = ["<unk>", "<s>", "</s>"]
    vocab, merges = train_sp_bpe(specials, 768, prefix_space=True)
    # the Llama-2/Mistral tokenizer.json as transformers 4.x wrote it for legacy=True (Prepend+Replace normalizer)
    norm = {"type": "Sequence", "normalizers": [{"type": "Prepend", "prepend": "\u2581"},
                                                {"type": "Replace", "pattern": {"String": " "}, "content": "\u2581"}]}
    return sp_tokenizer_json(vocab, merges, specials, norm, None, "<s>", True)


def gemma_raw():
    specials = ["<pad>", "<eos>", "<bos>", "<unk>", "<mask>", "<start_of_turn>", "<end_of_turn>"]
    vocab, merges = train_sp_bpe(specials, 768, prefix_space=False)
    norm = {"type": "Replace", "pattern": {"String": " "}, "content": "\u2581"}
    return sp_tokenizer_json(vocab, merges, specials, norm, None, "<bos>", False)


# --------------------------------------------------------------------------------------------------
# Weights
# --------------------------------------------------------------------------------------------------
def perturb(model, seed, gemma_norms=False, qk_gain=1.5):
    """Re-initialise every parameter from a seeded generator.

    Linear/Conv1D weights: N(0,1)/sqrt(fan_in) (q/k projections x qk_gain so attention is not uniform);
    embeddings N(0,1) (GPT-2 position table N(0, 0.5^2)); norm weights 1 + 0.2 N(0,1) (Gemma: 0.2 N(0,1));
    every bias (norm biases included) 0.2 N(0,1)."""
    g = torch.Generator().manual_seed(seed)
    seen = set()

    def rn(shape):
        return torch.randn(tuple(shape), generator=g, dtype=torch.float32)

    with torch.no_grad():
        for mname, mod in model.named_modules():
            cls = type(mod).__name__
            for pname, p in mod.named_parameters(recurse=False):
                if id(p) in seen:
                    continue
                seen.add(id(p))
                if "Norm" in cls:
                    if pname == "weight":
                        p.copy_((0.0 if gemma_norms else 1.0) + 0.2 * rn(p.shape))
                    else:
                        p.copy_(0.2 * rn(p.shape))
                elif pname == "bias":
                    p.copy_(0.2 * rn(p.shape))
                elif "Embedding" in cls:  # nn.Embedding, Gemma2TextScaledWordEmbedding
                    p.copy_(rn(p.shape) * (0.5 if mname.endswith("wpe") else 1.0))
                elif cls == "Linear":
                    gain = qk_gain if mname.endswith(("q_proj", "k_proj")) else 1.0
                    p.copy_(gain * rn(p.shape) / math.sqrt(p.shape[1]))
                elif cls == "Conv1D":  # GPT-2: weight [in, out]
                    w = rn(p.shape) / math.sqrt(p.shape[0])
                    if mname.endswith("attn.c_attn"):
                        h = p.shape[0]
                        w[:, : 2 * h] *= qk_gain
                    p.copy_(w)
                else:
                    raise RuntimeError(f"unhandled parameter {mname}.{pname} ({cls})")
    return model


def check_perturbed(model, gemma_norms=False):
    for name, p in model.named_parameters():
        if name.endswith("bias"):
            assert p.abs().max() > 0.01, name
        if "norm" in name.lower() or ".ln_" in name or name.startswith("ln_") or ".ln_f" in name:
            base = 0.0 if gemma_norms else 1.0
            if name.endswith("weight"):
                assert (p - base).abs().max() > 0.05, name


# --------------------------------------------------------------------------------------------------
# OpenRLHF-style reward model (as openrlhf/models/model.py::_get_reward_model builds it for Llama)
# --------------------------------------------------------------------------------------------------
class RewardModel(LlamaPreTrainedModel):
    """Llama backbone under `model.` + bias-free value head; pools at the last attention_mask == 1 position."""

    def __init__(self, config):
        super().__init__(config)
        self.model = LlamaModel(config)
        self.value_head_prefix = getattr(config, "value_head_prefix", "value_head")
        setattr(self, self.value_head_prefix, torch.nn.Linear(config.hidden_size, 1, bias=False))
        self.post_init()

    def forward(self, input_ids, attention_mask, position_ids=None):
        if position_ids is None:
            position_ids = attention_mask.long().cumsum(-1) - 1
            position_ids.masked_fill_(attention_mask == 0, 1)
        out = self.model(input_ids, attention_mask=attention_mask, position_ids=position_ids)
        values = getattr(self, self.value_head_prefix)(out["last_hidden_state"]).squeeze(-1)
        eos_indices = attention_mask.size(1) - 1 - attention_mask.long().fliplr().argmax(dim=1, keepdim=True)
        return values.gather(dim=1, index=eos_indices).squeeze(1)


# --------------------------------------------------------------------------------------------------
# Running and recording
# --------------------------------------------------------------------------------------------------
def floats(t):
    return [float(x) for x in t.detach().to(torch.float32).reshape(-1).tolist()]


def rel_close(a, b, rtol=RTOL):
    a = torch.as_tensor(a, dtype=torch.float64)
    b = torch.as_tensor(b, dtype=torch.float64)
    scale = max(float(a.abs().max()), float(b.abs().max()), 1e-6)
    return float((a - b).abs().max()) / scale <= rtol, float((a - b).abs().max()) / scale


def pad_batch(seqs, pad_id, side):
    T = max(len(s) for s in seqs)
    ids, mask = [], []
    for s in seqs:
        n = T - len(s)
        if side == "right":
            ids.append(list(s) + [pad_id] * n)
            mask.append([1] * len(s) + [0] * n)
        else:
            ids.append([pad_id] * n + list(s))
            mask.append([0] * n + [1] * len(s))
    return ids, mask


def left_position_ids(mask):
    m = torch.tensor(mask)
    return torch.clamp(m.cumsum(-1) - 1, min=0).tolist()


def rightmost_non_pad(ids, pad_id):
    idx = [i for i, t in enumerate(ids) if t != pad_id]
    return idx[-1] if idx else 0


def last_mask_one(mask):
    idx = [i for i, m in enumerate(mask) if m == 1]
    return idx[-1]


class Runner:
    """Runs a loaded model and returns (pooled values or None, full head-input hidden states [B, T, H])."""

    def __init__(self, model, kind):
        self.model, self.kind = model.eval(), kind
        if kind == "seqcls":
            self.head = model.score
        elif kind == "openrlhf":
            self.head = getattr(model, model.value_head_prefix)
        elif kind == "backbone":
            self.head = model.lm_head
        else:
            raise ValueError(kind)

    @torch.no_grad()
    def __call__(self, ids, mask=None, position_ids=None):
        cap = {}
        hook = self.head.register_forward_hook(lambda m, inp, out: cap.__setitem__("h", inp[0].detach().clone()))
        ids_t = torch.tensor(ids)
        mask_t = torch.tensor(mask) if mask is not None else None
        pos_t = torch.tensor(position_ids) if position_ids is not None else None
        try:
            if self.kind == "openrlhf":
                if mask_t is None:
                    mask_t = torch.ones_like(ids_t)
                out = self.model(ids_t, attention_mask=mask_t, position_ids=pos_t)
                vals = out
            else:
                kw = {"input_ids": ids_t}
                if mask_t is not None:
                    kw["attention_mask"] = mask_t
                if pos_t is not None:
                    kw["position_ids"] = pos_t
                out = self.model(**kw)
                vals = out.logits[:, 0] if self.kind == "seqcls" else None
        finally:
            hook.remove()
        h = cap["h"]
        assert torch.isfinite(h).all()
        return vals, h


def compute_expected(runner, seqs, pad_id, pooling, head_weight):
    """single / right / left runs; asserts they agree and returns the JSON parts."""
    has_logit = runner.kind != "backbone"
    pool = (lambda ids, mask: rightmost_non_pad(ids, pad_id)) if pooling == "rightmost-non-pad" else \
        (lambda ids, mask: last_mask_one(mask))
    single = []
    for s in seqs:
        vals, h = runner([s])
        i = pool(s, [1] * len(s))
        rec = {"pooled_index": i}
        hid = h[0, i]
        if has_logit:
            rec["logit"] = float(vals[0])
            ok, err = rel_close(hid @ head_weight[0], vals[0])
            assert ok, f"pooled index {i} is not the one the model used (err {err})"
        rec["hidden"] = floats(hid)
        single.append(rec)
    out = {"single": single}
    for side in ["right", "left"]:
        ids, mask = pad_batch(seqs, pad_id, side)
        pos = left_position_ids(mask) if side == "left" else None
        vals, h = runner(ids, mask, pos)
        idx = [pool(r, m) for r, m in zip(ids, mask)]
        rec = {"input_ids": ids, "attention_mask": mask}
        if pos is not None:
            rec["position_ids"] = pos
        rec["pooled_index"] = idx
        hid = torch.stack([h[b, i] for b, i in enumerate(idx)])
        if has_logit:
            rec["logits"] = floats(vals)
            ok, err = rel_close(hid @ head_weight[0], vals)
            assert ok, f"{side}: pooled indices {idx} are not the ones the model used (err {err})"
        rec["hidden"] = [floats(x) for x in hid]
        for b, srec in enumerate(single):
            ok, err = rel_close(rec["hidden"][b], srec["hidden"])
            assert ok, f"{side} batch row {b}: hidden differs from the single run (rel {err:.3g})"
            if has_logit:
                ok, err = rel_close(rec["logits"][b], srec["logit"])
                assert ok, f"{side} batch row {b}: logit differs from the single run (rel {err:.3g})"
        out[side] = rec
    return out


def safetensors_info(folder):
    files = sorted(f for f in os.listdir(folder) if f.endswith(".safetensors"))
    dtypes, names = set(), []
    for fn in files:
        with open(os.path.join(folder, fn), "rb") as f:
            n = struct.unpack("<Q", f.read(8))[0]
            header = json.loads(f.read(n))
        for k, v in header.items():
            if k == "__metadata__":
                continue
            dtypes.add(v["dtype"])
            names.append(k)
    return files, sorted(dtypes), sorted(names)


def cases_for(tok, templated):
    out = []
    for msgs in CASES:
        if templated:
            text = tok.apply_chat_template(msgs, tokenize=False)
            enc = tok.apply_chat_template(msgs, tokenize=True)
            ids = list(enc["input_ids"] if hasattr(enc, "keys") else enc)
            plain = tok(text, add_special_tokens=False)["input_ids"]
            assert ids == plain, "apply_chat_template ids != tokenizer(text, add_special_tokens=False)"
            raw_ids = tok.backend_tokenizer.encode(text, add_special_tokens=False).ids
        else:
            text = hh_transcript(msgs)
            ids = tok(text, add_special_tokens=True)["input_ids"]
            raw_ids = tok.backend_tokenizer.encode(text, add_special_tokens=True).ids
        assert ids == raw_ids
        out.append({"messages": msgs, "text": text, "ids": ids})
    return out


def check_tokenizer_roundtrip(folder, templated):
    """The folder's tokenizer.json read by the Rust library must give the ids transformers gives."""
    tok = AutoTokenizer.from_pretrained(folder)
    raw = Tokenizer.from_file(os.path.join(folder, "tokenizer.json"))
    strings = [c["content"] for msgs in CASES for c in msgs]
    if os.path.isfile(HARD):
        with open(HARD, encoding="utf-8") as f:
            strings += json.load(f)
    bad = []
    for s in strings:
        for flag in (True, False):
            a = tok(s, add_special_tokens=flag)["input_ids"]
            b = raw.encode(s, add_special_tokens=flag).ids
            if a != b:
                bad.append((s, flag, a, b))
    assert not bad, f"{folder}: transformers and tokenizer.json disagree on {len(bad)} strings, e.g. {bad[:2]}"
    return len(strings)


def dump_json(obj, indent=0):
    """JSON with objects and lists of containers indented, lists of scalars on one line."""
    pad, pad1 = " " * indent, " " * (indent + 1)
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        items = [f"{pad1}{json.dumps(k, ensure_ascii=False)}: {dump_json(v, indent + 1)}" for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, list) and any(isinstance(x, (dict, list)) for x in obj):
        return "[\n" + ",\n".join(pad1 + dump_json(x, indent + 1) for x in obj) + "\n" + pad + "]"
    return json.dumps(obj, ensure_ascii=False)


def write_expected(name, payload):
    os.makedirs(EXPECTED, exist_ok=True)
    text = dump_json(payload) + "\n"
    assert json.loads(text) == json.loads(json.dumps(payload))
    with open(os.path.join(EXPECTED, f"{name}.json"), "w", encoding="utf-8") as f:
        f.write(text)


def header(name, cls, config, tok, pooling):
    return {"fixture": name, "transformers": transformers.__version__, "torch": torch.__version__,
            "tokenizers": tokenizers.__version__, "class": cls,
            "hidden_size": config.get_text_config().hidden_size,
            "pad_token_id": config.pad_token_id, "eos_token_id": config.eos_token_id,
            "bos_token_id": getattr(config, "bos_token_id", None), "pooling": pooling}


def model_facts(model, config):
    c = config
    heads = getattr(c, "num_attention_heads", None) or getattr(c, "n_head", None)
    H = c.hidden_size
    return {"num_hidden_layers": getattr(c, "num_hidden_layers", None) or c.n_layer,
            "num_attention_heads": heads,
            "num_key_value_heads": getattr(c, "num_key_value_heads", None) or heads,
            "head_dim": getattr(c, "head_dim", None) or H // heads,
            "vocab_size": c.vocab_size,
            "parameter_count": sum(p.numel() for p in model.parameters())}


def fresh(folder):
    if os.path.isdir(folder):
        shutil.rmtree(folder)
    os.makedirs(folder)


def load_seqcls(folder, **kw):
    m, info = AutoModelForSequenceClassification.from_pretrained(folder, dtype=torch.float32,
                                                                 output_loading_info=True, **kw)
    bad = {k: v for k, v in info.items() if v}
    assert not bad, f"{folder}: loading info {bad}"
    return m.eval()


def finish_seqcls(name, folder, templated, extra_summary=None, load_kw=None):
    loaded = load_seqcls(folder, **(load_kw or {}))
    other_impl = "eager" if loaded.config._attn_implementation != "eager" else "sdpa"
    tok = AutoTokenizer.from_pretrained(folder)
    n_checked = check_tokenizer_roundtrip(folder, templated)
    cases = cases_for(tok, templated)
    cfg = loaded.config
    seqs = [c["ids"] for c in cases]
    res = compute_expected(Runner(loaded, "seqcls"), seqs, cfg.pad_token_id, "rightmost-non-pad",
                           loaded.score.weight.detach())
    files, dtypes, names = safetensors_info(folder)
    summary = {**model_facts(loaded, cfg), "tokenizer_len": len(tok), "dtype_on_disk": dtypes,
               "weight_files": files, "head_tensor": "score.weight",
               "attn_implementation": cfg._attn_implementation,
               "tokenizer_class": type(tok).__name__, "tokenizer_strings_checked": n_checked,
               "chat_template": ("chat_template.jinja" if os.path.isfile(os.path.join(folder, "chat_template.jinja"))
                                 else "tokenizer_config.json" if templated else None)}
    if name != "gemma2":
        other = load_seqcls(folder, **{**(load_kw or {}), "attn_implementation": other_impl})
        diff = (logits_of(other, seqs, cfg.pad_token_id) - torch.tensor(res["right"]["logits"])).abs().max()
        summary[f"max_abs_logit_diff_{other_impl}_vs_{cfg._attn_implementation}"] = float(diff)
        assert diff < 1e-4
    if extra_summary:
        summary.update(extra_summary)
    payload = {**header(name, type(loaded).__name__, cfg, tok, "rightmost-non-pad"), "cases": cases, **res,
               "summary": summary}
    write_expected(name, payload)
    return loaded, payload


def logits_of(model, seqs, pad_id):
    ids, mask = pad_batch(seqs, pad_id, "right")
    with torch.no_grad():
        return model(input_ids=torch.tensor(ids), attention_mask=torch.tensor(mask)).logits[:, 0]


# --------------------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------------------
def llama3_tokenizer(folder):
    tk_cfg = {"tokenizer_class": "PreTrainedTokenizerFast", "bos_token": "<|begin_of_text|>",
              "eos_token": "<|eot_id|>", "pad_token": "<|finetune_right_pad_id|>", "model_max_length": 131072,
              "clean_up_tokenization_spaces": True}
    return finalize_tokenizer(llama3_raw(), tk_cfg, folder, LLAMA3_TEMPLATE)


def vocab_for(tok, multiple=64):
    return int(math.ceil(len(tok) / multiple) * multiple)


def fx_llama3():
    name = "llama3"
    folder = os.path.join(OUT, name)
    fresh(folder)
    tok = llama3_tokenizer(folder)
    rope = {"rope_type": "llama3", "rope_theta": 10000.0, "factor": 8.0, "low_freq_factor": 1.0,
            "high_freq_factor": 4.0, "original_max_position_embeddings": 32}
    config = LlamaConfig(vocab_size=vocab_for(tok), hidden_size=48, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, head_dim=12, max_position_embeddings=512,
                         rms_norm_eps=1e-5, rope_parameters=rope, tie_word_embeddings=False, num_labels=1,
                         bos_token_id=tok.convert_tokens_to_ids("<|begin_of_text|>"),
                         eos_token_id=[tok.convert_tokens_to_ids("<|end_of_text|>"),
                                       tok.convert_tokens_to_ids("<|eot_id|>")],
                         pad_token_id=tok.pad_token_id)
    torch.manual_seed(1)
    model = LlamaForSequenceClassification(config)
    perturb(model, 1)
    check_perturbed(model)
    model.save_pretrained(folder)
    # quirk check: the llama3 frequency rescaling must change the outputs at these lengths
    seqs = [c["ids"] for c in cases_for(tok, True)]
    plain_cfg = copy.deepcopy(config)
    plain_cfg.rope_parameters = {"rope_type": "default", "rope_theta": 10000.0}
    plain = LlamaForSequenceClassification(plain_cfg)
    plain.load_state_dict(model.state_dict())
    a, b = logits_of(model.eval(), seqs, config.pad_token_id), logits_of(plain.eval(), seqs, config.pad_token_id)
    changed = not rel_close(a, b, 1e-3)[0]
    assert changed, "llama3 rope scaling does not change the outputs"
    inv = model.model.rotary_emb.inv_freq
    base = 1.0 / (10000.0 ** (torch.arange(0, 12, 2, dtype=torch.int64).float() / 12))
    kinds = []
    for x, y in zip(inv.tolist(), base.tolist()):
        kinds.append("unchanged" if abs(x - y) < 1e-12 else "divided_by_factor" if abs(x - y / 8) < 1e-9 * y
                     else "smoothed")
    assert set(kinds) == {"unchanged", "smoothed", "divided_by_factor"}, kinds
    return finish_seqcls(name, folder, True, {
        "rope_scaling_changes_outputs": changed,
        "llama3_inv_freq": [float(x) for x in inv.tolist()],
        "llama3_inv_freq_kinds": kinds,
        "max_abs_logit_change_without_scaling": float((a - b).abs().max())})


def fx_mistral():
    name = "mistral"
    folder = os.path.join(OUT, name)
    fresh(folder)
    raw = mistral_raw()
    eos = raw.token_to_id("</s>")
    config = MistralConfig(vocab_size=768, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                           num_attention_heads=4, num_key_value_heads=2, head_dim=8, max_position_embeddings=512,
                           rms_norm_eps=1e-6, rope_parameters={"rope_type": "default", "rope_theta": 250000.0},
                           sliding_window=None, tie_word_embeddings=False, num_labels=1,
                           bos_token_id=raw.token_to_id("<s>"), eos_token_id=eos, pad_token_id=eos)
    assert raw.get_vocab_size() <= config.vocab_size
    torch.manual_seed(2)
    model = MistralForSequenceClassification(config)
    perturb(model, 2)
    check_perturbed(model)
    model.save_pretrained(folder)
    # config.json the way transformers 4.x wrote it (top-level rope_theta, torch_dtype)
    with open(os.path.join(folder, "config.json"), encoding="utf-8") as f:
        v5 = json.load(f)
    assert v5["rope_parameters"]["rope_theta"] == 250000.0
    c4 = {"architectures": ["MistralForSequenceClassification"], "attention_dropout": 0.0,
          "bos_token_id": config.bos_token_id, "eos_token_id": eos, "head_dim": 8, "hidden_act": "silu",
          "hidden_size": 32, "id2label": {"0": "LABEL_0"}, "label2id": {"LABEL_0": 0},
          "initializer_range": 0.02, "intermediate_size": 64, "max_position_embeddings": 512,
          "model_type": "mistral", "num_attention_heads": 4, "num_hidden_layers": 2, "num_key_value_heads": 2,
          "pad_token_id": eos, "rms_norm_eps": 1e-06, "rope_theta": 250000.0, "sliding_window": None,
          "tie_word_embeddings": False, "torch_dtype": "float32", "transformers_version": "4.46.3",
          "use_cache": True, "vocab_size": config.vocab_size}
    with open(os.path.join(folder, "config.json"), "w", encoding="utf-8") as f:
        json.dump(c4, f, indent=2, sort_keys=True)
        f.write("\n")
    loaded_cfg = AutoConfig.from_pretrained(folder)
    assert loaded_cfg.rope_parameters["rope_theta"] == 250000.0, loaded_cfg.rope_parameters
    assert loaded_cfg.sliding_window is None and loaded_cfg.pad_token_id == eos and loaded_cfg.num_labels == 1
    # tokenizer files as transformers 4.x wrote them for a legacy Llama/Mistral SentencePiece tokenizer:
    # tokenizer.json with the Prepend("▁") + Replace(" ", "▁") normalizer, and tokenizer_config.json with
    # the chat template inside (no chat_template.jinja). With model_type "mistral" transformers 5 maps the
    # tokenizer to TokenizersBackend and uses this tokenizer.json verbatim.
    raw.save(os.path.join(folder, "tokenizer.json"))
    cfg4 = {"add_bos_token": True, "add_eos_token": False,
            "added_tokens_decoder": {str(raw.token_to_id(s)): {"content": s, "lstrip": False, "normalized": False,
                                                               "rstrip": False, "single_word": False,
                                                               "special": True} for s in ["<unk>", "<s>", "</s>"]},
            "bos_token": "<s>", "chat_template": MISTRAL_TEMPLATE, "clean_up_tokenization_spaces": False,
            "eos_token": "</s>", "legacy": True, "model_max_length": 1000000000000000019884624838656,
            "pad_token": "</s>", "sp_model_kwargs": {}, "spaces_between_special_tokens": False,
            "tokenizer_class": "LlamaTokenizer", "unk_token": "<unk>", "use_default_system_prompt": False}
    with open(os.path.join(folder, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump(cfg4, f, indent=2, ensure_ascii=False, sort_keys=True)
        f.write("\n")
    tok = AutoTokenizer.from_pretrained(folder)
    assert tok.chat_template == MISTRAL_TEMPLATE and tok.pad_token_id == eos
    assert type(tok).__name__ == "TokenizersBackend", type(tok).__name__
    # what the LlamaTokenizer class (used for model_type "llama", e.g. Llama-2) does with the same files:
    # it keeps only vocab/merges/post-processor and rebuilds Metaspace(prepend_scheme="always" for legacy=True)
    from transformers import LlamaTokenizer
    llama_cls = LlamaTokenizer.from_pretrained(folder)
    legacy_diff = []
    for s in ["a</s> b", " leading space", "[INST] x [/INST] y</s> [INST]", "Hello world"]:
        a, b = llama_cls(s)["input_ids"], tok(s)["input_ids"]
        legacy_diff.append({"text": s, "tokenizer_json": b, "LlamaTokenizer_class": a, "equal": a == b})
    assert not all(d["equal"] for d in legacy_diff)
    seqs = [c["ids"] for c in cases_for(tok, True)]
    assert all(s[-1] == eos for s in seqs)  # the template ends the scored turn with </s> (= pad)
    loaded, payload = finish_seqcls(name, folder, True, {
        "config_style": "transformers-4.x (rope_theta top level, torch_dtype, transformers_version 4.46.3)",
        "loaded_rope_parameters": dict(loaded_cfg.rope_parameters),
        "loaded_dtype": str(getattr(loaded_cfg, "dtype", None)),
        "pad_equals_eos": True,
        "pooling_note": "the final </s> equals pad_token_id, so the rightmost-non-pad rule pools the token "
                        "before it (len(ids) - 2)",
        "tokenizer_json_normalizer": "Prepend(\u2581) + Replace(' ', \u2581) (legacy), used verbatim",
        "llama_tokenizer_class_would_differ": legacy_diff})
    for c, s in zip(payload["cases"], payload["single"]):
        assert s["pooled_index"] == len(c["ids"]) - 2
    return loaded, payload


def qwen2_model_and_tok(folder):
    tk_cfg = {"tokenizer_class": "Qwen2Tokenizer", "bos_token": None, "eos_token": "<|im_end|>",
              "pad_token": "<|endoftext|>", "unk_token": None, "model_max_length": 32768,
              "clean_up_tokenization_spaces": False, "errors": "replace", "split_special_tokens": False}
    tok = finalize_tokenizer(qwen_raw(), tk_cfg, folder, QWEN2_TEMPLATE)
    config = Qwen2Config(vocab_size=vocab_for(tok), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=512,
                         rms_norm_eps=1e-6, rope_parameters={"rope_type": "default", "rope_theta": 1000000.0},
                         tie_word_embeddings=True, use_sliding_window=False, num_labels=1,
                         bos_token_id=None, eos_token_id=tok.convert_tokens_to_ids("<|im_end|>"),
                         pad_token_id=tok.convert_tokens_to_ids("<|endoftext|>"))
    torch.manual_seed(3)
    model = Qwen2ForSequenceClassification(config)
    perturb(model, 3)
    check_perturbed(model)
    return model, tok


def fx_qwen2_family():
    """qwen2 (fp32), qwen2-bf16 (same weights in bfloat16) and qwen2-sharded (same weights, >= 2 shards)."""
    results = []
    model, tok = qwen2_model_and_tok(os.path.join(OUT, "qwen2"))
    attn = model.model.layers[0].self_attn
    assert all(getattr(attn, p).bias is not None for p in ["q_proj", "k_proj", "v_proj"]) and attn.o_proj.bias is None
    fp32_logits = None
    for name in ["qwen2", "qwen2-bf16", "qwen2-sharded"]:
        folder = os.path.join(OUT, name)
        fresh(folder)
        if name == "qwen2-bf16":
            copy.deepcopy(model).to(torch.bfloat16).save_pretrained(folder)
        elif name == "qwen2-sharded":
            model.save_pretrained(folder, max_shard_size="40KB")
        else:
            model.save_pretrained(folder)
        tok.save_pretrained(folder)
        extra = {"qkv_bias": True, "tie_word_embeddings": True}
        if name == "qwen2-sharded":
            files = [f for f in os.listdir(folder) if f.endswith(".safetensors")]
            assert len(files) >= 2 and os.path.isfile(os.path.join(folder, "model.safetensors.index.json"))
            extra["shards"] = len(files)
        if name == "qwen2-bf16":
            extra["expected_numbers"] = "from_pretrained(dtype=torch.float32): bf16 weights upcast, fp32 compute"
        loaded, payload = finish_seqcls(name, folder, True, extra)
        if name == "qwen2":
            fp32_logits = payload["right"]["logits"]
        elif name == "qwen2-bf16":
            d = max(abs(x - y) for x, y in zip(payload["right"]["logits"], fp32_logits))
            assert d > 1e-5, "bf16 rounding did not change the logits"
            payload["summary"]["max_abs_logit_diff_vs_fp32_qwen2"] = d
            write_expected(name, payload)
        else:
            assert payload["right"]["logits"] == fp32_logits
        results.append(payload)
    return results


def fx_qwen3():
    name = "qwen3"
    folder = os.path.join(OUT, name)
    fresh(folder)
    tk_cfg = {"tokenizer_class": "Qwen2Tokenizer", "bos_token": None, "eos_token": "<|im_end|>",
              "pad_token": "<|endoftext|>", "unk_token": None, "model_max_length": 40960,
              "clean_up_tokenization_spaces": False, "errors": "replace", "split_special_tokens": False}
    tok = finalize_tokenizer(qwen_raw(extra_nonspecial=("<think>", "</think>")), tk_cfg, folder, QWEN3_TEMPLATE)
    config = Qwen3Config(vocab_size=vocab_for(tok), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, head_dim=16, max_position_embeddings=512,
                         rms_norm_eps=1e-6, rope_parameters={"rope_type": "default", "rope_theta": 1000000.0},
                         attention_bias=False, tie_word_embeddings=True, num_labels=1, bos_token_id=None,
                         eos_token_id=tok.convert_tokens_to_ids("<|im_end|>"),
                         pad_token_id=tok.convert_tokens_to_ids("<|endoftext|>"))
    torch.manual_seed(4)
    model = Qwen3ForSequenceClassification(config)
    perturb(model, 4)
    check_perturbed(model)
    attn = model.model.layers[0].self_attn
    assert attn.q_proj.bias is None and attn.q_proj.out_features == 64 and config.hidden_size == 32
    model.save_pretrained(folder)
    return finish_seqcls(name, folder, True, {"qk_norm": True, "qkv_bias": False,
                                              "q_proj_out_features": 64, "think_tokens_special": False})


def fx_gemma2():
    name = "gemma2"
    folder = os.path.join(OUT, name)
    fresh(folder)
    tk_cfg = {"tokenizer_class": "GemmaTokenizer", "bos_token": "<bos>", "eos_token": "<eos>", "pad_token": "<pad>",
              "unk_token": "<unk>", "mask_token": "<mask>", "add_bos_token": True, "add_eos_token": False,
              "additional_special_tokens": ["<start_of_turn>", "<end_of_turn>"], "model_max_length": 8192,
              "clean_up_tokenization_spaces": False}
    tok = finalize_tokenizer(gemma_raw(), tk_cfg, folder, GEMMA_TEMPLATE)
    base = dict(vocab_size=vocab_for(tok), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                num_attention_heads=4, num_key_value_heads=2, head_dim=16, query_pre_attn_scalar=24,
                max_position_embeddings=512, rms_norm_eps=1e-6, hidden_activation="gelu_pytorch_tanh",
                rope_parameters={"rope_type": "default", "rope_theta": 10000.0},
                attn_logit_softcapping=5.0, final_logit_softcapping=3.0, sliding_window=4,
                layer_types=["sliding_attention", "full_attention"], num_labels=1,
                bos_token_id=tok.convert_tokens_to_ids("<bos>"), eos_token_id=tok.convert_tokens_to_ids("<eos>"),
                pad_token_id=tok.convert_tokens_to_ids("<pad>"), tie_word_embeddings=True)
    config = Gemma2Config(**base)
    torch.manual_seed(5)
    model = Gemma2ForSequenceClassification(config)
    perturb(model, 5, gemma_norms=True, qk_gain=3.0)
    check_perturbed(model, gemma_norms=True)
    model.save_pretrained(folder)
    seqs = [c["ids"] for c in cases_for(tok, True)]
    assert min(len(s) for s in seqs) > 4
    pad = config.pad_token_id

    def variant(impl="eager", **over):
        m = Gemma2ForSequenceClassification(Gemma2Config(**{**base, **over}))
        m.load_state_dict(model.state_dict())
        m.config._attn_implementation = impl
        return logits_of(m.eval(), seqs, pad)

    ref = variant()
    no_softcap = variant(attn_logit_softcapping=None)
    no_final = variant(final_logit_softcapping=None)
    no_window = variant(sliding_window=4096)
    window5 = variant(sliding_window=5)
    sdpa = variant("sdpa")
    softcap_changes = not rel_close(ref, no_softcap, 1e-3)[0]
    window_changes = not rel_close(ref, no_window, 1e-3)[0]
    assert softcap_changes, "attention soft-capping does not change the outputs"
    assert torch.equal(ref, no_final), "final_logit_softcapping changed the score head"
    assert window_changes, "the sliding window does not change the outputs"
    # attention-logit statistics (how hard the cap bites): raw scaled logits of layer 0
    with torch.no_grad():
        emb = model.model.embed_tokens(torch.tensor([seqs[1]]))  # already x sqrt(hidden_size)
        x = model.model.layers[0].input_layernorm(emb)
        q = model.model.layers[0].self_attn.q_proj(x).view(1, -1, 4, 16).transpose(1, 2)
        k = model.model.layers[0].self_attn.k_proj(x).view(1, -1, 2, 16).transpose(1, 2)
        pos = torch.arange(len(seqs[1]))[None]
        cos, sin = model.model.rotary_emb(x, pos)
        from transformers.models.gemma2.modeling_gemma2 import apply_rotary_pos_emb
        q, k = apply_rotary_pos_emb(q, k, cos, sin)
        k = k.repeat_interleave(2, dim=1)
        scores = (q @ k.transpose(-1, -2)) * 24 ** -0.5
    loaded, payload = finish_seqcls(name, folder, True, {
        "attn_logit_softcapping": 5.0, "final_logit_softcapping": 3.0, "query_pre_attn_scalar": 24,
        "sliding_window": 4, "layer_types": ["sliding_attention", "full_attention"],
        "softcapping_changed_outputs": softcap_changes,
        "max_abs_logit_change_without_attn_softcapping": float((ref - no_softcap).abs().max()),
        "final_logit_softcapping_affects_score": False,
        "sliding_window_changed_outputs": window_changes,
        "max_abs_logit_change_without_sliding_window": float((ref - no_window).abs().max()),
        "max_abs_logit_change_window_4_vs_5": float((ref - window5).abs().max()),
        "sliding_window_rule": "key j is visible to query i iff i - sliding_window < j <= i (sliding_window=4: "
                               "the query and the 3 previous tokens)",
        "layer0_raw_attention_logit_absmax_case_b": float(scores.abs().max()),
        "default_attn_implementation": AutoConfig.from_pretrained(folder)._attn_implementation
                                       or "sdpa (chosen at load time)",
        "sdpa_ignores_attn_logit_softcapping": rel_close(sdpa, no_softcap, 1e-5)[0],
        "max_abs_logit_diff_sdpa_vs_eager": float((ref - sdpa).abs().max()),
        "sdpa_right_logits": floats(sdpa),
        "expected_numbers": "attn_implementation='eager' (the only transformers path that applies "
                            "attn_logit_softcapping); a default load picks sdpa, which drops the soft-capping: "
                            "see sdpa_right_logits",
        "embedding_scale": "sqrt(hidden_size) as float32"}, load_kw={"attn_implementation": "eager"})
    expected_logits = torch.tensor(payload["right"]["logits"])
    assert rel_close(expected_logits, ref, 1e-5)[0], "default-implementation numbers differ from eager"
    return loaded, payload


def fx_gpt2():
    name = "gpt2"
    folder = os.path.join(OUT, name)
    fresh(folder)
    tk_cfg = {"tokenizer_class": "GPT2Tokenizer", "bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>",
              "unk_token": "<|endoftext|>", "pad_token": "<|endoftext|>", "add_prefix_space": False,
              "model_max_length": 256, "clean_up_tokenization_spaces": False}
    tok = finalize_tokenizer(gpt2_raw(), tk_cfg, folder, None)
    assert tok.chat_template is None
    eos = tok.convert_tokens_to_ids("<|endoftext|>")
    config = GPT2Config(vocab_size=vocab_for(tok), n_positions=256, n_embd=32, n_layer=2, n_head=4,
                        activation_function="gelu_new", layer_norm_epsilon=1e-5, num_labels=1,
                        bos_token_id=eos, eos_token_id=eos, pad_token_id=eos)
    torch.manual_seed(6)
    model = GPT2ForSequenceClassification(config)
    perturb(model, 6)
    check_perturbed(model)
    model.save_pretrained(folder)
    for f in ["chat_template.jinja"]:
        assert not os.path.exists(os.path.join(folder, f))
    return finish_seqcls(name, folder, False, {
        "input_text": "HH transcript: '\\n\\nHuman: ' / '\\n\\nAssistant: ' / '\\n\\nSystem: ' + content per "
                      "message, tokenized with add_special_tokens=True", "conv1d_weights": True,
        "learned_positions": True})


def fx_openrlhf():
    name = "openrlhf-llama"
    folder = os.path.join(OUT, name)
    fresh(folder)
    tok = llama3_tokenizer(folder)
    config = LlamaConfig(vocab_size=vocab_for(tok), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=512,
                         rms_norm_eps=1e-5, rope_parameters={"rope_type": "default", "rope_theta": 500000.0},
                         tie_word_embeddings=False, bos_token_id=tok.convert_tokens_to_ids("<|begin_of_text|>"),
                         eos_token_id=tok.convert_tokens_to_ids("<|eot_id|>"), pad_token_id=None)
    # what OpenRLHF adds to the config (get_llm_for_sequence_regression / train_rm.py / the evaluate step)
    config.normalize_reward = False
    config.value_head_prefix = "value_head"
    torch.manual_seed(7)
    model = RewardModel(config)
    perturb(model, 7)
    check_perturbed(model)
    model.config.mean = 0.25
    model.config.std = 1.5
    model.save_pretrained(folder)
    model.config.to_json_file(os.path.join(folder, "config.json"))
    files, dtypes, names = safetensors_info(folder)
    assert "value_head.weight" in names and all(n.startswith(("model.", "value_head.")) for n in names)
    with open(os.path.join(folder, "config.json"), encoding="utf-8") as f:
        saved_cfg = json.load(f)
    assert saved_cfg["architectures"] == ["RewardModel"], saved_cfg["architectures"]
    # expected numbers the OpenRLHF way: base model -> value head -> last attention_mask == 1 position
    loaded = RewardModel.from_pretrained(folder, dtype=torch.float32).eval()
    tok = AutoTokenizer.from_pretrained(folder)
    n_checked = check_tokenizer_roundtrip(folder, True)
    cases = cases_for(tok, True)
    seqs = [c["ids"] for c in cases]
    pad_id = tok.pad_token_id
    res = compute_expected(Runner(loaded, "openrlhf"), seqs, pad_id, "last-attention-mask",
                           loaded.value_head.weight.detach())
    # a plain AutoModel reads the backbone (prefix "model.") but nothing reads value_head.weight
    base_model = AutoModel.from_pretrained(folder, dtype=torch.float32).eval()
    with torch.no_grad():
        hs = base_model(torch.tensor([seqs[0]])).last_hidden_state[0, -1]
    assert rel_close(hs, res["single"][0]["hidden"])[0]
    seq_cls, info = AutoModelForSequenceClassification.from_pretrained(folder, dtype=torch.float32,
                                                                       output_loading_info=True)
    norm = [(x - 0.25) / 1.5 for x in res["right"]["logits"]]
    summary = {**model_facts(loaded, loaded.config), "tokenizer_len": len(tok), "dtype_on_disk": dtypes,
               "weight_files": files, "head_tensor": "value_head.weight", "value_head_bias": False,
               "attn_implementation": loaded.config._attn_implementation, "tokenizer_class": type(tok).__name__,
               "tokenizer_strings_checked": n_checked, "chat_template": "chat_template.jinja",
               "config_extras": {k: saved_cfg[k] for k in ["architectures", "value_head_prefix", "normalize_reward",
                                                           "mean", "std"]},
               "normalized_right_logits": norm,
               "normalization": "(reward - mean) / std, applied by OpenRLHF only when it is loaded with "
                                "normalize_reward=True (the config's normalize_reward is overwritten at load)",
               "left_position_ids_note": "recorded position_ids use clamp(cumsum-1, 0); OpenRLHF itself fills pad "
                                         "positions with 1 instead; the real tokens' positions are identical",
               "automodel_for_sequence_classification": {
                   "class": type(seq_cls).__name__, "missing_keys": sorted(info["missing_keys"]),
                   "unexpected_keys": sorted(info["unexpected_keys"]),
                   "note": "transformers does not know the value head: score.weight is freshly initialised"}}
    payload = {"fixture": name, "transformers": transformers.__version__, "torch": torch.__version__,
               "tokenizers": tokenizers.__version__, "class": "RewardModel (OpenRLHF, Llama backbone)",
               "hidden_size": loaded.config.hidden_size, "pad_token_id": pad_id,
               "pad_token_id_source": "tokenizer (config.json has pad_token_id null); pooling ignores it",
               "eos_token_id": loaded.config.eos_token_id, "bos_token_id": loaded.config.bos_token_id,
               "pooling": "last-attention-mask", "cases": cases, **res, "summary": summary}
    write_expected(name, payload)
    return loaded, payload


def fx_llama_backbone():
    name = "llama-backbone"
    folder = os.path.join(OUT, name)
    fresh(folder)
    tok = llama3_tokenizer(folder)
    config = LlamaConfig(vocab_size=vocab_for(tok), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=512,
                         rms_norm_eps=1e-5, rope_parameters={"rope_type": "default", "rope_theta": 10000.0},
                         tie_word_embeddings=False, bos_token_id=tok.convert_tokens_to_ids("<|begin_of_text|>"),
                         eos_token_id=tok.convert_tokens_to_ids("<|eot_id|>"), pad_token_id=tok.pad_token_id)
    torch.manual_seed(8)
    model = LlamaForCausalLM(config)
    perturb(model, 8)
    check_perturbed(model)
    model.save_pretrained(folder)
    loaded, info = LlamaForCausalLM.from_pretrained(folder, dtype=torch.float32, output_loading_info=True)
    assert not info["missing_keys"] and not info["unexpected_keys"]
    loaded.eval()
    tok = AutoTokenizer.from_pretrained(folder)
    n_checked = check_tokenizer_roundtrip(folder, True)
    cases = cases_for(tok, True)
    seqs = [c["ids"] for c in cases]
    res = compute_expected(Runner(loaded, "backbone"), seqs, config.pad_token_id, "rightmost-non-pad", None)
    files, dtypes, names = safetensors_info(folder)
    assert "lm_head.weight" in names and not any(n.startswith("score") for n in names)
    summary = {**model_facts(loaded, loaded.config), "tokenizer_len": len(tok), "dtype_on_disk": dtypes,
               "weight_files": files, "head_tensor": None, "lm_head_present": True,
               "attn_implementation": loaded.config._attn_implementation, "tokenizer_class": type(tok).__name__,
               "tokenizer_strings_checked": n_checked, "chat_template": "chat_template.jinja",
               "hidden": "final-norm output (the lm_head input) at the pooled index"}
    payload = {**header(name, "LlamaForCausalLM", loaded.config, tok, "rightmost-non-pad"), "cases": cases, **res,
               "summary": summary}
    write_expected(name, payload)
    return loaded, payload


# --------------------------------------------------------------------------------------------------
# Independent check: a float64 numpy forward written from the formulas (not from transformers' code paths)
# --------------------------------------------------------------------------------------------------
def _np_weights(folder):
    from safetensors.torch import load_file
    idx = os.path.join(folder, "model.safetensors.index.json")
    files = sorted(set(json.load(open(idx))["weight_map"].values())) if os.path.exists(idx) else ["model.safetensors"]
    w = {}
    for fn in files:
        w.update({k: v.to(torch.float64).numpy() for k, v in load_file(os.path.join(folder, fn)).items()})
    return w


def _np_forward(folder, ids):
    """Final-norm hidden states [T, H] for one unpadded sequence (positions 0..T-1)."""
    import numpy as np
    cfg = json.load(open(os.path.join(folder, "config.json")))
    w = _np_weights(folder)
    T = len(ids)
    pos = np.arange(T)

    def softmax_masked(sc, allowed):
        sc = np.where(allowed, sc, -np.inf)
        sc = sc - sc.max(-1, keepdims=True)
        a = np.exp(sc)
        return a / a.sum(-1, keepdims=True)

    def gelu_tanh(x):
        return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))

    if cfg["model_type"] == "gpt2":
        H, nh, eps = cfg["n_embd"], cfg["n_head"], cfg["layer_norm_epsilon"]
        hd = H // nh

        def ln(x, n):
            mu = x.mean(-1, keepdims=True)
            var = ((x - mu) ** 2).mean(-1, keepdims=True)
            return (x - mu) / np.sqrt(var + eps) * w[n + ".weight"] + w[n + ".bias"]

        x = w["transformer.wte.weight"][ids] + w["transformer.wpe.weight"][pos]
        for l in range(cfg["n_layer"]):
            p = f"transformer.h.{l}."
            qkv = ln(x, p + "ln_1") @ w[p + "attn.c_attn.weight"] + w[p + "attn.c_attn.bias"]  # Conv1D: [in, out]
            q, k, v = [a.reshape(T, nh, hd).transpose(1, 0, 2) for a in np.split(qkv, 3, -1)]
            a = softmax_masked(q @ k.transpose(0, 2, 1) / math.sqrt(hd), pos[None, :] <= pos[:, None])
            x = x + (a @ v).transpose(1, 0, 2).reshape(T, H) @ w[p + "attn.c_proj.weight"] + w[p + "attn.c_proj.bias"]
            m = gelu_tanh(ln(x, p + "ln_2") @ w[p + "mlp.c_fc.weight"] + w[p + "mlp.c_fc.bias"])
            x = x + m @ w[p + "mlp.c_proj.weight"] + w[p + "mlp.c_proj.bias"]
        return ln(x, "transformer.ln_f"), w

    gemma = cfg["model_type"] == "gemma2"
    H, nh, kv = cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_key_value_heads"]
    hd = cfg.get("head_dim") or H // nh
    eps = cfg["rms_norm_eps"]

    def rms(x, wt, one_plus=False):
        y = x / np.sqrt((x * x).mean(-1, keepdims=True) + eps)
        return y * ((1 + wt) if one_plus else wt)

    rp = cfg.get("rope_parameters") or {"rope_type": "default", "rope_theta": cfg["rope_theta"]}
    inv = 1.0 / (rp["rope_theta"] ** (np.arange(0, hd, 2) / hd))
    if rp.get("rope_type") == "llama3":
        f, lo, hi, old = (rp["factor"], rp["low_freq_factor"], rp["high_freq_factor"],
                          rp["original_max_position_embeddings"])
        wl = 2 * math.pi / inv
        smooth = (old / wl - lo) / (hi - lo)
        inv = np.where(wl < old / hi, inv, np.where(wl > old / lo, inv / f, (1 - smooth) * inv / f + smooth * inv))
    ang = np.outer(pos, inv)
    cos, sin = np.cos(np.concatenate([ang, ang], -1)), np.sin(np.concatenate([ang, ang], -1))

    def rope(x):  # HF rotate_half convention
        d = x.shape[-1] // 2
        return x * cos + np.concatenate([-x[..., d:], x[..., :d]], -1) * sin

    x = w["model.embed_tokens.weight"][ids]
    if gemma:
        x = x * float(torch.tensor(H ** 0.5, dtype=torch.float32))
    for l in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{l}."

        def lin(n, a):
            y = a @ w[p + n + ".weight"].T
            return y + w[p + n + ".bias"] if p + n + ".bias" in w else y

        h = rms(x, w[p + "input_layernorm.weight"], gemma)
        q = lin("self_attn.q_proj", h).reshape(T, nh, hd).transpose(1, 0, 2)
        k = lin("self_attn.k_proj", h).reshape(T, kv, hd).transpose(1, 0, 2)
        v = lin("self_attn.v_proj", h).reshape(T, kv, hd).transpose(1, 0, 2)
        if p + "self_attn.q_norm.weight" in w:  # Qwen3: per-head RMSNorm before RoPE
            q, k = rms(q, w[p + "self_attn.q_norm.weight"]), rms(k, w[p + "self_attn.k_norm.weight"])
        q, k = rope(q), rope(k)
        k, v = np.repeat(k, nh // kv, 0), np.repeat(v, nh // kv, 0)  # query head i uses kv head i // (nh/kv)
        sc = (q @ k.transpose(0, 2, 1)) * ((cfg["query_pre_attn_scalar"] ** -0.5) if gemma else hd ** -0.5)
        if gemma and cfg.get("attn_logit_softcapping"):
            cap = cfg["attn_logit_softcapping"]
            sc = np.tanh(sc / cap) * cap
        allowed = pos[None, :] <= pos[:, None]
        if gemma and cfg["layer_types"][l] == "sliding_attention":
            allowed &= pos[None, :] > pos[:, None] - cfg["sliding_window"]
        o = lin("self_attn.o_proj", (softmax_masked(sc, allowed) @ v).transpose(1, 0, 2).reshape(T, nh * hd))
        if gemma:
            x = x + rms(o, w[p + "post_attention_layernorm.weight"], True)
            h = rms(x, w[p + "pre_feedforward_layernorm.weight"], True)
            m = lin("mlp.down_proj", gelu_tanh(lin("mlp.gate_proj", h)) * lin("mlp.up_proj", h))
            x = x + rms(m, w[p + "post_feedforward_layernorm.weight"], True)
        else:
            x = x + o
            h = rms(x, w[p + "post_attention_layernorm.weight"])
            gt = lin("mlp.gate_proj", h)
            x = x + lin("mlp.down_proj", gt / (1 + np.exp(-gt)) * lin("mlp.up_proj", h))
    return rms(x, w["model.norm.weight"], gemma), w


def independent_check(payloads, tol=1e-5):
    import numpy as np
    report = {}
    for pl in payloads:
        folder = os.path.join(OUT, pl["fixture"])
        worst = 0.0
        for c, s in zip(pl["cases"], pl["single"]):
            x, w = _np_forward(folder, c["ids"])
            h = x[s["pooled_index"]]
            worst = max(worst, float(np.abs(h - np.array(s["hidden"])).max() / np.abs(h).max()))
            if "logit" in s:
                head = pl["summary"]["head_tensor"]
                worst = max(worst, abs(float(h @ w[head][0]) - s["logit"]) / max(1.0, abs(s["logit"])))
        assert worst < tol, f"{pl['fixture']}: numpy reference differs (rel {worst:.3g})"
        report[pl["fixture"]] = worst
    return report



FIXTURES = ["llama3", "mistral", "qwen2", "qwen2-bf16", "qwen2-sharded", "qwen3", "gemma2", "gpt2",
            "openrlhf-llama", "llama-backbone"]


def main(argv):
    which = argv or FIXTURES
    unknown = set(which) - set(FIXTURES)
    if unknown:
        sys.exit(f"unknown fixtures {sorted(unknown)}; choose from {FIXTURES}")
    os.makedirs(EXPECTED, exist_ok=True)
    if not argv:
        for d in os.listdir(OUT):
            if d in FIXTURES or d == "expected":
                shutil.rmtree(os.path.join(OUT, d))
        os.makedirs(EXPECTED)
    done = []
    if "llama3" in which:
        done.append(fx_llama3()[1])
    if "mistral" in which:
        done.append(fx_mistral()[1])
    if {"qwen2", "qwen2-bf16", "qwen2-sharded"} & set(which):
        done += fx_qwen2_family()  # always all three (they share the weights)
    if "qwen3" in which:
        done.append(fx_qwen3()[1])
    if "gemma2" in which:
        done.append(fx_gemma2()[1])
    if "gpt2" in which:
        done.append(fx_gpt2()[1])
    if "openrlhf-llama" in which:
        done.append(fx_openrlhf()[1])
    if "llama-backbone" in which:
        done.append(fx_llama_backbone()[1])
    for fx, err in independent_check(done).items():
        print(f"{fx:16s} numpy float64 reference: max rel err {err:.2e}")
    total = 0
    for dp, _, fns in os.walk(OUT):
        for fn in fns:
            total += os.path.getsize(os.path.join(dp, fn))
    for p in done:
        s = p["summary"]
        print(f"{p['fixture']:16s} H={p['hidden_size']:3d} heads={s['num_attention_heads']}/"
              f"{s['num_key_value_heads']} head_dim={s['head_dim']} vocab={s['vocab_size']} "
              f"(tokenizer {s['tokenizer_len']}) pad={p['pad_token_id']} eos={p['eos_token_id']} "
              f"pooled(right)={p['right']['pooled_index']} params={s['parameter_count']}")
    print(f"total size of {OUT}: {total / 1e6:.3f} MB")


if __name__ == "__main__":
    main(sys.argv[1:])
