/**
 * `as-override` on the hub's neighbours that share the new VGW's AS (docs/flat-network.md, "Why
 * as-override"). The new VGW's own neighbours get it from the tunnel renderer; a VGW attached
 * before (by hand, or by an older flatnet) may lack it, and then drops the new VPC's prefix as
 * an AS-path loop (its AS is in the path): the two VGW VPCs never reach each other. Each attach
 * adds it where it is missing, and its undo removes only what it added.
 */
import { del, set } from '../vyos/config-line.js';
import type { ConfigLine } from '../vyos/types.js';

const NEIGHBOR = ['protocols', 'bgp', 'neighbor'];
const AS_OVERRIDE = ['address-family', 'ipv4-unicast', 'as-override'];

/**
 * Neighbours with `remote-as <asn>` exchanging IPv4 routes (address-family ipv4-unicast), without
 * as-override.
 */
export function neighborsLackingAsOverride(
  lines: readonly ConfigLine[],
  asn: number | undefined,
): string[] {
  if (asn === undefined) return [];
  const under = (l: ConfigLine) =>
    l.op === 'set' && NEIGHBOR.every((w, i) => l.path[i] === w) && l.path[3] !== undefined;
  const sameAs = lines
    .filter((l) => under(l) && l.path[4] === 'remote-as' && l.value === String(asn))
    .map((l) => l.path[3]!);
  const ipv4 = new Set(
    lines
      .filter((l) => under(l) && l.path[4] === 'address-family' && l.path[5] === 'ipv4-unicast')
      .map((l) => l.path[3]!),
  );
  const overridden = new Set(
    lines
      .filter((l) => under(l) && AS_OVERRIDE.every((w, i) => l.path[4 + i] === w))
      .map((l) => l.path[3]!),
  );
  return [...new Set(sameAs)].filter((n) => ipv4.has(n) && !overridden.has(n));
}

export const asOverrideLines = (neighbors: readonly string[]): ConfigLine[] =>
  neighbors.map((n) => set([...NEIGHBOR, n, ...AS_OVERRIDE]));

/**
 * Back to `address-family ipv4-unicast` alone (VyOS drops a parent node left empty by a delete).
 */
export const asOverrideRemovalLines = (neighbors: readonly string[]): ConfigLine[] =>
  neighbors.flatMap((n) => [
    del([...NEIGHBOR, n, ...AS_OVERRIDE]),
    set([...NEIGHBOR, n, ...AS_OVERRIDE.slice(0, 2)]),
  ]);
