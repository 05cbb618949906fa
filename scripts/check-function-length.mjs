// Enforces STYLE.md's "functions ≤ 50 lines" on src/ and webview/: every function, method, accessor, constructor or
// arrow whose body spans more than 50 lines needs a leading comment containing "Long because" that says why it is not
// split. Prints `file:line name length` per violation and exits 1 if there are any. Run by `npm run lint`.
// The comment may sit on the function itself or on the statement, class member or property that holds it.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export const MAX_LINES = 50;
const ROOTS = ['src', 'webview'];
const MARKER = /Long because/;

function walk(dir) {
  if (!fs.existsSync(dir)) return [];
  if (fs.statSync(dir).isFile()) return [dir];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    return d.isDirectory() ? walk(p) : /\.(ts|mts|tsx)$/.test(d.name) && !d.name.endsWith('.d.ts') ? [p] : [];
  });
}

function isFunctionLike(node) {
  return (
    ts.isFunctionDeclaration(node) ||
    ts.isFunctionExpression(node) ||
    ts.isArrowFunction(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isConstructorDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node)
  );
}

/** The name a reader would search for: the declaration's, or that of the variable, property or call holding it. */
function nameOf(node, sf) {
  if (node.name) return node.name.getText(sf);
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const p = node.parent;
  if (p && (ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p)) && p.name) return p.name.getText(sf);
  if (p && ts.isCallExpression(p)) return `<callback of ${p.expression.getText(sf).slice(0, 40)}>`;
  return '<anonymous>';
}

/** The nodes whose leading comments may explain the length: the function up to its enclosing statement or member. */
function commentHolders(node) {
  const holders = [node];
  for (let p = node.parent; p && !ts.isSourceFile(p); p = p.parent) {
    holders.push(p);
    if (ts.isStatement(p) || ts.isClassElement(p) || ts.isPropertyAssignment(p) || ts.isFunctionLike(p)) break;
  }
  return holders;
}

function hasReason(node, text) {
  return commentHolders(node).some((h) =>
    (ts.getLeadingCommentRanges(text, h.getFullStart()) ?? []).some((c) => MARKER.test(text.slice(c.pos, c.end))),
  );
}

/** Every over-long function of one file that lacks a reason, as { file, line, name, lines }. */
export function checkFile(file) {
  const text = fs.readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found = [];
  const visit = (node) => {
    if (isFunctionLike(node) && node.body) {
      const first = sf.getLineAndCharacterOfPosition(node.body.getStart(sf)).line;
      const last = sf.getLineAndCharacterOfPosition(node.body.getEnd()).line;
      const lines = last - first + 1;
      if (lines > MAX_LINES && !hasReason(node, text)) {
        found.push({ file, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, name: nameOf(node, sf), lines });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

export function checkAll(roots = ROOTS) {
  return roots.flatMap(walk).sort().flatMap(checkFile);
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('check-function-length.mjs')) {
  const roots = process.argv.slice(2).length ? process.argv.slice(2) : ROOTS;
  const violations = checkAll(roots);
  for (const v of violations) console.error(`${v.file}:${v.line} ${v.name} ${v.lines}`);
  if (violations.length) {
    console.error(`${violations.length} function(s) over ${MAX_LINES} lines without a "Long because" comment (STYLE.md)`);
    process.exit(1);
  }
  console.log(`every function is ≤ ${MAX_LINES} lines or says why not`);
}
