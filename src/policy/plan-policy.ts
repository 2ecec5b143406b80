/**
 * What `/vpn policy diff` shows and `/vpn policy apply` types: for every router of the
 * inventory, the traffic policy rendered for its interfaces and the change from what it runs
 * now (only flatnet's own `FLATNET-…` config), plus the refusals that stop an apply.
 */
import type { Inventory } from '../config/inventory-schema.js';
import {
  readTrafficPolicy,
  ruleFor,
  type Flow,
  type TrafficPolicy,
} from '../config/traffic-policy.js';
import { formatIpv4, parseCidr, parseIpv4 } from '../net/cidr.js';
import type { ReachState } from '../reach/reach-state.js';
import { diffTrafficPolicy, ownedUnit } from './diff-traffic-policy.js';
import { renderTrafficPolicy } from './render-traffic-policy.js';
import type { ConfigLine } from '../vyos/types.js';
import { readPolicyFacts } from './read-policy-facts.js';

export interface RouterPolicyPlan {
  router: string;
  /** `delete` then `set` lines that make the router what the policy renders. */
  changes: ConfigLine[];
  /** What flatnet owns on it now: what an undo puts back. */
  before: ConfigLine[];
  /** Why it could not be planned (not readable over SSH). */
  error?: string;
}

export interface PolicyPlan {
  policy?: TrafficPolicy;
  routers: RouterPolicyPlan[];
  /** Why the policy must not be applied as it is (each with its fix). */
  refusals: string[];
}

export function planPolicy(inventory: Inventory, state: ReachState): PolicyPlan {
  const policy = readTrafficPolicy(inventory);
  const routers = state.routers.map((r): RouterPolicyPlan => {
    const facts = readPolicyFacts(state, policy, r);
    const current = r.reading?.config ?? [];
    const before = current.filter((l) => l.op === 'set' && ownedUnit(l) !== undefined);
    if ('error' in facts) return { router: r.name, changes: [], before, error: facts.error };
    return {
      router: r.name,
      changes: diffTrafficPolicy(current, renderTrafficPolicy(policy, facts)),
      before,
    };
  });
  const refusals = [
    ...routers
      .filter((r) => r.error !== undefined)
      .map(
        (r) =>
          `${r.router} could not be read (${r.error}): a policy applied to the others only ` +
          'would leave the network half-changed — bring it back, or take it out of the inventory',
      ),
    ...(policy ? sshCuts(inventory, policy) : []),
  ];
  return { policy, routers, refusals };
}

/**
 * The routers whose SSH from flatnet the policy would drop. flatnet's own packets to a router
 * in another network cross at least one router (the hub, toward a spoke), and every router runs
 * the same rule set, so the policy must let tcp to the router's SSH port through from anywhere
 * in `botNetwork` (its first and last address are tried). A router in flatnet's own network is
 * reached without crossing one; the router's own input is never filtered (no local zone).
 */
export function sshCuts(inventory: Inventory, policy: TrafficPolicy): string[] {
  const bot = policy.botNetwork ? parseCidr(policy.botNetwork) : null;
  if (!bot || !policy.botNetwork) return [];
  const sources = [bot.base + (bot.size > 2 ? 1 : 0), bot.base + Math.max(bot.size - 2, 0)].map(
    formatIpv4,
  );
  const out: string[] = [];
  for (const [name, r] of Object.entries(inventory.routers)) {
    const host = r.ssh.host;
    if (parseIpv4(host) === null) continue;
    const hostIp = parseIpv4(host)!;
    if (hostIp >= bot.base && hostIp < bot.base + bot.size) continue;
    for (const src of sources) {
      const flow: Flow = { src, dst: host, protocol: 'tcp', port: r.ssh.port };
      const rule = ruleFor(policy, flow);
      if (rule === 'within' || rule === 'outside' || rule?.action === 'accept') continue;
      const from = policy.networks.find((n) => n.cidrs.includes(policy.botNetwork!));
      const to = policy.networks.find((n) => n.cidrs.some((c) => cidrHas(c, hostIp)));
      out.push(
        `the policy would cut flatnet's SSH to ${name} (${src} → ${host}:${r.ssh.port}, ` +
          `${rule ? `dropped by rule ${rule.number}` : 'no rule lets it through'}) — add ` +
          `{ from: ${from?.role ?? '<role of ' + policy.botNetwork + '>'}, ` +
          `to: ${to?.role ?? '<role of ' + host + '>'}, protocol: tcp, ports: [${r.ssh.port}] } ` +
          'to traffic.rules (before any drop rule), or set traffic.botNetwork',
      );
      break;
    }
  }
  return out;
}

function cidrHas(cidr: string, ip: number): boolean {
  const c = parseCidr(cidr);
  return c !== null && ip >= c.base && ip < c.base + c.size;
}
