/**
 * `/vpn add-peer` as a run: which router, what kind of peer, and the checks that need only the
 * inventory (answered at once in Slack). Checks that need the router run in the plan step.
 */
import { overlappingAssigned } from '../config/flat-network.js';
import { findRouter } from '../util/find-router.js';
import type { Inventory } from '../config/inventory-schema.js';
import { resolvePolicy } from '../config/resolve-policy.js';
import { BadInputError, InputProblems } from '../errors.js';
import type { Command } from '../grammar/command.js';
import { cidrContains, cidrsOverlap, formatCidr, parseCidr, parseIpv4 } from '../net/cidr.js';
import { checkSiteAsn, checkSiteRemote, NEVER_A_REMOTE } from './check-site-identity.js';
import { checkBackedUpSite } from './site-backup.js';
import type { PlannedRun } from '../runbook/run-request.js';
import type { Json, Run } from '../runbook/types.js';
import { assertPeerName } from '../vyos/config-line.js';
import { assertPeerPublicKey } from '../vyos/validate-network-input.js';
import {
  checkKeyAgainstFleet,
  checkKeyAgainstInventory,
  PUBKEY_PARAM,
} from './check-key-in-fleet.js';
import type { FleetKeys } from './read-fleet-keys.js';

export type AddPeerParams =
  | { kind: 'wireguard'; router: string; publicKey?: string }
  | {
      kind: 'ipsec';
      router: string;
      remote: string;
      subnets: string[];
      mode: 'route' | 'policy';
      bgpAsn?: number;
    };

/**
 * The router a peer goes to: `--router`, else the hub region's hub (with WireGuard, for a WireGuard
 * peer).
 */
export function chooseRouter(
  inventory: Inventory,
  kind: 'wireguard' | 'ipsec',
  asked?: string,
): string {
  const names = Object.keys(inventory.routers);
  if (asked !== undefined) {
    const entry = findRouter(inventory.routers, asked);
    if (kind === 'wireguard' && !entry.wireguard) {
      const withWg = names.filter((n) => inventory.routers[n]!.wireguard);
      throw new BadInputError(
        `${asked} has no WireGuard interface in the inventory`,
        withWg.length > 0
          ? `routers with WireGuard: ${withWg.join(', ')}`
          : 'add routers.<name>.wireguard to the inventory',
      );
    }
    return asked;
  }
  const hubs = names.filter(
    (n) =>
      inventory.routers[n]!.role === 'hub' && (kind === 'ipsec' || inventory.routers[n]!.wireguard),
  );
  const inHubRegion = hubs.filter((n) => inventory.routers[n]!.region === inventory.hub.region);
  const chosen = inHubRegion[0] ?? hubs[0];
  if (!chosen)
    throw new BadInputError(
      `no hub router ${kind === 'wireguard' ? 'with WireGuard ' : ''}in the inventory`,
      'name one with --router, or give the hub a wireguard: section',
    );
  return chosen;
}

/** Subnets of a site: valid, not overlapping each other nor the flat network it joins. */
export function checkSiteSubnets(inventory: Inventory, subnets: string[]): void {
  for (const s of subnets) {
    const net = parseCidr(s);
    if (!net)
      throw new BadInputError(
        `--subnets: ${JSON.stringify(s.slice(0, 40))} is not an IPv4 CIDR`,
        'e.g. --subnets 192.168.10.0/24,192.168.20.0/24',
      );
    if (formatCidr(net) !== s)
      throw new BadInputError(
        `--subnets: ${s} has host bits set`,
        `did you mean ${formatCidr(net)}?`,
      );
    const special = NEVER_A_REMOTE.find((r) => cidrsOverlap(r.cidr, s));
    if (special)
      throw new BadInputError(
        `--subnets: ${s} overlaps ${special.cidr} (${special.what}), which no site may route`,
        'give the networks behind the site (private ranges such as 192.168.10.0/24)',
      );
    const ownAddress = Object.entries(inventory.routers).find(
      ([, r]) => r.elasticIp && cidrContains(s, r.elasticIp.publicIp),
    );
    if (ownAddress)
      throw new BadInputError(
        `--subnets: ${s} holds ${ownAddress[0]}'s public ` +
          `address ${ownAddress[1].elasticIp!.publicIp}: the ` +
          'tunnels themselves would be routed into the site',
        'give only the networks behind the site',
      );
    const flat = overlappingAssigned(inventory, s);
    if (flat)
      throw new BadInputError(
        `--subnets: ${s} overlaps ${flat.prefix} (${flat.what}), ` +
          'which is already part of the flat network',
        'give the networks behind the site that the flat network ' +
          'does not already use (renumber the site, or NAT it)',
      );
  }
  subnets.forEach((a, i) =>
    subnets.slice(i + 1).forEach((b) => {
      if (cidrsOverlap(a, b))
        throw new BadInputError(`--subnets: ${a} and ${b} overlap`, 'list each network once');
    }),
  );
}

