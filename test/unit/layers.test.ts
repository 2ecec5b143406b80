/**
 * The layer order of docs/architecture.md ("Layers"), checked on the import statements of
 * the production sources: no import goes back up a layer, production code never imports the
 * simulator, and no files import each other in a circle.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

/** Top first. A file may import its own layer and the layers below it, never one above. */
const LAYERS: Array<{ name: string; places: string[] }> = [
  { name: 'entry point', places: ['src/cli.ts'] },
  { name: 'command line', places: ['src/cli/'] },
  { name: 'local demo', places: ['src/demo/'] },
  { name: 'wiring', places: ['src/wiring/'] },
  { name: 'Slack surface and runbooks', places: ['commands/', 'jobs/'] },
  { name: 'live router view', places: ['src/live/'] },
  {
    name: 'runbook steps',
    places: [
      'src/attach-vpc/',
      'src/cutover/',
      'src/failover/',
      'src/monitor/',
      'src/onboarding/',
      'src/policy/',
      'src/router-status/',
      'src/scaleup/',
    ],
  },
  { name: 'front-end adapters', places: ['src/slack/', 'src/metrics/', 'src/queue/'] },
  { name: 'status and grammar', places: ['src/status/', 'src/reach/', 'src/grammar/'] },
  { name: 'reports and inventory', places: ['src/report/', 'src/config/'] },
  {
    name: 'engine, adapters, simulator',
    places: ['src/runbook/', 'src/vyos/', 'src/aws/', 'src/sim/'],
  },
  {
    name: 'foundations',
    places: ['src/errors.ts', 'src/exit-codes.ts', 'src/log.ts', 'src/net/', 'src/util/'],
  },
];

/** The simulator is the far side of the protocols: only the demo and `flatnet sim` load it. */
const MAY_IMPORT_SIM = ['src/sim/', 'src/demo/', 'src/cli.ts'];

const SOURCE_DIRS = ['src', 'commands', 'jobs'];

function listSources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(join(ROOT, dir))) {
    const path = `${dir}/${name}`;
    if (statSync(join(ROOT, path)).isDirectory()) listSources(path, out);
    else if (/\.(ts|js)$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Relative module specifiers of the static imports, re-exports and literal dynamic imports. */
export function importSpecifiers(source: string): string[] {
  const patterns = [
    /^\s*(?:import|export)\b[^;'"]*?\bfrom\s*['"]([^'"]+)['"]/gm,
    /^\s*import\s*['"]([^'"]+)['"]/gm,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  return patterns
    .flatMap((p) => [...source.matchAll(p)].map((m) => m[1] ?? ''))
    .filter((s) => s.startsWith('.'));
}

function resolveImport(from: string, specifier: string): string | undefined {
  const base = relative(ROOT, resolve(ROOT, dirname(from), specifier));
  const candidates = [base.replace(/\.js$/, '.ts'), base, `${base}.ts`, `${base}/index.ts`];
  return candidates.find((c) => existsSync(join(ROOT, c)) && statSync(join(ROOT, c)).isFile());
}

function layerOf(file: string): number {
  return LAYERS.findIndex((l) => l.places.some((p) => file === p || file.startsWith(p)));
}

function readGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of SOURCE_DIRS.flatMap((d) => listSources(d))) {
    const source = readFileSync(join(ROOT, file), 'utf8');
    const targets = importSpecifiers(source)
      .map((s) => resolveImport(file, s))
      .filter((t): t is string => t !== undefined);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Strongly connected components with more than one file (or a file importing itself). */
export function findCycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string | undefined;
    do {
      w = stack.pop();
      if (w === undefined) break;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

describe('layers (docs/architecture.md)', () => {
  const graph = readGraph();

  it('reads the import statements it checks', () => {
    expect(
      importSpecifiers(`import type { A } from './a.js';\nimport {\n  b,\n} from "../b.js";`),
    ).toEqual(['./a.js', '../b.js']);
    expect(importSpecifiers(`export * from './c.js';\nconst d = await import('./d.js');`)).toEqual([
      './c.js',
      './d.js',
    ]);
    expect(importSpecifiers(`import { z } from 'zod';`)).toEqual([]);
    expect(
      findCycles(
        new Map([
          ['a', ['b']],
          ['b', ['a']],
          ['c', ['a']],
        ]),
      ),
    ).toEqual([['a', 'b']]);
    expect(
      findCycles(
        new Map([
          ['a', ['b']],
          ['b', []],
        ]),
      ),
    ).toEqual([]);
    expect(graph.get('src/cli.ts')).toContain('src/cli/parse-args.ts');
  });

  it('places every production file in a layer', () => {
    const unplaced = [...graph.keys()].filter((f) => layerOf(f) < 0);
    expect(unplaced, 'add these to LAYERS here and in docs/architecture.md').toEqual([]);
  });

  it('has no import that goes back up the layers', () => {
    const upward: string[] = [];
    for (const [file, targets] of graph) {
      for (const target of targets) {
        const [from, to] = [layerOf(file), layerOf(target)];
        if (to >= 0 && from >= 0 && to < from)
          upward.push(`${file} (${LAYERS[from]?.name}) -> ${target} (${LAYERS[to]?.name})`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('never imports the simulator from production code', () => {
    const simImports = [...graph]
      .filter(([file]) => !MAY_IMPORT_SIM.some((p) => file === p || file.startsWith(p)))
      .flatMap(([file, targets]) =>
        targets.filter((t) => t.startsWith('src/sim/')).map((t) => `${file} -> ${t}`),
      );
    expect(simImports).toEqual([]);
  });

  it('has no import cycle', () => {
    expect(findCycles(graph)).toEqual([]);
  });
});
