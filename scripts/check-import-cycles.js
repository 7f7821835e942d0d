// Fails when the modules under src/ import each other in a cycle (STYLE rule 14). Every static import and
// re-export counts, type-only ones too: a cycle of types is still two folders that cannot be read apart.
// Dynamic import() does not count: it is how the CLI loads a command lazily, and is never a load-order cycle.
// Specifiers are the project's own: relative, with `.js` standing for the `.ts`/`.tsx` source.
// Usage: node scripts/check-import-cycles.js [root=src]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(process.argv[2] ?? 'src');

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The static import and export specifiers of one file (top-level statements only: that is where they live). */
function specifiersOf(file) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const specifiers = [];
  for (const statement of source.statements) {
    const isImportOrExport = ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement);
    if (isImportOrExport && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) specifiers.push(statement.moduleSpecifier.text);
  }
  return specifiers;
}

/** The source file a relative specifier names (`./x.js` → `./x.ts` or `./x.tsx`), or null for a package or asset. */
function resolveSpecifier(from, specifier) {
  if (!specifier.startsWith('.')) return null;
  const target = resolve(dirname(from), specifier);
  const stem = target.replace(/\.(js|jsx|ts|tsx)$/, '');
  const candidates = [`${stem}.ts`, `${stem}.tsx`, join(target, 'index.ts'), join(target, 'index.tsx')];
  return candidates.find((candidate) => existsSync(candidate)) ?? null;
}

/** Strongly connected components (Tarjan, iterative so a deep chain cannot overflow the stack). */
function stronglyConnected(graph) {
  const index = new Map();
  const low = new Map();
  const onStack = new Set();
  const stack = [];
  const components = [];
  let next = 0;
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work = [[start, 0]];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const [node, edge] = frame;
      const edges = graph.get(node);
      if (edge < edges.length) {
        frame[1]++;
        const target = edges[edge];
        if (!index.has(target)) {
          index.set(target, next);
          low.set(target, next++);
          stack.push(target);
          onStack.add(target);
          work.push([target, 0]);
        } else if (onStack.has(target)) low.set(node, Math.min(low.get(node), index.get(target)));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1][0];
        low.set(parent, Math.min(low.get(parent), low.get(node)));
      }
      if (low.get(node) !== index.get(node)) continue;
      const component = [];
      let member;
      do {
        member = stack.pop();
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || edges.includes(node)) components.push(component);
    }
  }
  return components;
}

/** One concrete cycle inside a component, as a path that starts and ends at the same file (breadth-first: a shortest one). */
function cycleIn(graph, component) {
  const members = new Set(component);
  const start = component.slice().sort()[0];
  const previous = new Map([[start, null]]);
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift();
    for (const target of graph.get(node)) {
      if (!members.has(target)) continue;
      if (target === start) {
        const path = [start];
        for (let at = node; at !== null; at = previous.get(at)) path.unshift(at);
        return path;
      }
      if (!previous.has(target)) {
        previous.set(target, node);
        queue.push(target);
      }
    }
  }
  return [start, start];
}

const graph = new Map();
for (const file of sourceFiles(root)) {
  const targets = specifiersOf(file).map((specifier) => resolveSpecifier(file, specifier)).filter((target) => target !== null);
  graph.set(file, [...new Set(targets)]);
}
// A cycle lies wholly among the scanned files: edges that leave them (test → src) cannot close one.
for (const [file, targets] of graph) graph.set(file, targets.filter((target) => graph.has(target)));
const cycles = stronglyConnected(graph);
const shown = (file) => relative(process.cwd(), file);
if (cycles.length === 0) {
  console.log(`import cycles: none among ${graph.size} modules under ${shown(root) || '.'}`);
} else {
  for (const component of cycles) {
    console.error(`import cycle (${component.length} modules): ${cycleIn(graph, component).map(shown).join(' → ')}`);
  }
  console.error(`${cycles.length} import cycle(s) under ${shown(root)}: each must be broken (see docs/ARCHITECTURE.md)`);
  process.exit(1);
}
