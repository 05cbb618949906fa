import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EOS,
  NUM_SPECIAL,
  PAD,
  SEP,
  UNK,
  Vocabulary,
  bpeEncode,
  clearTokenCache,
  encodePair,
  fitLengths,
  setTokenCacheLimit,
  tokenCacheStats,
} from '../../../src/core/tokenize';

// cl100k_base ids, checked against OpenAI's tiktoken table: "hello" 15339, " world" 1917, "a" 64, " b" 293, " c" 272.
test('bpeEncode uses cl100k_base', () => {
  assert.deepEqual([...bpeEncode('hello world')], [15339, 1917]);
  assert.deepEqual([...bpeEncode('a b c')], [64, 293, 272]);
});

test('special-token strings in user text are plain text, not control tokens', () => {
  const ids = [...bpeEncode('x <|endoftext|> y')];
  assert.ok(!ids.includes(100257), `<|endoftext|> must not become its special id: ${ids}`);
  assert.ok(ids.length > 3);
});

test('Vocabulary.build keeps the most frequent ids, ties by smaller id, independent of text order', () => {
  // 'a' (64) ×3, ' b' (293) ×2, ' c' (272) ×2, ' d' (294) ×1
  const texts = ['a b c', 'a b c', 'a d'];
  const v = Vocabulary.build(texts, NUM_SPECIAL + 3);
  assert.deepEqual([...v.bpeIds], [64, 272, 293]); // ' c' (272) before ' b' (293): same count, smaller id
  assert.equal(v.size, 7);
  assert.deepEqual([...Vocabulary.build([...texts].reverse(), NUM_SPECIAL + 3).bpeIds], [64, 272, 293]);
  // ' d' did not make the cut: it maps to UNK; kept tokens map to NUM_SPECIAL + rank.
  assert.deepEqual([...v.encodeText('a c d')], [NUM_SPECIAL, NUM_SPECIAL + 1, UNK]);
});

test('Vocabulary round-trips through JSON and rejects bad files with the field named', () => {
  const v = Vocabulary.build(['the cat sat on the mat', 'a dog'], 50);
  const back = Vocabulary.fromJSON(JSON.parse(JSON.stringify(v.toJSON())));
  assert.deepEqual([...back.bpeIds], [...v.bpeIds]);
  assert.equal(back.tokenizer, 'cl100k_base');
  assert.deepEqual([...back.encodeText('the dog')], [...v.encodeText('the dog')]);
  assert.throws(() => Vocabulary.fromJSON({ ...v.toJSON(), bpeIds: [5, 5] }), /appears twice/);
  assert.throws(() => Vocabulary.fromJSON({ ...v.toJSON(), tokenizer: 'o200k_base' }), /not supported/);
  assert.throws(() => Vocabulary.fromJSON({ ...v.toJSON(), format: 'x' }), /"format"/);
  assert.throws(() => Vocabulary.fromJSON({ ...v.toJSON(), bpeIds: [100264] }), /not a cl100k_base token id/);
  assert.throws(() => Vocabulary.build(['a'], NUM_SPECIAL), /maxVocab/);
});

test('decode renders text and specials', () => {
  const v = Vocabulary.build(['hello world'], 10);
  const e = encodePair(v, 'hello', ' world zebra', 16); // ' world' is known; ' ze' + 'bra' are not
  assert.equal(v.decode(e.ids), 'hello<sep> world<unk><unk><eos>');
});

test('encodePair lays out [prompt][SEP][response][EOS] without truncation when it fits', () => {
  const v = Vocabulary.build(['a b c d e f g h'], 64);
  const p = v.encodeText('a b c');
  const r = v.encodeText(' d e');
  const e = encodePair(v, 'a b c', ' d e', 16);
  assert.deepEqual([...e.ids], [...p, SEP, ...r, EOS]);
  assert.equal(e.promptTruncated, 0);
  assert.equal(e.responseTruncated, 0);
  assert.equal(e.responseTokens, 2);
  assert.ok(!e.ids.includes(PAD));
});

