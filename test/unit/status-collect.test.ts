import { describe, expect, it } from 'vitest';
import { collectStatus, statusScope } from '../../jobs/status.js';
import type { StatusRouterClient } from '../../src/status/status-ports.js';
import type { VpnConnection } from '../../src/aws/types.js';
import type { ReachCloud } from '../../src/reach/reach-ports.js';
import type { ReachState } from '../../src/reach/reach-state.js';
import { ConfigTree } from '../../src/sim/vyos/config-tree.js';
import { createDefaultLiveState, type RouterLiveState } from '../../src/sim/vyos/live-state.js';
import { showBgpSummary } from '../../src/sim/vyos/show-bgp-summary.js';
import { showIpsecSa } from '../../src/sim/vyos/show-ipsec-sa.js';
import { showWireguardSummary } from '../../src/sim/vyos/show-wireguard-summary.js';
import { generateWireguardKeyPair } from '../../src/sim/vyos/wireguard-keys.js';
import { parseBgpSummary } from '../../src/vyos/parse-bgp-summary.js';
import { parseConfigCommands } from '../../src/vyos/parse-config-commands.js';
import { parseIpsecSa } from '../../src/vyos/parse-ipsec-sa.js';
import { parseWireguardSummary } from '../../src/vyos/parse-wireguard-summary.js';
import { theReferenceFleet } from '../support/inventory-builder.js';

const inventory = theReferenceFleet().withTimeouts({ statusPerRouterMs: 200 }).build();

function healthyRouter(load5 = 0.1): StatusRouterClient {
  return {
    runningConfig: async () =>
      parseConfigCommands("set vpn ipsec site-to-site peer hub vti bind 'vti10'"),
    ipsecReport: async () => ({
      processRunning: true,
      sas: [
        {
          connection: 'hub-vti',
          peer: 'hub',
          tunnel: 'vti',
          state: 'up',
          bytesIn: 0,
          bytesOut: 0,
          uptimeSeconds: 3700,
          remoteAddress: '203.0.113.10',
        },
      ],
    }),
    bgpSummary: async () => ({
      neighbors: [
        {
          address: '169.254.1.1',
          remoteAs: 65000,
          upDown: '01:00:00',
          state: 'Established',
          prefixesReceived: 3,
        },
      ],
    }),
    wireguard: async () => ({
      interface: 'wg0',
      peers: [{ publicKey: 'k', allowedIps: ['10.250.0.2/32'], bytesReceived: 0, bytesSent: 0 }],
    }),
    loadAverage: async () => ({ load1: load5, load5, load15: load5 }),
    ipRoutes: async () => [],
  };
}

