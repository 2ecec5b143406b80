import { describe, expect, it } from 'vitest';
import {
  checkTunnel,
  type OracleContext,
  type OracleRouter,
} from '../../src/sim/world/check-tunnel.js';
import { readRouterConfig } from '../../src/sim/world/read-router-config.js';
import { buildReferenceTopology } from '../../src/sim/world/reference-topology.js';
import { renderRouterConfig } from '../../src/sim/world/render-router-config.js';

const topology = buildReferenceTopology({
  botPublicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBotKeyForTests000000000000000000000000000',
});
const aws = { vgwOutsideIps: [['198.51.100.201', '198.51.100.202']] };

function router(
  name: string,
  instanceId: string,
  privateIp: string,
  edit: (lines: string[]) => string[] = (l) => l,
): OracleRouter {
  return {
    instanceId,
    name,
    privateIp,
    up: true,
    config: readRouterConfig(edit(renderRouterConfig(topology, name, aws))),
    forcedDown: new Set(),
  };
}

function world(routers: OracleRouter[], eips: Record<string, string | null>): OracleContext {
  const byId = new Map(routers.map((r) => [r.instanceId, r]));
  return {
    router: (id) => byId.get(id),
    elasticIpHolder: (ip) => eips[ip],
    publicIpOf: (id) => Object.entries(eips).find(([, holder]) => holder === id)?.[0],
    vpnTunnel: (ip) =>
      ip === '198.51.100.201'
        ? {
            vpnConnectionId: 'vpn-1',
            tunnelIndex: 0,
            available: true,
            preSharedKey: topology.vpnConnections[0]!.tunnels[0]!.preSharedKey,
            customerGatewayIp: '203.0.113.10',
          }
        : undefined,
    office: topology.office,
  };
}

const peer = (r: OracleRouter, name: string) => r.config.peers.get(name)!;

describe('tunnel oracle', () => {
  const hub = router('hub-tokyo-a', 'i-a', '10.0.1.10');
  const spoke = router('spoke-virginia', 'i-v', '10.10.1.10');
  const eips = { '203.0.113.10': 'i-a', '198.51.100.7': 'i-v' };

  it('brings hub↔spoke, office and AWS tunnels up when everything matches', () => {
    const ctx = world([hub, spoke], eips);
    expect(checkTunnel(ctx, hub, peer(hub, 'spoke-virginia'))).toMatchObject({
      ok: true,
      far: { kind: 'router', instanceId: 'i-v', peer: 'hub' },
    });
    expect(checkTunnel(ctx, spoke, peer(spoke, 'hub'))).toMatchObject({
      ok: true,
      far: { kind: 'router', instanceId: 'i-a' },
    });
    expect(checkTunnel(ctx, hub, peer(hub, 'office'))).toMatchObject({
      ok: true,
      far: { kind: 'office' },
    });
    expect(checkTunnel(ctx, hub, peer(hub, 'aws-shared-services-1'))).toMatchObject({
      ok: true,
      far: { kind: 'vpn', tunnelIndex: 0 },
    });
  });

  it('keeps the tunnel down when the far side does not hold its Elastic IP or is stopped', () => {
    expect(
      checkTunnel(
        world([hub, spoke], { ...eips, '198.51.100.7': null }),
        hub,
        peer(hub, 'spoke-virginia'),
      ).ok,
    ).toBe(false);
    const stopped = { ...spoke, up: false };
    expect(
      checkTunnel(world([hub, stopped], eips), hub, peer(hub, 'spoke-virginia')).reason,
    ).toMatch(/not running/);
  });

  it('catches a copied configuration that kept the old private address', () => {
    const copy = router('hub-tokyo-a', 'i-a2', '10.0.1.20');
    const verdict = checkTunnel(
      world([copy, spoke], { ...eips, '203.0.113.10': 'i-a2' }),
      copy,
      peer(copy, 'spoke-virginia'),
    );
    expect(verdict).toMatchObject({ ok: false });
    expect(verdict.reason).toMatch(/local-address 10\.0\.1\.10/);
  });

  it('keeps a tunnel down on a pre-shared key mismatch, without naming the key', () => {
    const psk = topology.spokePsks['spoke-virginia']!;
    const wrong = router('spoke-virginia', 'i-v', '10.10.1.10', (lines) =>
      lines.map((l) => l.replace(psk, 'SomethingElse123')),
    );
    const verdict = checkTunnel(world([hub, wrong], eips), hub, peer(hub, 'spoke-virginia'));
    expect(verdict.ok).toBe(false);
    expect(verdict.reason).toMatch(/pre-shared key differs/);
    expect(verdict.reason).not.toContain(psk);
  });

  it('keeps the office down when the hub answers from another address', () => {
    const b = router('hub-tokyo-b', 'i-b', '10.0.1.11');
    const verdict = checkTunnel(world([b], { '203.0.113.99': 'i-b' }), b, peer(b, 'office'));
    expect(verdict.reason).toMatch(/expects the hub at 203\.0\.113\.10/);
  });
});