test('encodePair: a long prompt is cut from the left; the response is kept whole; EOS stays last', () => {
  const v = Vocabulary.build(['a b c d e f g h i j k l m n o p q r s t'], 64);
  const prompt = 'a b c d e f g h i j k l m n o p q r s t'; // 20 tokens
  const p = v.encodeText(prompt);
  const r = v.encodeText(' x y'); // unseen words: UNK, 2 tokens
  const e = encodePair(v, prompt, ' x y', 12); // budget 10: 8 prompt + 2 response
  assert.equal(e.ids.length, 12);
  assert.deepEqual([...e.ids], [...p.slice(12), SEP, ...r, EOS]); // the prompt's last 8 tokens, nearest the response
  assert.equal(e.promptTruncated, 12);
  assert.equal(e.responseTruncated, 0);
  assert.equal(e.ids[e.ids.length - 1], EOS);
});

test('encodePair: a long response keeps at least half the window and is cut from the right', () => {
  const text = 'a b c d e f g h i j k l m n o p q r s t';
  const v = Vocabulary.build([text], 64);
  const t = v.encodeText(text); // 20 tokens
  const e = encodePair(v, text, text, 16); // budget 14; response keeps max(14 − 20, 8) = 8; prompt gets 6
  assert.deepEqual([...e.ids], [...t.slice(14), SEP, ...t.slice(0, 8), EOS]);
  assert.equal(e.responseTokens, 8);
  assert.equal(e.responseTruncated, 12);
  assert.equal(e.promptTruncated, 14);
  // A short prompt leaves the response more than half.
  const short = encodePair(v, 'a', text, 16);
  assert.equal(short.responseTokens, 13);
  assert.equal(short.promptTruncated, 0);
  // Empty prompt: [SEP][response][EOS].
  assert.equal(encodePair(v, '', text, 16).ids[0], SEP);
});

test('fitLengths: invariants over a grid', () => {
  for (const maxLen of [4, 5, 8, 17, 64]) {
    for (let p = 0; p <= 40; p += 3) {
      for (let r = 0; r <= 40; r += 3) {
        const f = fitLengths(p, r, maxLen);
        const what = `p=${p} r=${r} maxLen=${maxLen}: ${JSON.stringify(f)}`;
        assert.ok(f.prompt + f.response + 2 <= maxLen, what);
        assert.ok(f.prompt >= 0 && f.prompt <= p && f.response >= 0 && f.response <= r, what);
        assert.ok(f.response >= Math.min(r, Math.floor(maxLen / 2)), what);
        if (p + r + 2 <= maxLen) assert.deepEqual(f, { prompt: p, response: r }, what);
        else assert.equal(f.prompt + f.response + 2, maxLen, `fills the window: ${what}`);
        if (f.response < r) assert.equal(f.prompt, Math.min(p, maxLen - 2 - f.response), what);
      }
    }
  }
  assert.throws(() => fitLengths(1, 1, 3), /maxLen/);
});

test('the token cache hits on repeated texts and respects its byte limit', () => {
  clearTokenCache();
  bpeEncode('repeated prompt text');
  bpeEncode('repeated prompt text');
  assert.equal(tokenCacheStats().hits, 1);
  assert.equal(tokenCacheStats().misses, 1);
  setTokenCacheLimit(300);
  for (let i = 0; i < 20; i++) bpeEncode(`text number ${i}`);
  assert.ok(tokenCacheStats().bytes <= 300, JSON.stringify(tokenCacheStats()));
  assert.ok(tokenCacheStats().entries > 0);
  setTokenCacheLimit(0);
  assert.equal(tokenCacheStats().entries, 0);
  assert.deepEqual([...bpeEncode('hello world')], [15339, 1917]); // still correct with the cache off
  setTokenCacheLimit(64 * 1024 * 1024);
});