/**
 * The inventory checks of a site's remote address and subnets alone, for the add-peer form:
 * when another field did not even parse (so the command could not be planned), these still
 * answer, and every field's problem shows at once. Values that do not parse are left out.
 */
export function checkSiteFields(
  inventory: Inventory,
  fields: { remote?: string; subnets?: string[] },
): readonly BadInputError[] {
  const problems = new InputProblems();
  const { remote, subnets } = fields;
  if (remote !== undefined && parseIpv4(remote) !== null)
    problems.check(() => checkSiteRemote(inventory, remote));
  if (subnets !== undefined && subnets.length > 0 && subnets.every((s) => parseCidr(s)))
    problems.check(() => checkSiteSubnets(inventory, subnets));
  return problems.list();
}

/**
 * The run an add-peer command asks for, after every check that needs only the inventory. The
 * checks are independent, so all of them run and every problem is reported at once.
 */
export function planAddPeer(command: Command, inventory: Inventory, requester: string): PlannedRun {
  if (command.kind !== 'add-peer')
    throw new BadInputError(`add-peer cannot plan a ${command.kind} command`, 'use /vpn add-peer');
  const problems = new InputProblems();
  problems.check(() => assertPeerName(command.name));
  const { peer } = command;
  const router = problems.check(() => chooseRouter(inventory, peer.type, command.router));
  let params: Record<string, Json> = {};
  if (peer.type === 'wireguard') {
    const key = peer.publicKey;
    if (key !== undefined)
      problems.check(() => {
        assertPeerPublicKey(key, '--pubkey');
        // Before any run exists (so no record ever holds a private key recognised here);
        // checkKeyBeforeRun then compares it with every key the routers report.
        checkKeyAgainstInventory(key, inventory);
      });
    params = { ...(key !== undefined ? { [PUBKEY_PARAM]: key } : {}) };
  } else {
    if (router !== undefined && !inventory.routers[router]!.elasticIp)
      problems.add(
        `${router} has no Elastic IP in the inventory: a site cannot reach it`,
        `add routers.${router}.elasticIp, or choose the hub with --router`,
      );
    if (peer.mode === 'policy' && peer.bgpAsn !== undefined)
      problems.add(
        'a policy-based site cannot speak BGP: BGP needs a route-based tunnel (a VTI to peer over)',
        'drop --mode policy (route-based is the default) to use BGP, or drop --bgp',
      );
    problems.check(() => checkSiteRemote(inventory, peer.remote));
    const asn = peer.bgpAsn;
    if (asn !== undefined) problems.check(() => checkSiteAsn(inventory, asn));
    problems.check(() => checkSiteSubnets(inventory, peer.subnets));
    problems.check(() => checkBackedUpSite(inventory, command.name, peer));
    params = {
      remote: peer.remote,
      subnets: peer.subnets.join(','),
      mode: peer.mode,
      ...(peer.bgpAsn !== undefined ? { bgp: peer.bgpAsn } : {}),
    };
  }
  problems.throwIfAny();
  const { approval } = resolvePolicy(inventory, 'add-peer', requester);
  return {
    kind: 'add-peer',
    target: command.name,
    params: { router: router!, ...params },
    dryRun: command.dryRun,
    ...(approval ? { approval } : {}),
  };
}

/**
 * A given key against every WireGuard key the routers hold now, their private halves included
 * (and, for a router that does not answer, the public keys it held when last read): a device's
 * private key pasted by mistake is refused before any run, record, thread or log line could
 * hold it. Undefined when the run has no key to check.
 */
export function checkKeyBeforeRun(
  planned: PlannedRun,
  fleetKeys: () => Promise<FleetKeys>,
  onUncompared: (routers: string[]) => void,
): { what: string; run(): Promise<void> } | undefined {
  const key = planned.params[PUBKEY_PARAM];
  if (typeof key !== 'string') return undefined;
  return {
    what: "--pubkey against every router's WireGuard keys",
    async run() {
      const fleet = await fleetKeys();
      checkKeyAgainstFleet(key, fleet.known, new Set());
      // Neither read now nor ever before: the plan step reads it again and names it.
      if (fleet.unread.length > 0) onUncompared(fleet.unread);
    },
  };
}

/** The typed parameters back from a run record. */
export function addPeerParams(run: Pick<Run, 'params'>): AddPeerParams {
  const p = run.params;
  const router = String(p.router);
  if (typeof p.remote === 'string') {
    return {
      kind: 'ipsec',
      router,
      remote: p.remote,
      subnets: String(p.subnets ?? '')
        .split(',')
        .filter(Boolean),
      mode: p.mode === 'policy' ? 'policy' : 'route',
      ...(typeof p.bgp === 'number' ? { bgpAsn: p.bgp } : {}),
    };
  }
  return {
    kind: 'wireguard',
    router,
    ...(typeof p[PUBKEY_PARAM] === 'string' ? { publicKey: p[PUBKEY_PARAM] } : {}),
  };
}
