// Small pure helpers: message rendering, HH splitting, prompt normalisation, detection, RM-Bench domains.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderMessages, splitConversations } from '../../../src/core/data/messages';
import { splitHH } from '../../../src/core/data/hh';
import { normalizePrompt, hashString } from '../../../src/core/data/normalize';
import { detectFormat } from '../../../src/core/data/detect';
import { domainFromFileName, styleOf } from '../../../src/core/data/rmbench';

test('renderMessages: a lone user turn is its content; otherwise Role: content blocks', () => {
  assert.equal(renderMessages([{ role: 'user', content: 'Hi' }]), 'Hi');
  assert.equal(
    renderMessages([
      { role: 'system', content: 'S' },
      { role: 'user', content: 'U' },
      { role: 'assistant', content: 'A' },
    ]),
    'System: S\n\nUser: U\n\nAssistant: A',
  );
});

test('splitConversations: explicit prompt repeated by both sides is stripped; never strips a whole side', () => {
  const u = { role: 'user', content: 'q' };
  const r = splitConversations([u], [u, { role: 'assistant', content: 'x' }], [u, { role: 'assistant', content: 'y' }]);
  assert.deepEqual([r.prompt, r.chosen, r.rejected], [[u], [{ role: 'assistant', content: 'x' }], [{ role: 'assistant', content: 'y' }]]);
  const same = splitConversations(undefined, [u], [u]);
  assert.deepEqual([same.prompt, same.chosen, same.rejected], [[], [u], [u]]);
});

test('splitHH: divergence inside the last turn; transcripts that differ earlier are reported', () => {
  assert.deepEqual(splitHH('\n\nHuman: a\n\nAssistant: yes b', '\n\nHuman: a\n\nAssistant: yes c'), {
    prompt: '\n\nHuman: a\n\nAssistant:',
    chosen: 'yes b',
    rejected: 'yes c',
  });
  assert.equal(typeof splitHH('\n\nHuman: a\n\nAssistant: x', '\n\nHuman: b\n\nAssistant: x'), 'string');
});

test('normalizePrompt: lower-case, collapsed whitespace, first Human turn of a transcript', () => {
  assert.equal(normalizePrompt('  What IS\n\tthis?  '), 'what is this?');
  assert.equal(normalizePrompt('\n\nHuman: What is  THIS?\n\nAssistant: A thing.\n\nHuman: more'), 'what is this?');
  assert.equal(normalizePrompt('Human: Hi\n\nAssistant: x'), 'hi');
  assert.equal(hashString('abc'), hashString('abc'));
  assert.notEqual(hashString('abc'), hashString('abd'));
});

test('detectFormat: most specific schema wins, majority over the sample', () => {
  assert.equal(detectFormat([{ prompt: 'p', chosen: 'a', rejected: 'b' }]), 'trl-pairwise');
  assert.equal(detectFormat([{ prompt: 'p', chosen: 'a', rejected: 'b', subset: 's' }]), 'rewardbench');
  assert.equal(detectFormat([{ chosen: '\n\nHuman: h\n\nAssistant: a', rejected: '\n\nHuman: h\n\nAssistant: b' }]), 'hh-rlhf');
  assert.equal(detectFormat([{ prompt: 'p', chosen: ['a', 'b', 'c'], rejected: ['d', 'e', 'f'] }]), 'rm-bench');
  assert.equal(detectFormat([{ input: 'i', output_1: 'a', output_2: 'b', label: 1 }]), 'llmbar');
  assert.equal(detectFormat([{ id: 'v2-1', type: 't', prompt: 'p', completion: 'c', final_label: 'x' }]), 'responses');
  assert.equal(detectFormat([{ id: 1, prompt: 'p', type: 't', label: 'safe' }]), 'prompts');
  assert.equal(detectFormat([{ foo: 1 }, 7]), undefined);
  assert.equal(
    detectFormat([
      { x: 1 },
      { prompt: 'p', chosen: 'a', rejected: 'b' },
      { prompt: 'p', chosen: 'a', rejected: 'b', subset: 's' },
      { prompt: 'q', chosen: 'a', rejected: 'b' },
    ]),
    'trl-pairwise',
  );
});

test('RM-Bench helpers: domain from file names, style from indices', () => {
  assert.deepEqual(
    ['chat_filtered.json', 'safety-refuse_filtered.json', 'data/safety-response_filtered.json', 'other.json'].map(domainFromFileName),
    ['chat', 'safety-refuse', 'safety-response', undefined],
  );
  assert.deepEqual([styleOf(0, 2), styleOf(1, 1), styleOf(2, 0)], ['hard', 'normal', 'easy']);
});
