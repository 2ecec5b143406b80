/**
 * `compare` and `compare commands` in configuration mode: what the working configuration
 * changes relative to the active one.
 */
import { quoteValue } from './parse-cli-words.js';
import { renderSetLines, sortedChildren, type ConfigNode, type ConfigTree } from './config-tree.js';
import { logicalChildren, renderCurlyChild, curlyValue } from './render-config-curly.js';

export const NO_CHANGES = 'No changes between working and active configurations.';

/** `delete` lines first (removed subtrees and values), then `set` lines for what is new. */
export function compareCommands(active: ConfigTree, working: ConfigTree): string[] {
  const deletes: string[] = [];
  const sets: string[] = [];
  collectDeletes(active.root, working.root, [], deletes);
  collectSets(active.root, working.root, [], sets);
  return [...deletes, ...sets];
}

function collectDeletes(
  before: ConfigNode,
  after: ConfigNode,
  path: string[],
  out: string[],
): void {
  if (before.values) {
    const kept = after.values ?? [];
    const removed = before.values.filter((v) => !kept.includes(v));
    // A single-value leaf that got a new value is shown by its `set` line alone.
    const replaced = kept.length > 0 && before.values.length === 1 && after.values?.length === 1;
    if (!replaced) for (const v of removed) out.push(`delete ${path.join(' ')} ${quoteValue(v)}`);
  }
  for (const [name, child] of sortedChildren(before)) {
    const counterpart = after.children.get(name);
    if (!counterpart) out.push(`delete ${[...path, name].join(' ')}`);
    else collectDeletes(child, counterpart, [...path, name], out);
  }
}

function collectSets(before: ConfigNode, after: ConfigNode, path: string[], out: string[]): void {
  if (after.values) {
    const had = before.values ?? [];
    for (const v of after.values)
      if (!had.includes(v)) out.push(`set ${path.join(' ')} ${quoteValue(v)}`);
  }
  for (const [name, child] of sortedChildren(after)) {
    const counterpart = before.children.get(name);
    if (!counterpart) renderSetLines(child, [...path, name], out);
    else collectSets(counterpart, child, [...path, name], out);
  }
}

/** `compare`: a tree diff, grouped under `[edit path]` headers, `+`/`-` per line. */
export function compareTree(active: ConfigTree, working: ConfigTree): string[] {
  const out: string[] = [];
  diffNode(active.root, working.root, [], out);
  return out;
}

function diffNode(before: ConfigNode, after: ConfigNode, path: string[], out: string[]): void {
  const local: string[] = [];
  const recurse: Array<() => void> = [];
  const beforeKids = new Map(logicalChildren(before).map((c) => [c.label, c]));
  const afterKids = new Map(logicalChildren(after).map((c) => [c.label, c]));
  const labels = [...new Set([...beforeKids.keys(), ...afterKids.keys()])];
  for (const label of labels) {
    const b = beforeKids.get(label);
    const a = afterKids.get(label);
    if (b && !a) local.push(...renderCurlyChild(b, 0).map((l) => `-${l}`));
    else if (a && !b) local.push(...renderCurlyChild(a, 0).map((l) => `+${l}`));
    else if (a && b) {
      if (a.node.values || b.node.values) {
        const bv = b.node.values ?? [];
        const av = a.node.values ?? [];
        for (const v of bv) if (!av.includes(v)) local.push(`-${label} ${curlyValue(v)}`);
        for (const v of av) if (!bv.includes(v)) local.push(`+${label} ${curlyValue(v)}`);
      }
      recurse.push(() => diffNode(b.node, a.node, [...path, ...a.words], out));
    }
  }
  if (local.length > 0) out.push(path.length > 0 ? `[edit ${path.join(' ')}]` : '[edit]', ...local);
  for (const next of recurse) next();
}
