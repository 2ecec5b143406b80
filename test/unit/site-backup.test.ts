import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InventoryError } from '../../src/errors.js';
import { parseInventory } from '../../src/config/load-inventory.js';
import { parseCommand } from '../../src/grammar/parse-command.js';
import { decideTunnel, type TunnelReading } from '../../src/monitor/decide-tunnel.js';
import { planAddPeer } from '../../src/onboarding/add-peer-request.js';
import { checkPeerIsNew } from '../../src/onboarding/check-peer-is-new.js';
import {
  renderSitePeerLines,
  renderSitePeerRemoval,
  siteSide,
  ipsecPeerSpec,
  type IpsecPeerRequest,
} from '../../src/onboarding/plan-ipsec-peer.js';
import { readHubConfig } from '../../src/onboarding/read-hub-config.js';
import { checkPartnerRoutes } from '../../src/onboarding/site-backup.js';
import { siteTunnelRole } from '../../src/config/site-tunnels.js';
import { renderConfigLine } from '../../src/vyos/config-line.js';
import { parseConfigCommands } from '../../src/vyos/parse-config-commands.js';
import { renderRemoteVyos } from '../../src/vyos/render-remote-vyos.js';
import { theReferenceFleet } from '../support/inventory-builder.js';

const example = readFileSync('examples/flatnet.yml', 'utf8');
const inventory = theReferenceFleet()
  .withSite('intranet', { backup: 'intranet-2', target: '172.16.0.1' })
  .build();

function problemsOf(text: string): string {
  try {
    parseInventory(example + text, 'flatnet.yml', null);
  } catch (err) {
    expect(err).toBeInstanceOf(InventoryError);
    return (err as InventoryError).problems.join('\n');
  }
  throw new Error('expected the inventory to be refused');
}

function plan(text: string) {
  const parsed = parseCommand('/vpn', text);
  if (!parsed.ok) throw new Error(parsed.message);
  return planAddPeer(parsed.command, inventory, 'U0ALICE');
}

function request(name: string, vti: number): IpsecPeerRequest {
  return {
    name,
    remote: vti === 100 ? '198.51.100.70' : '198.51.100.71',
    subnets: ['172.16.0.0/16'],
    mode: 'route',
    localAddress: '10.0.1.10',
    hubPublicAddress: '203.0.113.10',
    hubName: 'hub-tokyo-a',
    presharedKey: 'k'.repeat(32),
    tunnel: {
      vtiNumber: vti,
      hubAddress: `169.254.${vti}.1/30`,
      siteAddress: `169.254.${vti}.2/30`,
    },
    description: 'flatnet r-test01',
  };
}

const lines = (name: string, vti: number) =>
  renderSitePeerLines(request(name, vti), inventory).map(renderConfigLine);

