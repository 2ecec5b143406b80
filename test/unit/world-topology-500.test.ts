/**
 * The simulated world's address plan at 500+ routers (src/sim/world/spoke-address-plan.ts):
 * one an operator could have, that flatnet's validators and the VyOS emulator accept as is.
 */
import { describe, expect, it } from 'vitest';
import { parseInventory } from '../../src/config/load-inventory.js';
import { cidrContains, cidrsOverlap, parseCidr } from '../../src/net/cidr.js';
import { NEVER_A_REMOTE } from '../../src/onboarding/check-site-identity.js';
import { checkCommit } from '../../src/sim/vyos/check-commit.js';
import { ConfigTree } from '../../src/sim/vyos/config-tree.js';
import { buildReferenceTopology } from '../../src/sim/world/reference-topology.js';
import { renderRouterConfig } from '../../src/sim/world/render-router-config.js';
import { MAX_EXTRA_SPOKES, spokeTunnelAddress } from '../../src/sim/world/spoke-address-plan.js';
import { renderInventory } from '../../src/sim/world/write-inventory.js';

const botKey =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBotKeyForTests000000000000000000000000000 flatnet';
const aws = { vgwOutsideIps: [['198.19.100.1', '198.19.100.2']] };
const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'];

/** Sorted by first address, neighbours must not overlap: O(n log n) for 1000+ VPCs. */
function firstOverlap(cidrs: string[]): [string, string] | undefined {
  const sorted = [...cidrs].sort((a, b) => parseCidr(a)!.base - parseCidr(b)!.base);
  for (let i = 1; i < sorted.length; i++)
    if (cidrsOverlap(sorted[i - 1]!, sorted[i]!)) return [sorted[i - 1]!, sorted[i]!];
  return undefined;
}

describe('the simulated world at 500+ routers', () => {
  const t = buildReferenceTopology({ botPublicKey: botKey, extraSpokes: MAX_EXTRA_SPOKES });
  const spokes = t.routers.filter((r) => r.role === 'spoke');

  it('holds 519 routers, and refuses one spoke more with the reason', () => {
    expect(t.routers).toHaveLength(519);
    expect(new Set(t.routers.map((r) => r.name)).size).toBe(519);
    expect(() =>
      buildReferenceTopology({ botPublicKey: botKey, extraSpokes: MAX_EXTRA_SPOKES + 1 }),
    ).toThrow(/extraSpokes must be an integer from 0 to 512 .*no room for more/);
  });

  it('gives every VPC its own block, clear of the WireGuard pool and the office', () => {
    const cidrs = t.vpcs.map((v) => v.cidr);
    expect(firstOverlap([...cidrs, t.wireguard.pool, t.office.remotePrefix])).toBeUndefined();
    for (const v of t.vpcs)
      for (const s of v.subnets) expect(cidrContains(v.cidr, s.cidr.split('/')[0]!)).toBe(true);
    const last = spokes.at(-1)!;
    expect(last.networks).toEqual(['10.191.224.0/20', '10.191.240.0/20']);
    expect(last.privateIp).toBe('10.191.225.10');
  });

  it('routes the extra spokes from the hub VPC with one route, within AWS route quota', () => {
    const hub = t.vpcs.find((v) => v.name === 'hub')!;
    expect(hub.routes.map((r) => r.destination)).toContain('10.128.0.0/10');
    expect(hub.routes.length).toBeLessThanOrEqual(50);
    for (const v of t.vpcs.filter((x) => x.reach.kind === 'spoke'))
      expect(hub.routes.some((r) => cidrContains(r.destination, v.cidr.split('/')[0]!))).toBe(true);
  });

  it('gives public, distinct Elastic IPs and private, distinct AS numbers', () => {
    const ips = t.routers.flatMap((r) => (r.elasticIp ? [r.elasticIp.publicIp] : []));
    expect(new Set(ips).size).toBe(ips.length);
    for (const ip of ips) {
      expect(NEVER_A_REMOTE.find((s) => cidrContains(s.cidr, ip))).toBeUndefined();
      expect(PRIVATE.find((p) => cidrContains(p, ip))).toBeUndefined();
    }
    const asns = spokes.map((s) => s.asn!);
    expect(new Set(asns).size).toBe(asns.length);
    for (const asn of asns) expect(asn > 64512 && asn <= 65534).toBe(true);
  });

  it('numbers tunnels apart from the sites (vti100–199) and the VGWs (vti200 up)', () => {
    const vtis = spokes.map((s) => s.vti!);
    expect(new Set(vtis).size).toBe(vtis.length);
    for (const n of vtis) expect(n < 100 || n >= 1000).toBe(true);
    const nets = vtis.map((n) => `${spokeTunnelAddress(n, 'hub')}/30`);
    expect(firstOverlap(nets)).toBeUndefined();
    // Sites take 169.254.100–199.x, the reference VGW tunnels 169.254.200.x.
    const third = (cidr: string) => Number(cidr.split('.')[2]);
    expect(nets.filter((n) => third(n) >= 100 && third(n) <= 200)).toEqual([]);
    expect(spokeTunnelAddress(1000, 'spoke')).toBe('169.254.224.2');
  });

  it("renders a hub of 512 spokes the VyOS emulator commits, each spoke's peer matching", () => {
    const hubLines = renderRouterConfig(t, 'hub-tokyo-a', aws);
    const hub = ConfigTree.fromSetLines(hubLines);
    expect(checkCommit(ConfigTree.fromSetLines([]), hub)).toEqual([]);
    const last = spokes.at(-1)!;
    const spoke = ConfigTree.fromSetLines(renderRouterConfig(t, last.name, aws));
    expect(checkCommit(ConfigTree.fromSetLines([]), spoke)).toEqual([]);
    expect(hub.value(`interfaces vti vti${last.vti!} address`)).toBe('169.254.230.133/30');
    expect(spoke.value(`interfaces vti vti${last.vti!} address`)).toBe('169.254.230.134/30');
    expect(hub.value(`protocols bgp neighbor 169.254.230.134 remote-as`)).toBe(String(last.asn));
    expect(spoke.value('protocols bgp neighbor 169.254.230.133 remote-as')).toBe('65000');
  });

  it('writes an inventory flatnet loads as it is', () => {
    const text = renderInventory(
      {
        topology: t,
        ec2Endpoint: 'http://127.0.0.1:4566',
        privateKeyPath: '/keys/flatnet_ed25519',
        routers: t.routers.map((r, i) => ({
          name: r.name,
          instanceId: `i-0a1b2c3d4e5f${String(i).padStart(5, '0')}`,
          host: '127.0.0.1',
          port: 20000 + i,
          hostKey: botKey.split(' ').slice(0, 2).join(' '),
        })),
      },
      '/tmp/flatnet.yml',
    );
    const inventory = parseInventory(text, '/tmp/flatnet.yml', null);
    expect(Object.keys(inventory.routers)).toHaveLength(519);
  });
});
