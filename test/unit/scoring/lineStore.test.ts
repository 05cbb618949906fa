import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineStore } from '../../../src/core/scoring/lineStore';
import type { LineAnnotation } from '../../../src/core/scoring/annotations';

const ann = (line: number, title = `t${line}`): LineAnnotation => ({ line, status: 'correct', title, inlineText: '', hoverMarkdown: '', problems: [] });

test('chunks fill the store; a re-scored range replaces its old annotations; done ranges merge', () => {
  const s = new LineStore(3);
  s.add({ from: 1, to: 10 }, [ann(2), ann(5)]);
  s.add({ from: 11, to: 20 }, [ann(12), ann(30)]); // 30 lies outside the range: ignored
  assert.deepEqual(s.all().map((a) => a.line), [2, 5, 12]);
  assert.deepEqual(s.done, [{ from: 1, to: 20 }]);
  s.add({ from: 4, to: 6 }, [ann(6, 'new')]);
  assert.deepEqual(s.all().map((a) => a.line), [2, 6, 12]);
  assert.equal(s.get(6)?.title, 'new');
  assert.deepEqual(s.inRange(3, 12).map((a) => a.line), [6, 12]);
  assert.equal(s.version, 3);
});