describe('a site with a backup tunnel (inventory sites:)', () => {
  it('reads sites: and says which tunnel each peer is', () => {
    expect(inventory.sites).toEqual({ intranet: { backup: 'intranet-2', target: '172.16.0.1' } });
    expect(siteTunnelRole(inventory, 'intranet')).toMatchObject({ role: 'primary', metric: 1 });
    expect(siteTunnelRole(inventory, 'intranet-2')).toMatchObject({
      role: 'backup',
      partner: 'intranet',
      metric: 2,
    });
    expect(siteTunnelRole(inventory, 'osaka')).toBeUndefined();
  });

  it('refuses a bad target, a backup that is the site itself or backs up two sites', () => {
    expect(
      problemsOf('\nsites:\n  intranet: { backup: intranet-2, target: 172.16.0.300 }\n'),
    ).toMatch(/sites\.intranet\.target.*must be an IPv4 address like 10\.0\.1\.10/);
    expect(problemsOf('\nsites:\n  intranet: { backup: intranet, target: 172.16.0.1 }\n')).toMatch(
      /sites\.intranet\.backup: the backup tunnel cannot be the site's own peer/,
    );
    const twice =
      '\nsites:\n  a: { backup: b, target: 172.16.0.1 }\n  c: { backup: a, target: 172.17.0.1 }\n';
    expect(problemsOf(twice)).toMatch(/sites\.c\.backup: a is already sites\.a/);
    expect(problemsOf('\nsites:\n  intranet: { target: 172.16.0.1 }\n')).toContain(
      'sites.intranet.backup',
    );
  });

  it('add-peer refuses BGP, a policy tunnel or a target outside the subnets for its peers', () => {
    const remote = '--remote 198.51.100.70 --subnets 172.16.0.0/16';
    expect(() => plan(`add-peer intranet ipsec ${remote} --bgp 65100`)).toThrow(
      /sites\.intranet makes intranet a tunnel with a backup, which needs a static route-based/,
    );
    expect(() => plan(`add-peer intranet-2 ipsec ${remote} --mode policy`)).toThrow(
      /sites\.intranet\.backup makes intranet-2/,
    );
    expect(() =>
      plan('add-peer intranet ipsec --remote 198.51.100.70 --subnets 172.17.0.0/16'),
    ).toThrow(/sites\.intranet\.target 172\.16\.0\.1 is not inside intranet's subnets/);
    expect(plan(`add-peer intranet-2 ipsec ${remote}`).target).toBe('intranet-2');
  });

  it('renders failover next hops on the hub, the primary with the lower metric', () => {
    const hop = (vti: number) =>
      `set protocols failover route 172.16.0.0/16 next-hop 169.254.${vti}.2`;
    expect(lines('intranet', 100)).toEqual(
      expect.arrayContaining([
        `${hop(100)} check target '172.16.0.1'`,
        `${hop(100)} interface 'vti100'`,
        `${hop(100)} metric '1'`,
        'set protocols bgp address-family ipv4-unicast network 172.16.0.0/16',
      ]),
    );
    expect(lines('intranet-2', 101)).toContain(`${hop(101)} metric '2'`);
    expect(lines('intranet', 100).join('\n')).not.toContain('protocols static');
    // A site without an entry keeps its static route.
    expect(lines('osaka', 100)).toContain(
      'set protocols static route 172.16.0.0/16 interface vti100',
    );
  });

  it("the site's script: the backup peer named apart, the aggregates as failover next hops", () => {
    const script = (name: string, vti: number) => {
      const req = request(name, vti);
      return renderRemoteVyos(ipsecPeerSpec(req, inventory), siteSide(req, inventory));
    };
    const backup = script('intranet-2', 101);
    expect(backup).toContain(
      "set vpn ipsec site-to-site peer hub-tokyo-a-backup local-address '198.51.100.71'",
    );
    expect(backup).toMatch(
      /failover route 10\.0\.0\.0\/8 next-hop 169\.254\.101\.1 check target '169\.254\.101\.1'/,
    );
    expect(backup).toContain("next-hop 169.254.101.1 metric '2'");
    expect(script('intranet', 100)).toContain('set vpn ipsec site-to-site peer hub-tokyo-a ');
    expect(script('intranet', 100)).toContain("next-hop 169.254.100.1 metric '1'");
  });

  it('the two peers may share the subnets; removing one leaves the other its next hop', () => {
    const hub = readHubConfig(
      parseConfigCommands(
        [
          "set interfaces vti vti100 address '169.254.100.1/30'",
          "set interfaces vti vti101 address '169.254.101.1/30'",
          "set vpn ipsec site-to-site peer intranet remote-address '198.51.100.70'",
          "set vpn ipsec site-to-site peer intranet vti bind 'vti100'",
          "set vpn ipsec site-to-site peer intranet-2 remote-address '198.51.100.71'",
          "set vpn ipsec site-to-site peer intranet-2 vti bind 'vti101'",
          ...lines('intranet', 100),
          ...lines('intranet-2', 101),
        ].join('\n'),
      ),
    );
    const params = {
      kind: 'ipsec' as const,
      router: 'hub-tokyo-a',
      remote: '198.51.100.9',
      subnets: ['172.16.0.0/16'],
      mode: 'route' as const,
    };
    expect(() => checkPeerIsNew(hub, 'hub-tokyo-a', 'other', params, 'r-1')).toThrow(
      /overlaps 172\.16\.0\.0\/16 of peer intranet/,
    );
    expect(() =>
      checkPeerIsNew(hub, 'hub-tokyo-a', 'intranet-2', params, 'r-1', 'intranet'),
    ).toThrow(/already has a peer named intranet-2/);
    const removeBackup = renderSitePeerRemoval('intranet-2', hub).map(renderConfigLine);
    expect(removeBackup).toContain(
      'delete protocols failover route 172.16.0.0/16 next-hop 169.254.101.2',
    );
    expect(removeBackup.join('\n')).not.toContain('network');
    const alone = readHubConfig(
      parseConfigCommands(
        [
          "set interfaces vti vti100 address '169.254.100.1/30'",
          "set vpn ipsec site-to-site peer intranet vti bind 'vti100'",
          ...lines('intranet', 100),
        ].join('\n'),
      ),
    );
    expect(renderSitePeerRemoval('intranet', alone).map(renderConfigLine)).toEqual(
      expect.arrayContaining([
        'delete protocols failover route 172.16.0.0/16',
        'delete protocols bgp address-family ipv4-unicast network 172.16.0.0/16',
      ]),
    );
  });

  it('refuses a backup beside a partner that still has plain static routes', () => {
    const hub = readHubConfig(
      parseConfigCommands(
        [
          "set vpn ipsec site-to-site peer intranet vti bind 'vti100'",
          'set protocols static route 172.16.0.0/16 interface vti100',
        ].join('\n'),
      ),
    );
    expect(() =>
      checkPartnerRoutes(hub, siteTunnelRole(inventory, 'intranet-2'), 'hub-tokyo-a', [
        '172.16.0.0/16',
      ]),
    ).toThrow(/intranet reaches 172\.16\.0\.0\/16 on hub-tokyo-a by a static route/);
  });
});

describe('decideTunnel', () => {
  const site = {
    site: 'intranet',
    primary: 'intranet',
    backup: 'intranet-2',
    target: '172.16.0.1',
  };
  const read = (state: TunnelReading['state'], detail?: string): TunnelReading => ({
    ...site,
    router: 'hub-tokyo-a',
    state,
    ...(detail ? { detail } : {}),
  });

  it('alerts on the switch, each change and the switch-back; nothing while it stays', () => {
    let t = decideTunnel(undefined, read('primary'), 1000);
    expect(t).toMatchObject({ changed: false, watch: { state: 'primary' } });
    t = decideTunnel(t.watch, read('primary'), 2000);
    expect(t.changed).toBe(false);
    t = decideTunnel(t.watch, read('backup', '172.16.0.0/16 via 169.254.101.2, vti101'), 3000);
    expect(t.changed).toBe(true);
    expect(t.watch?.incident?.timeline).toEqual([
      {
        at: 3000,
        what: 'detected',
        text:
          'intranet switched to its backup tunnel intranet-2 (172.16.0.0/16 via 169.254.101.2, ' +
          'vti101) on hub-tokyo-a: 172.16.0.1 does not answer across intranet',
      },
    ]);
    const id = t.watch?.incident?.id;
    expect(decideTunnel(t.watch, read('backup'), 4000).changed).toBe(false);
    // A reading that failed changes nothing.
    expect(decideTunnel(t.watch, { ...site, error: 'timeout' }, 4500).changed).toBe(false);
    t = decideTunnel(t.watch, read('down'), 5000);
    expect(t.watch?.incident?.timeline.at(-1)?.what).toBe('failed');
    t = decideTunnel(t.watch, read('backup'), 6000);
    expect(t.watch?.incident?.timeline.at(-1)?.text).toMatch(/reachable again over its backup/);
    t = decideTunnel(t.watch, read('primary', 'via 169.254.100.2, vti100'), 7000);
    expect(t.changed).toBe(true);
    expect(t.watch?.incident).toMatchObject({ id, resolvedAt: 7000 });
    expect(t.watch?.incident?.timeline.map((e) => e.what)).toEqual([
      'detected',
      'failed',
      'detected',
      'resolved',
    ]);
    // The next switch is a new incident.
    const again = decideTunnel(t.watch, read('backup'), 8000);
    expect(again.watch?.incident?.id).not.toBe(id);
    expect(again.watch?.incident?.timeline).toHaveLength(1);
  });

  it('first seen on the backup: an incident at once', () => {
    const t = decideTunnel(undefined, read('backup'), 1000);
    expect(t).toMatchObject({ changed: true, watch: { state: 'backup' } });
    expect(t.watch?.incident?.router).toBe('intranet');
  });
});
