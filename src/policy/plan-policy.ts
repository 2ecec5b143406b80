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
import { sitesOf, withOnboardedSites } from './onboarded-sites.js';
import { withOnboardedVpcs } from './onboarded-vpcs.js';

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
  const listed = readTrafficPolicy(inventory);
  const policy = listed && withUnlistedInWorld(listed, state);
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
    ...(policy
      ? sshCuts(
          inventory,
          policy,
          (name) => state.routers.find((r) => r.name === name)?.instance?.privateIp,
        )
      : []),
  ];
  return { policy, routers, refusals };
}

/**
 * The policy with the networks the world carries that the inventory does not list, judged as the
 * routers judge them (the default role, else unassigned): sites added by add-peer, VPCs attached
 * by attach-vpc. `/vpn policy diff|apply` and the tests' oracle comparison read it the same way.
 */
export function withUnlistedInWorld(policy: TrafficPolicy, state: ReachState): TrafficPolicy {
  const sites = state.routers.flatMap((r) => sitesOf(r.reading?.config ?? []));
  return withOnboardedVpcs(withOnboardedSites(policy, sites), state.vpcs);
}

/**
 * The routers whose SSH from flatnet the policy would drop. flatnet's own packets to a router
 * in another network cross at least one router (the hub, toward a spoke), and every router runs
 * the same rule set, so the policy must let tcp to the router's SSH port through from anywhere
 * in `botNetwork` (its first and last address are tried). A router in flatnet's own network is
 * reached without crossing one; the router's own input is never filtered (no local zone).
 */
export function sshCuts(
  inventory: Inventory,
  policy: TrafficPolicy,
  privateIpOf: (router: string) => string | undefined = () => undefined,
): string[] {
  // Where flatnet runs: as the inventory says, else the VPC of the hub's private address.
  const hub = Object.entries(inventory.routers).find(([, r]) => r.role === 'hub')?.[0];
  const hubIp = hub === undefined ? undefined : privateIpOf(hub);
  const botNetwork =
    policy.botNetwork ??
    policy.networks.find(
      (n) => n.kind === 'vpc' && hubIp && cidrHas(n.cidrs[0]!, parseIpv4(hubIp) ?? -1),
    )?.cidrs[0];
  const bot = botNetwork ? parseCidr(botNetwork) : null;
  if (!bot || !botNetwork) return [];
  const sources = [bot.base + (bot.size > 2 ? 1 : 0), bot.base + Math.max(bot.size - 2, 0)].map(
    formatIpv4,
  );
  const out: string[] = [];
  for (const [name, r] of Object.entries(inventory.routers)) {
    // The SSH address, or where it is not in the flat network (a jump host, the simulator's
    // loopback) the router's private address: what the policy's rules see.
    const inNetwork = (ip: string) =>
      policy.networks.some((n) => n.cidrs.some((c) => cidrHas(c, parseIpv4(ip) ?? -1)));
    const own = inNetwork(r.ssh.host);
    const host = own ? r.ssh.host : (privateIpOf(name) ?? r.ssh.host);
    const port = own ? r.ssh.port : 22;
    if (parseIpv4(host) === null) continue;
    const hostIp = parseIpv4(host)!;
    if (hostIp >= bot.base && hostIp < bot.base + bot.size) continue;
    for (const src of sources) {
      const flow: Flow = { src, dst: host, protocol: 'tcp', port };
      const rule = ruleFor(policy, flow);
      if (rule === 'within' || rule === 'outside' || rule?.action === 'accept') continue;
      const from = policy.networks.find((n) => n.cidrs.includes(botNetwork));
      const to = policy.networks.find((n) => n.cidrs.some((c) => cidrHas(c, hostIp)));
      out.push(
        `the policy would cut flatnet's SSH to ${name} (${src} → ${host}:${port}, ` +
          `${rule ? `dropped by rule ${rule.number}` : 'no rule lets it through'}) — add ` +
          `{ from: ${from?.role ?? '<role of ' + botNetwork + '>'}, ` +
          `to: ${to?.role ?? '<role of ' + host + '>'}, protocol: tcp, ports: [${port}] } ` +
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
