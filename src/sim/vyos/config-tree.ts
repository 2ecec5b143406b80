/**
 * A VyOS configuration as a tree of nodes, built from `set`/`delete` words. Leaves hold
 * values (single-value leaves replace, multi-value leaves such as `address` or `allowed-ips`
 * accumulate); tag containers (`ethernet`, `peer`) hold named instances. The schema decides
 * which is which; rendering follows `show configuration commands` / `show configuration`.
 */
import { BadInputError } from '../../errors.js';
import { quoteValue, tokenizeCliLine } from './parse-cli-words.js';
import { resolveConfigPath } from './resolve-config-path.js';

export class ConfigNode {
  readonly children = new Map<string, ConfigNode>();
  /** Present on leaves. */
  values: string[] | undefined;
  /** A tag container: its children are instance names (`eth0`, `alice`). */
  isTag = false;

  clone(): ConfigNode {
    const copy = new ConfigNode();
    copy.values = this.values ? [...this.values] : undefined;
    copy.isTag = this.isTag;
    for (const [name, child] of this.children) copy.children.set(name, child.clone());
    return copy;
  }

  get isEmpty(): boolean {
    return this.children.size === 0 && (this.values === undefined || this.values.length === 0);
  }
}

/** The outcome of a `set` or `delete`: what VyOS prints, and whether it counts as failed. */
export interface EditResult {
  failed: boolean;
  lines: string[];
}

const collator = new Intl.Collator('en', { numeric: true });

/** VyOS sorts children with numbers compared numerically (`rule 10` before `rule 100`). */
export function sortedChildren(node: ConfigNode): Array<[string, ConfigNode]> {
  return [...node.children.entries()].sort(([a], [b]) => collator.compare(a, b));
}

export class ConfigTree {
  /**
   * `show configuration commands` as last rendered, dropped by every `set` and `delete` (the
   * only ways the tree changes): every status read asks each router for it, and rendering
   * sorts every node's children.
   */
  private rendered: readonly string[] | undefined;

  constructor(readonly root: ConfigNode = new ConfigNode()) {}

  static fromSetLines(lines: readonly string[]): ConfigTree {
    const tree = new ConfigTree();
    for (const line of lines) {
      const words = tokenizeCliLine(line).map((t) => t.text);
      if (words.length === 0 || words[0]?.startsWith('#')) continue;
      // Only the first words are quoted back: the rest of a seed line may be a secret.
      const head = words.slice(0, 4).join(' ');
      if (words[0] !== 'set')
        throw new BadInputError(
          `Base configuration line "${head} …" is not a set command`,
          'Give the router only `set …` lines.',
        );
      const result = tree.set(words.slice(1));
      if (result.failed) {
        throw new BadInputError(
          `Base configuration line "${head} …" was rejected: ${result.lines.join(' / ')}`,
          'Fix that line of the base configuration.',
        );
      }
    }
    return tree;
  }

  clone(): ConfigTree {
    return new ConfigTree(this.root.clone());
  }

  find(path: readonly string[]): ConfigNode | undefined {
    let node: ConfigNode | undefined = this.root;
    for (const word of path) {
      node = node.children.get(word);
      if (!node) return undefined;
    }
    return node;
  }

  /** Values of a leaf, or [] when absent. */
  values(path: string): string[] {
    return this.find(path.split(' '))?.values ?? [];
  }

  value(path: string): string | undefined {
    return this.values(path)[0];
  }

  /** Instance names under a tag container, e.g. `names('interfaces wireguard wg0 peer')`. */
  names(path: string): string[] {
    const node = this.find(path.split(' '));
    return node ? sortedChildren(node).map(([name]) => name) : [];
  }

  has(path: string): boolean {
    return this.find(path.split(' ')) !== undefined;
  }

  set(words: string[]): EditResult {
    this.rendered = undefined;
    const resolved = resolveConfigPath(words, 'set');
    if (!resolved.ok) return { failed: true, lines: [...resolved.lines, 'Set failed'] };
    let node = this.root;
    let created = false;
    resolved.path.forEach((word, index) => {
      let child = node.children.get(word);
      if (!child) {
        child = new ConfigNode();
        node.children.set(word, child);
        created = true;
      }
      if (resolved.tagContainers.includes(index)) child.isTag = true;
      node = child;
    });
    if (resolved.value === undefined) {
      if (created) return { failed: false, lines: [] };
      return {
        failed: false,
        lines: [`Configuration path: [${resolved.path.join(' ')}] already exists`],
      };
    }
    const current = node.values ?? [];
    if (current.includes(resolved.value)) {
      return {
        failed: false,
        lines: [
          `Configuration path: [${[...resolved.path, resolved.value].join(' ')}] already exists`,
        ],
      };
    }
    node.values = resolved.leaf?.multi ? [...current, resolved.value] : [resolved.value];
    return { failed: false, lines: [] };
  }

  delete(words: string[]): EditResult {
    this.rendered = undefined;
    const resolved = resolveConfigPath(words, 'delete');
    if (!resolved.ok) return { failed: true, lines: [...resolved.lines, 'Delete failed'] };
    const nothing = {
      failed: true,
      lines: ['Nothing to delete (the specified node does not exist)', 'Delete failed'],
    };
    let path = resolved.path;
    let value = resolved.value;
    if (resolved.open && !this.find(path) && path.length > 1) {
      // In an unmodelled subtree the last word may have been a value, not a node.
      value = path.at(-1);
      path = path.slice(0, -1);
    }
    const node = this.find(path);
    if (!node || path.length === 0) return nothing;
    if (value !== undefined) {
      if (!node.values?.includes(value)) return nothing;
      node.values = node.values.filter((v) => v !== value);
      if (node.values.length > 0) return { failed: false, lines: [] };
    }
    this.removeAndPrune(path);
    return { failed: false, lines: [] };
  }

  /** Remove the node, then empty ancestors up to (not including) a tag instance. */
  private removeAndPrune(path: string[]): void {
    const chain: ConfigNode[] = [this.root];
    for (const word of path)
      chain.push((chain.at(-1) as ConfigNode).children.get(word) as ConfigNode);
    for (let depth = path.length; depth >= 1; depth--) {
      const parent = chain[depth - 1] as ConfigNode;
      const node = chain[depth] as ConfigNode;
      if (depth < path.length && !node.isEmpty) break;
      if (depth < path.length && parent.isTag) break; // an emptied tag instance (wg0) stays
      parent.children.delete(path[depth - 1] as string);
    }
  }

  /** `show configuration commands`: one `set` line per leaf value and per empty node. */
  toSetLines(): string[] {
    if (!this.rendered) {
      const lines: string[] = [];
      renderSetLines(this.root, [], lines);
      this.rendered = lines;
    }
    return [...this.rendered];
  }

  equals(other: ConfigTree): boolean {
    return this.toSetLines().join('\n') === other.toSetLines().join('\n');
  }
}

export function renderSetLines(node: ConfigNode, path: string[], out: string[]): void {
  if (node.values && node.values.length > 0) {
    for (const value of node.values) out.push(`set ${path.join(' ')} ${quoteValue(value)}`);
  } else if (node.children.size === 0 && path.length > 0) {
    out.push(`set ${path.join(' ')}`);
  }
  for (const [name, child] of sortedChildren(node)) renderSetLines(child, [...path, name], out);
}
