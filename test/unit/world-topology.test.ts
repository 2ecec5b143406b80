import { describe, expect, it } from 'vitest';
import { buildReferenceTopology, routerNamed } from '../../src/sim/world/reference-topology.js';
import { renderBaseConfig, renderRouterConfig } from '../../src/sim/world/render-router-config.js';
import { ConfigTree } from '../../src/sim/vyos/config-tree.js';
import { cidrsOverlap } from '../../src/net/cidr.js';

const botKey =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBotKeyForTests000000000000000000000000000 flatnet';
const aws = { vgwOutsideIps: [['198.51.100.201', '198.51.100.202']] };

describe('reference topology', () => {
  it('has the routers, addresses and ASNs of examples/flatnet.yml', () => {
    const t = buildReferenceTopology({ botPublicKey: botKey });
    const hubA = routerNamed(t, 'hub-tokyo-a');
    expect(hubA).toMatchObject({
      role: 'hub',
      privateIp: '10.0.1.10',
      asn: 65000,
      type: 'c5.large',
      standby: 'hub-tokyo-b',
    });
    expect(hubA.elasticIp?.publicIp).toBe('203.0.113.10');
    expect(hubA.ladder).toEqual(['t3.medium', 'c5.large', 'c5.xlarge', 'c5.2xlarge']);
    expect(routerNamed(t, 'hub-tokyo-b')).toMatchObject({
      role: 'standby',
      privateIp: '10.0.1.11',
    });
    expect(routerNamed(t, 'hub-tokyo-b').elasticIp).toBeUndefined();
    const spokes = t.routers.filter((r) => r.role === 'spoke');
    expect(spokes.map((s) => [s.name, s.region, s.elasticIp?.publicIp, s.asn])).toEqual([
      ['spoke-virginia', 'us-east-1', '198.51.100.7', 65001],
      ['spoke-oregon', 'us-west-2', '198.51.100.8', 65002],
      ['spoke-ireland', 'eu-west-1', '198.51.100.9', 65003],
      ['spoke-singapore', 'ap-southeast-1', '198.51.100.10', 65004],
      ['spoke-saopaulo', 'sa-east-1', '198.51.100.11', 65005],
    ]);
    const virginia = t.vpcs.filter((v) => v.region === 'us-east-1').map((v) => [v.name, v.cidr]);
    expect(virginia).toEqual([
      ['production', '10.10.0.0/16'],
      ['staging', '10.11.0.0/16'],
    ]);
  });

  it('routes every remote network of the hub VPC to hub-tokyo-a', () => {
    const t = buildReferenceTopology({ botPublicKey: botKey });
    const hub = t.vpcs.find((v) => v.name === 'hub')!;
    const destinations = hub.routes.map((r) => r.destination);
    expect(destinations).toEqual(
      expect.arrayContaining(['10.10.0.0/16', '10.51.0.0/16', '10.60.0.0/16', '192.168.0.0/16']),
    );
    expect(new Set(hub.routes.map((r) => r.router))).toEqual(new Set(['hub-tokyo-a']));
  });

  it('adds extra spokes with distinct, non-overlapping addresses', () => {
    const t = buildReferenceTopology({ botPublicKey: botKey, extraSpokes: 43 });
    expect(t.routers).toHaveLength(50);
    const ips = t.routers.flatMap((r) => (r.elasticIp ? [r.elasticIp.publicIp] : []));
    expect(new Set(ips).size).toBe(ips.length);
    const cidrs = t.vpcs.map((v) => v.cidr);
    for (const [i, a] of cidrs.entries())
      for (const b of cidrs.slice(i + 1)) expect(cidrsOverlap(a, b), `${a} vs ${b}`).toBe(false);
    for (const c of cidrs) expect(cidrsOverlap(c, t.wireguard.pool)).toBe(false);
    expect(() => buildReferenceTopology({ botPublicKey: botKey, extraSpokes: 513 })).toThrow(
      /extraSpokes/,
    );
  });

  it('renders configurations the VyOS emulator accepts, with matching peers on both ends', () => {
    const t = buildReferenceTopology({ botPublicKey: botKey });
    for (const r of t.routers) {
      const tree = ConfigTree.fromSetLines(renderRouterConfig(t, r.name, aws));
      expect(tree.value('system host-name')).toBe(r.name);
    }
    const hub = ConfigTree.fromSetLines(renderRouterConfig(t, 'hub-tokyo-a', aws));
    const standby = ConfigTree.fromSetLines(renderRouterConfig(t, 'hub-tokyo-b', aws));
    const spoke = ConfigTree.fromSetLines(renderRouterConfig(t, 'spoke-oregon', aws));
    expect(hub.names('vpn ipsec site-to-site peer')).toEqual(
      expect.arrayContaining([
        'spoke-virginia',
        'spoke-saopaulo',
        'office',
        'aws-shared-services-1',
        'aws-shared-services-2',
      ]),
    );
    expect(hub.value('vpn ipsec site-to-site peer spoke-oregon remote-address')).toBe(
      '198.51.100.8',
    );
    expect(hub.value('vpn ipsec site-to-site peer spoke-oregon local-address')).toBe('10.0.1.10');
    expect(standby.value('vpn ipsec site-to-site peer spoke-oregon local-address')).toBe(
      '10.0.1.11',
    );
    expect(spoke.value('vpn ipsec site-to-site peer hub remote-address')).toBe('203.0.113.10');
    expect(spoke.value('vpn ipsec authentication psk hub secret')).toBe(
      hub.value('vpn ipsec authentication psk spoke-oregon secret'),
    );
    expect(hub.value('vpn ipsec site-to-site peer aws-shared-services-2 remote-address')).toBe(
      '198.51.100.202',
    );
    expect(hub.value('protocols bgp system-as')).toBe('65000');
    expect(hub.has('protocols bgp neighbor 169.254.2.2 address-family ipv4-unicast')).toBe(true);
    expect(hub.value('protocols bgp neighbor 169.254.200.1 remote-as')).toBe('64512');
    expect(hub.names('interfaces wireguard wg0 peer')).toEqual(['ops-carol', 'ops-dave']);
  });

  it('gives the base image only DHCP, SSH and the bot key', () => {
    const lines = renderBaseConfig(botKey);
    expect(lines.join('\n')).not.toMatch(/ipsec|wireguard|bgp/);
    expect(lines).toContain(
      "set system login user vyos authentication public-keys flatnet type 'ssh-ed25519'",
    );
  });
});
