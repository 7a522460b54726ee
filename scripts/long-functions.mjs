#!/usr/bin/env node
// Lists the functions longer than a limit (default 80 lines) in the source folders, longest first.
// Usage: node scripts/long-functions.mjs [--max N] [folder ...]
// (default folders: packages/*/src and apps/*/src). A function's length is from the line of its first
// token to the line of its closing brace; a nested function counts in its own right and inside its parent.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const args = process.argv.slice(2);
let max = 80;
const folders = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--max') max = Number(args[++i]);
  else folders.push(args[i]);
}
if (!Number.isInteger(max) || max < 1) throw new Error('--max takes a positive whole number');
const root = new URL('..', import.meta.url).pathname;
if (folders.length === 0) {
  for (const group of ['packages', 'apps']) {
    for (const name of readdirSync(join(root, group))) {
      const src = join(root, group, name, 'src');
      if (statSync(src, { throwIfNoEntry: false })?.isDirectory()) folders.push(src);
    }
  }
}

function* sourceFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'dist') yield* sourceFiles(path);
    } else if (/\.(ts|tsx|mts|js|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
      yield path;
    }
  }
}

function nameOf(node, file) {
  if (node.name) return node.name.getText(file);
  const parent = node.parent;
  if (parent && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent))) return parent.name.getText(file);
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  return '(anonymous)';
}

const rows = [];
for (const folder of folders) {
  for (const path of sourceFiles(folder)) {
    const file = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node) => {
      if (ts.isFunctionLike(node) && 'body' in node && node.body) {
        const start = file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
        const end = file.getLineAndCharacterOfPosition(node.getEnd()).line + 1;
        const lines = end - start + 1;
        if (lines > max) rows.push({ lines, at: `${relative(root, path)}:${start}`, name: nameOf(node, file) });
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
}
rows.sort((a, b) => b.lines - a.lines || a.at.localeCompare(b.at));
for (const r of rows) console.log(`${String(r.lines).padStart(5)}  ${r.at}  ${r.name}`);
console.log(`${rows.length} functions over ${max} lines`);
