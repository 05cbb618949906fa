import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineStore } from '../../../src/core/scoring/lineStore';
import type { LineAnnotation } from '../../../src/core/scoring/annotations';

const ann = (line: number, title = `t${line}`): LineAnnotation => ({
  line,
  status: 'correct',
  title,
  inlineText: '',
  hoverMarkdown: '',
  problems: [],
});

test('chunks fill the store; a re-scored range replaces its old annotations; done ranges merge', () => {
  const s = new LineStore(3);
  s.add({ from: 1, to: 10 }, [ann(2), ann(5)]);
  s.add({ from: 11, to: 20 }, [ann(12), ann(30)]); // 30 lies outside the range: ignored
  assert.deepEqual(
    s.all().map((a) => a.line),
    [2, 5, 12],
  );
  assert.deepEqual(s.done, [{ from: 1, to: 20 }]);
  s.add({ from: 4, to: 6 }, [ann(6, 'new')]);
  assert.deepEqual(
    s.all().map((a) => a.line),
    [2, 6, 12],
  );
  assert.equal(s.get(6)?.title, 'new');
  assert.deepEqual(
    s.inRange(3, 12).map((a) => a.line),
    [6, 12],
  );
  assert.equal(s.version, 3);
});

test('all() is recomputed after an add; inRange agrees with all() on short and long ranges', () => {
  const s = new LineStore(1);
  s.add(
    { from: 1, to: 1000 },
    Array.from({ length: 500 }, (_, i) => ann(1000 - 2 * i)),
  );
  const first = s.all();
  assert.equal(s.all(), first, 'unchanged store: the same sorted array');
  assert.equal(s.size, 500);
  s.add({ from: 1001, to: 1001 }, [ann(1001)]);
  assert.notEqual(s.all(), first);
  assert.deepEqual(
    s
      .all()
      .slice(-3)
      .map((a) => a.line),
    [998, 1000, 1001],
  );
  for (const [from, to] of [
    [1, 5],
    [10, 13],
    [990, 1001],
    [0, 5000],
  ] as const) {
    assert.deepEqual(
      s.inRange(from, to).map((a) => a.line),
      s
        .all()
        .filter((a) => a.line >= from && a.line <= to)
        .map((a) => a.line),
      `${from}-${to}`,
    );
  }
});

test('withProblems lists the annotations with problems, in line order, and forgets re-scored ones', () => {
  const bad = (line: number): LineAnnotation => ({
    ...ann(line),
    status: 'wrong',
    problems: [{ line, severity: 'warning', code: 'misranked', message: 'm' }],
  });
  const s = new LineStore(1);
  s.add({ from: 1, to: 10 }, [bad(9), ann(2), bad(4)]);
  assert.deepEqual(
    s.withProblems().map((a) => a.line),
    [4, 9],
  );
  s.add({ from: 8, to: 10 }, [ann(9)]);
  assert.deepEqual(
    s.withProblems().map((a) => a.line),
    [4],
  );
});
