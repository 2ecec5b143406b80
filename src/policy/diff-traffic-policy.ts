/**
 * What must change on a router for its `firewall` and `qos` to be what the traffic policy
 * renders, touching only what flatnet owns: the zones, rule sets, network-groups and shapers
 * named `FLATNET-…`, and an interface's `qos … egress` that points at one of them. An
 * operator's own firewall and qos are left alone (and a clash with them, such as an interface
 * in two zones, is for VyOS's commit to refuse).
 */
import { del, set, type ConfigLine } from '../vyos/config-line.js';

const OWNED = /^FLATNET-/;

/** The flatnet-owned unit a line belongs to (`firewall zone FLATNET-VPN`), or undefined. */
export function ownedUnit(line: ConfigLine): string[] | undefined {
  const p = line.path;
  const named = (n: number) => (OWNED.test(p[n - 1] ?? '') ? p.slice(0, n) : undefined);
  if (p[0] === 'firewall' && p[1] === 'zone') return named(3);
  if (p[0] === 'firewall' && p[1] === 'ipv4' && p[2] === 'name') return named(4);
  if (p[0] === 'firewall' && p[1] === 'group' && p[2] === 'network-group') return named(4);
  if (p[0] === 'qos' && p[1] === 'policy' && p[2] === 'shaper') return named(4);
  if (p[0] === 'qos' && p[1] === 'interface' && p[3] === 'egress' && p.length === 4)
    return OWNED.test(line.value ?? '') ? p.slice(0, 4) : undefined;
  return undefined;
}

const key = (l: ConfigLine) => `${l.path.join(' ')}\u0000${l.value ?? ''}`;
const pathKey = (path: string[]) => path.join(' ');

/**
 * `delete` lines for what flatnet owns and no longer wants (a whole unit at once when it goes
 * entirely), then `set` lines for what is missing. Empty when the router is as rendered.
 */
export function diffTrafficPolicy(current: ConfigLine[], desired: ConfigLine[]): ConfigLine[] {
  const have = current.filter((l) => l.op === 'set' && ownedUnit(l));
  const haveKeys = new Set(have.map(key));
  const wantKeys = new Set(desired.map(key));
  const wantUnits = new Set(desired.map((l) => pathKey(ownedUnit(l) ?? l.path.slice(0, 4))));
  const deletes: ConfigLine[] = [];
  const gone = new Set<string>();
  for (const line of have) {
    const unit = ownedUnit(line)!;
    if (!wantUnits.has(pathKey(unit))) {
      if (!gone.has(pathKey(unit))) deletes.push(del(unit));
      gone.add(pathKey(unit));
      continue;
    }
    if (wantKeys.has(key(line))) continue;
    // Delete from the highest node nobody wants any more (`rule 40`, `class 10`); a leaf whose
    // value changes is replaced by its `set`; a value of a multi-value leaf that keeps others
    // (a zone's interfaces) is deleted alone.
    const k = unwantedDepth(desired, line.path, unit.length);
    if (k !== undefined) {
      const path = line.path.slice(0, k);
      if (!gone.has(pathKey(path))) deletes.push(del(path));
      gone.add(pathKey(path));
    } else if (isMultiValued(desired, line.path) && line.value !== undefined)
      deletes.push({ op: 'delete', path: line.path, value: line.value });
  }
  const sets = desired.filter((l) => !haveKeys.has(key(l))).map((l) => set(l.path, l.value));
  return [...deletes, ...sets];
}

/** The shortest prefix of `path` (longer than its unit) that no wanted line lies under. */
function unwantedDepth(desired: ConfigLine[], path: string[], from: number): number | undefined {
  for (let k = from + 1; k <= path.length; k++) {
    const prefix = pathKey(path.slice(0, k));
    if (!desired.some((l) => pathKey(l.path.slice(0, k)) === prefix)) return k;
  }
  return undefined;
}

/** A leaf the rendering sets more than once (zone interfaces, group networks, rule states). */
function isMultiValued(desired: ConfigLine[], path: string[]): boolean {
  return (
    desired.filter((l) => pathKey(l.path) === pathKey(path)).length > 1 ||
    ['interface', 'network', 'state'].includes(path[path.length - 1] ?? '')
  );
}