describe('status collection', () => {
  it('scopes to a region, a router or everything, and names the choices for a typo', () => {
    expect(statusScope(inventory, '*').routers).toHaveLength(7);
    expect(statusScope(inventory, 'ap-northeast-1').routers).toEqual([
      'hub-tokyo-a',
      'hub-tokyo-b',
    ]);
    expect(statusScope(inventory, 'spoke-oregon')).toEqual({
      routers: ['spoke-oregon'],
      regions: ['us-west-2'],
    });
    expect(() => statusScope(inventory, 'spoke-mars')).toThrow(/neither a region nor a router/);
  });

  it(
    'reports a hanging router and a failing region ' +
      'as problems, first, without waiting for them',
    async () => {
      const report = await collectStatus(
        {
          inventory,
          routers: {
            router: (name) => {
              if (name === 'spoke-oregon')
                return { ...healthyRouter(), ipsecReport: () => new Promise(() => {}) };
              if (name === 'spoke-ireland')
                return {
                  ...healthyRouter(),
                  ipsecReport: async () => {
                    throw new Error('connect ECONNREFUSED');
                  },
                };
              return healthyRouter(name === 'spoke-virginia' ? 2.5 : 0.1);
            },
          },
          cloud: {
            describeVpnConnections: async (region) => {
              if (region === 'sa-east-1') throw new Error('RequestLimitExceeded');
              if (region === 'ap-northeast-1')
                return [
                  {
                    id: 'vpn-1',
                    state: 'available',
                    tunnels: [
                      { outsideIp: '52.1.2.3', status: 'UP' },
                      { outsideIp: '52.1.2.4', status: 'DOWN', statusMessage: 'IPSEC IS DOWN' },
                    ],
                  },
                ];
              return [];
            },
          },
        },
        '*',
      );
      expect(report.routers).toHaveLength(7);
      const oregon = report.routers.find((r) => r.router === 'spoke-oregon');
      expect(oregon).toMatchObject({ reachable: false });
      expect(oregon?.error).toContain('did not answer within 0.2 s');
      expect(report.routers.find((r) => r.router === 'spoke-ireland')?.error).toContain(
        'ECONNREFUSED',
      );
      const texts = report.problems.map((p) => `${p.where}: ${p.text}`);
      expect(report.problems.slice(0, 3).every((p) => p.severity === 'down')).toBe(true);
      expect(texts.filter((t) => t.includes('unreachable')).sort()).toEqual([
        expect.stringMatching(/^spoke-ireland: unreachable: .*ECONNREFUSED/),
        expect.stringMatching(/^spoke-oregon: unreachable: spoke-oregon did not answer/),
      ]);
      expect(texts).toContain('ap-northeast-1: 1 AWS VPN tunnel down: vpn-1 tunnel 2');
      expect(texts.some((t) => t.startsWith('spoke-virginia: 5-minute load 2.50'))).toBe(true);
      expect(texts.some((t) => t.startsWith('sa-east-1: AWS VPN telemetry failed'))).toBe(true);
      // Idle developer laptops and the standby's idle tunnels are not outages.
      expect(texts.some((t) => t.includes('hub-tokyo-b'))).toBe(false);
      expect(texts.some((t) => t.includes('10.250.0.2'))).toBe(false);
    },
  );

  it(
    'reports configured peers without an SA row, WireGuard ' +
      'without handshake and BGP not Established as down',
    async () => {
      // What a real VyOS prints, through the emulator and the real parsers: the `office` peer is
      // down, so `show vpn ipsec sa` has no row for it at all.
      const laptop = generateWireguardKeyPair();
      const tree = ConfigTree.fromSetLines([
        `set interfaces wireguard wg0 private-key '${generateWireguardKeyPair().privateKey}'`,
        `set interfaces wireguard wg0 peer carol public-key '${laptop.publicKey}'`,
        "set interfaces wireguard wg0 peer carol allowed-ips '10.250.0.9/32'",
        "set vpn ipsec site-to-site peer office remote-address '198.51.100.20'",
        "set vpn ipsec site-to-site peer office tunnel 0 local prefix '10.0.0.0/16'",
        "set vpn ipsec site-to-site peer hub remote-address '198.51.100.30'",
        "set vpn ipsec site-to-site peer hub vti bind 'vti10'",
        "set protocols bgp system-as '65010'",
        "set protocols bgp neighbor 169.254.1.1 remote-as '65000'",
        'set protocols bgp neighbor 169.254.1.1 address-family ipv4-unicast',
        "set protocols bgp neighbor 169.254.2.1 remote-as '65000'",
        'set protocols bgp neighbor 169.254.2.1 address-family ipv4-unicast',
      ]);
      const live: RouterLiveState = {
        ...createDefaultLiveState(),
        ipsecSa: (peer) => (peer === 'office' ? { up: false } : { up: true, uptimeSeconds: 90 }),
        bgpNeighbor: (address) =>
          address === '169.254.2.1' ? { state: 'Connect' } : { state: 'Established' },
      };
      const router: StatusRouterClient = {
        runningConfig: async () => parseConfigCommands(tree.toSetLines().join('\n')),
        ipsecReport: async () => parseIpsecSa(showIpsecSa(tree, live).join('\n')),
        bgpSummary: async () => parseBgpSummary(showBgpSummary(tree, live, '1.4').join('\n')),
        wireguard: async () =>
          parseWireguardSummary(showWireguardSummary(tree, 'wg0', live, '1.4').join('\n'), 'wg0'),
        loadAverage: async () => ({ load1: 0, load5: 0, load15: 0 }),
        ipRoutes: async () => [],
      };
      const report = await collectStatus(
        {
          inventory,
          routers: { router: () => router },
          cloud: { describeVpnConnections: async () => [] },
        },
        'hub-tokyo-a',
      );
      const tunnels = report.routers[0]?.tunnels ?? [];
      expect(tunnels.find((t) => t.name === 'office-tunnel-0')).toMatchObject({
        kind: 'ipsec',
        state: 'down',
        remote: '198.51.100.20',
        detail: 'no SA',
      });
      expect(tunnels.find((t) => t.name === 'hub-vti')).toMatchObject({ state: 'up' });
      expect(tunnels.find((t) => t.kind === 'bgp' && t.state === 'down')?.detail).toBe('Connect');
      expect(tunnels.find((t) => t.kind === 'wireguard')).toMatchObject({
        state: 'down',
        detail: 'no handshake yet',
      });
      const texts = report.problems.map((p) => `${p.where}: ${p.text}`);
      expect(texts).toContain('hub-tokyo-a: 1 tunnel down: office-tunnel-0');
      expect(texts).toContain('hub-tokyo-a: BGP not established with BGP 169.254.2.1');
    },
  );

  it('asks EC2 once a region for the VPN connections both the report and reach use', async () => {
    const asked: string[] = [];
    const connection: VpnConnection = {
      id: 'vpn-1',
      state: 'available',
      vpnGatewayId: 'vgw-1',
      customerGatewayId: 'cgw-1',
      staticRoutesOnly: false,
      tunnels: [{ outsideIp: '52.0.0.1', status: 'UP', statusMessage: '' }],
      tags: {},
    };
    const cloud: ReachCloud = {
      findRouterInstances: async () => [],
      describeRouteTables: async () => [],
      describeVpcs: async () => [],
      describeVpnGateways: async (region) =>
        region === 'ap-northeast-1'
          ? [{ id: 'vgw-1', state: 'available', vpcIds: ['vpc-1'], tags: {} }]
          : [],
      describeVpnConnections: async (region) => {
        asked.push(region);
        return region === 'ap-northeast-1' ? [connection] : [];
      },
    };
    let judged: ReachState | undefined;
    const report = await collectStatus(
      { inventory, routers: { router: () => healthyRouter() }, cloud },
      '*',
      Date.now(),
      cloud,
      (state) => {
        judged = state;
        return { networks: 0, total: 0, broken: 0, hops: [] };
      },
    );
    expect([...asked].sort()).toEqual(Object.keys(inventory.regions).sort());
    expect(report.regions.find((r) => r.region === 'ap-northeast-1')?.tunnels).toMatchObject([
      { kind: 'vgw', state: 'up', remote: '52.0.0.1' },
    ]);
    expect(judged?.vgws[0]?.connections).toEqual([connection]);
  });
});
