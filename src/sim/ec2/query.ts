import { Ec2ApiError, missingParameter } from './ec2-error.js';

export interface Filter {
  name: string;
  values: string[];
}

/**
 * The form body of an EC2 Query request. Lists are flattened with 1-based indexes
 * (`InstanceId.1`, `Filter.2.Value.3`, `TagSpecification.1.Tag.1.Key`); `member()` and
 * `members()` walk them without knowing the action.
 */
export class QueryParams {
  constructor(private readonly map: ReadonlyMap<string, string>) {}

  static parse(body: string): QueryParams {
    return new QueryParams(new Map(new URLSearchParams(body)));
  }

  get action(): string | undefined {
    return this.map.get('Action');
  }

  get(name: string): string | undefined {
    return this.map.get(name);
  }

  require(name: string): string {
    const value = this.map.get(name);
    if (value === undefined || value === '') throw missingParameter(name);
    return value;
  }

  bool(name: string): boolean | undefined {
    const value = this.map.get(name);
    if (value === undefined) return undefined;
    if (value === 'true') return true;
    if (value === 'false') return false;
    throw new Ec2ApiError(
      'InvalidParameterValue',
      `Value (${value}) for parameter ${name} is invalid. Expected: 'true' or 'false'.`,
    );
  }

  int(name: string): number | undefined {
    const value = this.map.get(name);
    if (value === undefined) return undefined;
    if (!/^-?\d+$/.test(value))
      throw new Ec2ApiError(
        'InvalidParameterValue',
        `Value (${value}) for parameter ${name} is invalid. Expected an integer.`,
      );
    return Number(value);
  }

  /** The parameters under `prefix.` with the prefix removed: one structure of a flattened list. */
  member(prefix: string): QueryParams {
    const sub = new Map<string, string>();
    const p = `${prefix}.`;
    for (const [k, v] of this.map) if (k.startsWith(p)) sub.set(k.slice(p.length), v);
    return new QueryParams(sub);
  }

  /** The structures of the list `prefix.N.*`, ordered by N. */
  members(prefix: string): QueryParams[] {
    return this.indexes(prefix).map((i) => this.member(`${prefix}.${i}`));
  }

  /** The scalar list `prefix.N`, ordered by N. */
  list(prefix: string): string[] {
    const out: string[] = [];
    for (const i of this.indexes(prefix)) {
      const v = this.map.get(`${prefix}.${i}`);
      if (v !== undefined) out.push(v);
    }
    return out;
  }

  filters(): Filter[] {
    return this.members('Filter').map((f) => ({
      name: f.require('Name'),
      values: f.list('Value'),
    }));
  }

  /** Tags from `TagSpecification.N` for one resource type (`instance`, `customer-gateway`…). */
  tagSpecification(resourceType: string): Record<string, string> {
    const tags: Record<string, string> = {};
    for (const spec of this.members('TagSpecification')) {
      if (spec.get('ResourceType') !== resourceType) continue;
      Object.assign(tags, spec.tags('Tag'));
    }
    return tags;
  }

  tags(prefix: string): Record<string, string> {
    const tags: Record<string, string> = {};
    for (const t of this.members(prefix)) tags[t.require('Key')] = t.get('Value') ?? '';
    return tags;
  }

  private indexes(prefix: string): number[] {
    const found = new Set<number>();
    const re = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d+)(?:\\.|$)`);
    for (const k of this.map.keys()) {
      const m = re.exec(k);
      if (m) found.add(Number(m[1]));
    }
    return [...found].sort((a, b) => a - b);
  }
}

/** AWS filter values allow `*` and `?` wildcards. */
export function matchesValue(pattern: string, value: string): boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) return pattern === value;
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return re.test(value);
}

/** The filter names an action knows, each answering the values a resource has for it. */
export type FilterFields<T> = Record<string, (item: T) => (string | undefined)[]>;

/**
 * Keep the resources every filter matches. A filter name the action does not know (beyond
 * `tag:Key`, `tag-key`, `tag-value`) is refused as AWS refuses it, with
 * `InvalidParameterValue`, whether or not any resource exists: an emulator that answered an
 * empty list for a misspelt filter would hide the bug until it met real AWS.
 */
export function applyFilters<T extends { tags: Record<string, string> }>(
  items: T[],
  filters: Filter[],
  fields: FilterFields<T>,
): T[] {
  const valuesOf = (item: T, name: string): (string | undefined)[] =>
    Object.hasOwn(fields, name) ? fields[name]!(item) : (tagFilterValues(item.tags, name) ?? []);
  for (const f of filters) {
    if (!Object.hasOwn(fields, f.name) && tagFilterValues({}, f.name) === undefined)
      throw new Ec2ApiError('InvalidParameterValue', `The filter '${f.name}' is invalid`);
  }
  return items.filter((item) =>
    filters.every((f) => {
      const have = valuesOf(item, f.name).filter((v): v is string => v !== undefined);
      return f.values.some((p) => have.some((v) => matchesValue(p, v)));
    }),
  );
}

/** The common `tag:Key` and `tag-key` filters. */
export function tagFilterValues(tags: Record<string, string>, name: string): string[] | undefined {
  if (name.startsWith('tag:')) {
    const v = tags[name.slice(4)];
    return v === undefined ? [] : [v];
  }
  if (name === 'tag-key') return Object.keys(tags);
  if (name === 'tag-value') return Object.values(tags);
  return undefined;
}
