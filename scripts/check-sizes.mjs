// Size rules of src/ (docs/architecture.md): no file over 300 lines and no function over 60,
// templates and tables excepted (listed below with the reason). Part of `npm run lint`.
// Usage: node scripts/check-sizes.mjs [--list]   (--list: the largest files and functions)
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const MAX_FILE_LINES = 300;
const MAX_FUNCTION_LINES = 60;
/** `file:function` or `file` → why it may be longer. */
const EXCEPTED = new Map([['src/cli/init-templates.ts:initTemplates', 'the files `sagekit init` writes, as text']]);

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function sourceFiles(dir) {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(relative);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [relative] : [];
  });
}

function functionName(node) {
  if (node.name) return node.name.getText();
  // `const name = (…) => …` and `name: function (…) {…}`
  const parent = node.parent;
  if (parent && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) && parent.name) return parent.name.getText();
  return '(anonymous)';
}

const sizes = [];
for (const file of sourceFiles('src')) {
  const text = readFileSync(path.join(root, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  sizes.push({ kind: 'file', where: file, lines: source.getLineAndCharacterOfPosition(source.getEnd()).line });
  const visit = (node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const first = source.getLineAndCharacterOfPosition(node.getStart()).line;
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      sizes.push({ kind: 'function', where: `${file}:${functionName(node)}`, line: first + 1, lines: last - first + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}

if (process.argv.includes('--list')) {
  for (const kind of ['file', 'function']) {
    const largest = sizes.filter((s) => s.kind === kind).sort((a, b) => b.lines - a.lines);
    console.log(`largest ${kind}s:`);
    for (const s of largest.slice(0, 10)) console.log(`  ${String(s.lines).padStart(4)}  ${s.where}`);
  }
}

const limit = { file: MAX_FILE_LINES, function: MAX_FUNCTION_LINES };
const over = sizes.filter((s) => s.lines > limit[s.kind] && !EXCEPTED.has(s.where));
if (over.length > 0) {
  for (const s of over) {
    console.error(`${s.where}${s.line ? ` (line ${s.line})` : ''}: ${s.lines} lines, over the ${limit[s.kind]}-line limit for a ${s.kind}`);
  }
  console.error('split it (docs/architecture.md), or add it to EXCEPTED in scripts/check-sizes.mjs with the reason');
  process.exit(1);
}
console.log(`sizes: ${sizes.filter((s) => s.kind === 'file').length} files ≤ ${MAX_FILE_LINES} lines, functions ≤ ${MAX_FUNCTION_LINES}`);
