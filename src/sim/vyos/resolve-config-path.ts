/**
 * Walk a `set`/`delete`/`show` path through the schema: which words are nodes, which are
 * tag-node instance names, and which word is the value. Produces VyOS's exact complaint when
 * the path is not valid.
 */
import { vyosSchema, type SchemaNode } from './vyos-schema.js';

export type PathMode = 'set' | 'delete' | 'show';

export interface ResolvedPath {
  ok: true;
  /** Node words, tag instance names included; without the value. */
  path: string[];
  /** Indices into `path` of tag containers (`ethernet` in `interfaces ethernet eth0`). */
  tagContainers: number[];
  leaf?: { multi: boolean };
  value?: string;
  /** Open (unmodelled) subtree: on delete the last word may be a value rather than a node. */
  open?: boolean;
}

export interface PathError {
  ok: false;
  /** The lines VyOS prints, without the trailing `Set failed` / `Delete failed`. */
  lines: string[];
  kind: 'path' | 'value';
}

function notValid(path: string[], word: string): PathError {
  const prefix = path.length > 0 ? `${path.join(' ')} ` : '';
  return {
    ok: false,
    kind: 'path',
    lines: [`Configuration path: ${prefix}[${word}] is not valid`],
  };
}

function badValue(message: string): PathError {
  return { ok: false, kind: 'value', lines: [message, 'Value validation failed'] };
}

export function resolveConfigPath(
  words: string[],
  mode: PathMode,
  schema: SchemaNode = vyosSchema,
): ResolvedPath | PathError {
  const path: string[] = [];
  const tagContainers: number[] = [];
  let spec: SchemaNode = schema;
  let i = 0;
  while (i < words.length) {
    const word = words[i] as string;
    switch (spec.kind) {
      case 'node': {
        const child: SchemaNode | undefined = Object.hasOwn(spec.children, word)
          ? spec.children[word]
          : undefined;
        if (!child) return notValid(path, word);
        path.push(word);
        spec = child;
        i++;
        break;
      }
      case 'tag': {
        if (mode === 'set' && spec.name) {
          const problem = spec.name(word);
          if (problem) return badValue(problem);
        }
        tagContainers.push(path.length - 1);
        path.push(word);
        spec = { kind: 'node', children: spec.children };
        i++;
        break;
      }
      case 'leaf': {
        const next = words[i + 1];
        if (next !== undefined) return notValid([...path, word], next);
        if (mode === 'set' && spec.validate) {
          const problem = spec.validate(word);
          if (problem) return badValue(problem);
        }
        return { ok: true, path, tagContainers, leaf: { multi: spec.multi }, value: word };
      }
      case 'flag':
        return notValid(path, word);
      case 'open': {
        const rest = words.slice(i);
        if (mode === 'set' && rest.length >= 2) {
          return {
            ok: true,
            path: [...path, ...rest.slice(0, -1)],
            tagContainers,
            leaf: { multi: false },
            value: rest.at(-1),
            open: true,
          };
        }
        return { ok: true, path: [...path, ...rest], tagContainers, open: true };
      }
    }
  }
  if (mode === 'set' && (spec.kind === 'leaf' || spec.kind === 'tag')) {
    return {
      ok: false,
      kind: 'path',
      lines: [`Configuration path: [${path.join(' ')}] requires a value`],
    };
  }
  if (spec.kind === 'leaf') return { ok: true, path, tagContainers, leaf: { multi: spec.multi } };
  return { ok: true, path, tagContainers, open: spec.kind === 'open' };
}
