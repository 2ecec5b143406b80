/**
 * `show configuration` (and config-mode `show`): the curly-brace form. Tag instances are
 * folded into their container's line (`ethernet eth0 {`), values are bare unless they need
 * double quotes.
 */
import { sortedChildren, type ConfigNode } from './config-tree.js';

export interface LogicalChild {
  /** `peer alice` for a tag instance, `address` for a plain node. */
  label: string;
  words: string[];
  node: ConfigNode;
}

/** Children as a person reads them: tag instances instead of their containers. */
export function logicalChildren(node: ConfigNode): LogicalChild[] {
  const out: LogicalChild[] = [];
  for (const [name, child] of sortedChildren(node)) {
    if (child.isTag) {
      for (const [instance, sub] of sortedChildren(child)) {
        out.push({ label: `${name} ${instance}`, words: [name, instance], node: sub });
      }
    } else {
      out.push({ label: name, words: [name], node: child });
    }
  }
  return out;
}

export function curlyValue(value: string): string {
  return /^[^\s"'{};#]+$/.test(value) ? value : `"${value.replace(/(["\\])/g, '\\$1')}"`;
}

/** Lines for one logical child at the given depth (4 spaces per level). */
export function renderCurlyChild(child: LogicalChild, depth: number): string[] {
  const pad = '    '.repeat(depth);
  const { node, label } = child;
  if (node.values && node.values.length > 0)
    return node.values.map((v) => `${pad}${label} ${curlyValue(v)}`);
  if (node.children.size === 0) return [`${pad}${label}`];
  return [`${pad}${label} {`, ...renderCurlyBody(node, depth + 1), `${pad}}`];
}

export function renderCurlyBody(node: ConfigNode, depth: number): string[] {
  return logicalChildren(node).flatMap((child) => renderCurlyChild(child, depth));
}
