// The VS Code manifest and the code agree: every contributed command has a handler id and vice versa,
// every contributed setting is read by src/host/settings.ts and nothing else is read, no '*' activation,
// and every %key% has a package.nls.json string.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { COMMAND_IDS } from '../../src/host/commandIds';
import { readSettings } from '../../src/host/settings';
import { BACKEND_NAMES, PRESET_NAMES, SCORING_ENGINES } from '../../src/core/config';

const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));
const nls = JSON.parse(fs.readFileSync('package.nls.json', 'utf8'));

test('every contributed command is in the command table and vice versa', () => {
  const contributed = pkg.contributes.commands.map((c: { command: string }) => c.command).sort();
  assert.deepEqual(contributed, [...COMMAND_IDS].sort());
});

test('commands carry the "Reward Lens" category, a codicon and a title ("…" when they ask for input)', () => {
  for (const c of pkg.contributes.commands) {
    assert.equal(nls[c.category.slice(1, -1)], 'Reward Lens', c.command);
    assert.match(c.icon, /^\$\([a-z-]+\)$/, c.command);
    const title: string = nls[c.title.slice(1, -1)];
    assert.ok(title, `${c.command} has no title string`);
  }
  const titles = pkg.contributes.commands.map((c: { title: string }) => nls[c.title.slice(1, -1)]);
  for (const asks of ['Train Reward Model…', 'Compare Runs…', 'Select Active Model…', 'Export Run…'])
    assert.ok(titles.includes(asks), asks);
});

test('menus refer only to contributed commands', () => {
  const ids = new Set(COMMAND_IDS as readonly string[]);
  for (const [menu, items] of Object.entries(pkg.contributes.menus as Record<string, { command: string }[]>)) {
    for (const i of items) assert.ok(ids.has(i.command), `${menu}: ${i.command}`);
  }
});

test('every contributed setting is read by the settings module, and only those', () => {
  const read = new Set<string>();
  readSettings({
    get: <T>(key: string, def: T) => {
      read.add(`rewardLens.${key}`);
      return def;
    },
  });
  const contributed = Object.keys(pkg.contributes.configuration.properties).sort();
  assert.deepEqual([...read].sort(), contributed);
});

test('settings defaults in the manifest match the settings module fallbacks', () => {
  const props = pkg.contributes.configuration.properties as Record<string, { default: unknown; markdownDescription: string }>;
  const fromManifest = readSettings({ get: <T>(key: string, def: T) => (props[`rewardLens.${key}`]?.default ?? def) as T });
  const fromCode = readSettings({ get: <T>(_key: string, def: T) => def });
  assert.deepEqual(fromManifest, fromCode);
  for (const [k, p] of Object.entries(props)) assert.ok(nls[p.markdownDescription.slice(1, -1)], `${k} has no description string`);
});

test('the enum settings list exactly the values their declaration in core/config lists, in its order', () => {
  const props = pkg.contributes.configuration.properties as Record<string, { enum?: string[] }>;
  assert.deepEqual(props['rewardLens.training.backend']?.enum, [...BACKEND_NAMES]);
  assert.deepEqual(props['rewardLens.training.preset']?.enum, [...PRESET_NAMES]);
  assert.deepEqual(props['rewardLens.scoring.engine']?.enum, [...SCORING_ENGINES]);
});

test('activation is narrow: no "*", no onStartupFinished, preference languages only', () => {
  const events: string[] = pkg.activationEvents;
  assert.ok(!events.includes('*'));
  assert.ok(!events.includes('onStartupFinished'));
  assert.ok(events.includes('onLanguage:jsonl'));
  assert.ok(events.includes('onWebviewPanel:rewardLens.diagnostics'), 'the panel serializer needs its activation event');
  assert.equal(pkg.main, './dist/extension.js');
});

test('every %key% in package.json has a string in package.nls.json', () => {
  const keys = [...JSON.stringify(pkg).matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]!);
  assert.ok(keys.length > 20);
  for (const k of keys) assert.ok(typeof nls[k] === 'string' && nls[k].length > 0, k);
});

test('walkthrough media files exist', () => {
  for (const w of pkg.contributes.walkthroughs) for (const s of w.steps) assert.ok(fs.existsSync(s.media.markdown), s.media.markdown);
  assert.ok(fs.existsSync(pkg.icon));
});
