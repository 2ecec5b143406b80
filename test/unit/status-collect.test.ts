import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collectStatus, statusScope } from '../../jobs/status.js';
import { parseInventory } from '../../src/config/load-inventory.js';
import type { StatusRouterClient } from '../../src/status/status-ports.js';

const inventory = (() => {
  const inv = parseInventory(
    readFileSync('examples/flatnet.yml', 'utf8'),
    'examples/flatnet.yml',
    null,
  );
  return { ...inv, timeouts: { ...inv.timeouts, statusPerRouterMs: 200 } };
})();

function healthyRouter(load5 = 0.1): StatusRouterClient {
  return {
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

  it('reports a hanging router and a failing region as problems, first, without waiting for them', async () => {
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
  });
});
