/**
 * Onboarding keeps the hub's warm standby in step: every peer added to hub-tokyo-a lands on
 * hub-tokyo-b in the same run (its own local-address, the same key), remove-peer takes it off
 * both, and so `/router failover hub-tokyo-a` right after an onboarding passes its plan check
 * and brings the new tunnel up on the standby. A standby that is down is left behind, loudly.
 * The real bot (HTTP mode, in-process workers), the simulated world, real Redis.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateWireguardKeyPair } from '../../src/onboarding/generate-secrets.js';
import type { Run } from '../../src/runbook/types.js';
import { set } from '../../src/vyos/config-line.js';
import { waitFor } from '../helpers/wait-for.js';
import { CHANNEL, startOnboardingStack, type OnboardingStack } from './onboarding-stack.js';
import { leaseFreed, pairState, PRIMARY, STANDBY } from './failover-harness.js';

let stack: OnboardingStack;
beforeEach(async () => {
  stack = await startOnboardingStack();
  // Production polls the tunnels every second; the simulator's come up in 100 ms.
  stack.bot.runtime.deps.scale.tunnelWait = { timeoutMs: 5_000, pollMs: 20 };
});
afterEach(async () => {
  await stack?.close();
});

const linesOf = (router: string) =>
  stack.world.router(router).handle.router.activeLines().join('\n');
const privateIpOf = (router: string) =>
  stack.world.state.getInstance(stack.world.router(router).instanceId)!.privateIp;
const FINAL: Run['status'][] = [
  'succeeded',
  'failed',
  'rolled-back',
  'rejected',
  'expired',
  'cancelled',
];

/** A `/vpn` command as Alice, approved by Bob when the policy asks (remove-peer does). */
async function vpn(text: string): Promise<Run> {
  const { runId, reply } = await stack.vpn('U0ALICE', text);
  expect(runId, reply).toBeDefined();
  const settled = await stack.waitForRun(runId!, ['awaiting-approval', ...FINAL]);
  if (settled.status !== 'awaiting-approval') return settled;
  expect((await stack.bot.runtime.engine.decide(runId!, 'U0BOB', 'approve')).ok).toBe(true);
  return stack.waitForRun(runId!);
}

/** `/router failover hub-tokyo-a`, approved by a second person once planned. */
async function failover(): Promise<Run> {
  const reply = await stack.slack.slashCommand({
    user: 'U0ALICE',
    channel: CHANNEL,
    command: '/router',
    text: `failover ${PRIMARY}`,
  });
  const runId = /Started (r-[a-z0-9]{6})/.exec(JSON.stringify(reply.json ?? reply.body))?.[1];
  expect(runId, JSON.stringify(reply.json ?? reply.body)).toBeDefined();
  const planned = await stack.waitForRun(runId!, ['awaiting-approval', ...FINAL]);
  if (planned.status !== 'awaiting-approval') return planned;
  expect((await stack.bot.runtime.engine.decide(runId!, 'U0BOB', 'approve')).ok).toBe(true);
  return stack.waitForRun(runId!);
}

describe('onboarding changes reach the standby', () => {
  it(
    'add-peer ipsec: both hubs carry office2 with their own local-address and the ' +
      'same key; a failover passes its plan and brings office2 up on the standby',
    async () => {
      const run = await vpn(
        'add-peer office2 ipsec --remote 198.51.100.80 --subnets 172.22.0.0/16',
      );
      expect(run.status, run.outcome).toBe('succeeded');
      expect(run.steps.map((s) => s.id)).toEqual([
        'check',
        'plan-default-role',
        'reserve',
        'configure',
        'configure-standby',
        'join-default-role',
        'route-hub-vpc',
        'deliver',
      ]);
      expect(run.outcome).toContain(`added on ${PRIMARY}, and on its standby ${STANDBY}`);
      expect(run.outcome).not.toContain('WARNING');

      const primary = linesOf(PRIMARY);
      const standby = linesOf(STANDBY);
      expect(primary).toContain(
        `set vpn ipsec site-to-site peer office2 local-address '${privateIpOf(PRIMARY)}'`,
      );
      expect(standby).toContain(
        `set vpn ipsec site-to-site peer office2 local-address '${privateIpOf(STANDBY)}'`,
      );
      expect(privateIpOf(PRIMARY)).not.toBe(privateIpOf(STANDBY));
      for (const text of [primary, standby]) {
        expect(text).toContain(
          "set vpn ipsec site-to-site peer office2 remote-address '198.51.100.80'",
        );
        // The local id is the Elastic IP, which the standby takes over on failover.
        expect(text).toContain(
          "set vpn ipsec site-to-site peer office2 authentication local-id '203.0.113.10'",
        );
        expect(text).toContain("set vpn ipsec site-to-site peer office2 vti bind 'vti100'");
        expect(text).toContain('set protocols static route 172.22.0.0/16 interface vti100');
      }
      const psk = (text: string) => /authentication psk office2 secret '([^']+)'/.exec(text)?.[1];
      expect(psk(standby)).toBeDefined();
      expect(psk(standby)).toBe(psk(primary));
      // Saved on the standby, not only committed.
      expect(stack.world.router(STANDBY).handle.router.savedLines().join('\n')).toContain(
        'peer office2 remote-address',
      );
      expect(JSON.stringify(run)).not.toContain(psk(primary)!);

      await leaseFreed(stack.bot.runtime.engine);
      const over = await failover();
      expect(over.status, over.outcome ?? over.error).toBe('succeeded');
      expect(pairState(stack.world).eipHolder).toBe(
        pairState(stack.world).standby.networkInterfaceId,
      );
      const sas = (await stack.bot.runtime.deps.routers.router(STANDBY).ipsecReport()).sas;
      expect(sas.find((sa) => sa.peer === 'office2')?.state).toBe('up');
    },
  );

  it(
    'add-peer wireguard puts the peer on both hubs; ' +
      'remove-peer takes it off both and frees the address',
    async () => {
      const { publicKey } = generateWireguardKeyPair();
      const run = await vpn(`add-peer dev-dana wireguard --pubkey ${publicKey}`);
      expect(run.status, run.outcome).toBe('succeeded');
      const address = run.steps.find((s) => s.id === 'reserve')?.result as { address: string };
      for (const router of [PRIMARY, STANDBY]) {
        expect(linesOf(router)).toContain(
          `set interfaces wireguard wg0 peer dev-dana public-key '${publicKey}'`,
        );
        expect(linesOf(router)).toContain(
          `set interfaces wireguard wg0 peer dev-dana allowed-ips '${address.address}/32'`,
        );
      }

      await leaseFreed(stack.bot.runtime.engine);
      const removed = await vpn('remove-peer dev-dana');
      expect(removed.status, removed.outcome).toBe('succeeded');
      expect(removed.outcome).toContain(
        `dev-dana removed from ${PRIMARY} and its standby ${STANDBY}`,
      );
      for (const router of [PRIMARY, STANDBY]) expect(linesOf(router)).not.toContain('dev-dana');
      expect(removed.outcome).toContain(`${address.address} back in 10.250.0.0/24`);
    },
  );

  it(
    'add-peer ipsec --bgp: both hubs filter the site to its declared ' +
      'subnets with a prefix limit; remove-peer takes the filter off both',
    async () => {
      const run = await vpn(
        'add-peer kyoto ipsec --remote 198.51.100.81 ' +
          '--subnets 172.23.0.0/16,172.24.1.0/24 --bgp 65123',
      );
      expect(run.status, run.outcome).toBe('succeeded');
      for (const router of [PRIMARY, STANDBY]) {
        const text = linesOf(router);
        const neighbor = /set protocols bgp neighbor (\S+) remote-as '65123'/.exec(text)?.[1];
        expect(neighbor, router).toBeDefined();
        expect(text).toContain(
          `set protocols bgp neighbor ${neighbor} address-family ` +
            `ipv4-unicast prefix-list import 'SITE-kyoto-IN'`,
        );
        expect(text).toContain(
          `set protocols bgp neighbor ${neighbor} address-family ipv4-unicast maximum-prefix '2'`,
        );
        expect(text).toContain(
          "set policy prefix-list SITE-kyoto-IN rule 10 prefix '172.23.0.0/16'",
        );
        expect(text).toContain(
          "set policy prefix-list SITE-kyoto-IN rule 20 prefix '172.24.1.0/24'",
        );
        expect(text.match(/prefix-list SITE-kyoto-IN rule \d+ action 'permit'/g)).toHaveLength(2);
      }

      await leaseFreed(stack.bot.runtime.engine);
      const removed = await vpn('remove-peer kyoto');
      expect(removed.status, removed.outcome).toBe('succeeded');
      for (const router of [PRIMARY, STANDBY]) {
        expect(linesOf(router)).not.toMatch(/kyoto|65123/);
        expect(stack.world.router(router).handle.router.savedLines().join('\n')).not.toContain(
          'SITE-kyoto-IN',
        );
      }
    },
  );

  it(
    'a powered-off standby: the peer is added on the primary, the summary warns and ' +
      'names the fix, and the failover plan refuses naming it; remove-peer later clears it',
    async () => {
      stack.world.setRouterDown(STANDBY, true, 'power');
      const run = await vpn(
        'add-peer office3 ipsec --remote 198.51.100.81 --subnets 172.23.0.0/16',
      );
      expect(run.status, run.outcome).toBe('succeeded');
      expect(run.outcome).toContain(
        `WARNING: the standby ${STANDBY} was not updated (${STANDBY} does not answer over SSH`,
      );
      expect(run.outcome).toContain('a failover would drop office3 until you');
      expect(run.outcome).toContain('show configuration commands | match office3');
      const notes = (await stack.bot.runtime.engine.store.readEvents(run.id))
        .map((e) => e.event.text ?? '')
        .join('\n');
      expect(notes).toContain(`office3 is on ${PRIMARY} but NOT on its standby ${STANDBY}`);
      expect(linesOf(PRIMARY)).toContain('peer office3 remote-address');
      stack.world.setRouterDown(STANDBY, false, 'power');
      expect(linesOf(STANDBY)).not.toContain('office3');

      // Never silent: the failover refuses while the standby lacks office3.
      await leaseFreed(stack.bot.runtime.engine);
      const refused = await failover();
      expect(refused.status).toBe('failed');
      expect(refused.outcome).toContain(`${STANDBY} lacks the site-to-site peer office3`);

      await leaseFreed(stack.bot.runtime.engine);
      const removed = await vpn('remove-peer office3');
      expect(removed.status, removed.outcome).toBe('succeeded');
      expect(linesOf(PRIMARY)).not.toContain('office3');
    },
  );

  it(
    'a stopped standby: the WireGuard peer is added on the ' +
      'primary and the summary says the standby is stopped',
    async () => {
      stack.world.setRouterDown(STANDBY, true, 'instance');
      const { publicKey } = generateWireguardKeyPair();
      const run = await vpn(`add-peer dev-erin wireguard --pubkey ${publicKey}`);
      expect(run.status, run.outcome).toBe('succeeded');
      expect(run.outcome).toMatch(
        new RegExp(
          `WARNING: the standby ${STANDBY} was not updated \\(${STANDBY} ` +
            '\\(i-\\w+\\) is (stopping|stopped)\\): a failover would drop dev-erin',
        ),
      );
      expect(linesOf(PRIMARY)).toContain('peer dev-erin public-key');
    },
  );
});

describe('a standby that has drifted', () => {
  it(
    'refuses in the plan when the standby already ' +
      'has a peer of that name, and changes neither hub',
    async () => {
      // Added by hand on the standby only: a WireGuard peer that took the name.
      const peer = ['interfaces', 'wireguard', 'wg0', 'peer', 'office5'];
      await stack.bot.runtime.deps.routers
        .router(STANDBY)
        .applyConfig([
          set([...peer, 'public-key'], generateWireguardKeyPair().publicKey),
          set([...peer, 'allowed-ips'], '10.250.0.200/32'),
        ]);
      const before = linesOf(PRIMARY);
      const run = await vpn(
        'add-peer office5 ipsec --remote 198.51.100.91 --subnets 172.25.0.0/16',
      );
      expect(run.status).toBe('failed');
      expect(run.outcome).toContain(`${STANDBY} already has a peer named office5`);
      expect(run.steps.find((s) => s.id === 'configure')?.status).toBe('pending');
      expect(linesOf(PRIMARY)).toBe(before);
    },
  );
});

describe('dry runs', () => {
  it(
    'add-peer ipsec --dry-run says the standby ' + 'would get the peer, and changes neither hub',
    async () => {
      const before = [linesOf(PRIMARY), linesOf(STANDBY)];
      const run = await vpn(
        'add-peer office4 ipsec --remote 198.51.100.82 --subnets 172.24.0.0/16 --dry-run',
      );
      expect(run.status, run.outcome ?? run.error).toBe('succeeded');
      expect(run.steps.find((s) => s.id === 'configure-standby')?.detail).toBe(
        `dry run: the same peer on the standby ${STANDBY}, bound to ${privateIpOf(STANDBY)}`,
      );
      expect([linesOf(PRIMARY), linesOf(STANDBY)]).toEqual(before);
    },
  );
});

describe('attach-vpc reaches the standby', () => {
  it(
    'both hubs carry the two VGW tunnels with their own ' +
      'local-address; after a failover AWS reports both tunnels UP again',
    async () => {
      const vpc = stack.world.topology.vpcs.find((v) => v.name === 'analytics')!;
      const run = await vpn(`attach-vpc ${vpc.id} --region ap-northeast-1`);
      expect(run.status, run.outcome ?? run.error).toBe('succeeded');
      expect(run.steps.map((s) => s.id)).toContain('configure-standby');
      expect(run.outcome).toContain(`The standby ${STANDBY} carries the same tunnels.`);
      const conn = [...stack.world.state.vpnConnections.values()].find(
        (c) => vpc.reach.kind === 'vgw' && c.vpnGatewayId === vpc.reach.vgwId,
      )!;
      for (const [router, ip] of [
        [PRIMARY, privateIpOf(PRIMARY)],
        [STANDBY, privateIpOf(STANDBY)],
      ] as const) {
        const text = linesOf(router);
        for (const [i, tunnel] of conn.tunnels.entries()) {
          expect(text).toContain(
            `set vpn ipsec site-to-site peer aws-analytics-tun${i + 1} ` +
              `remote-address '${tunnel.outsideIp}'`,
          );
          expect(text).toContain(
            `set vpn ipsec site-to-site peer aws-analytics-tun${i + 1} local-address '${ip}'`,
          );
        }
      }

      await leaseFreed(stack.bot.runtime.engine);
      const over = await failover();
      expect(over.status, over.outcome ?? over.error).toBe('succeeded');
      expect(pairState(stack.world).eipHolder).toBe(
        pairState(stack.world).standby.networkInterfaceId,
      );
      const cloud = stack.bot.runtime.deps.cloud;
      const statuses = await waitFor(async () => {
        const seen = (await cloud.describeVpnConnections('ap-northeast-1'))
          .find((c) => c.id === conn.vpnConnectionId)
          ?.tunnels.map((t) => t.status);
        return seen?.every((s) => s === 'UP') ? seen : undefined;
      }, 'the VGW tunnels UP after the failover');
      expect(statuses).toEqual(['UP', 'UP']);
      const sas = (await stack.bot.runtime.deps.routers.router(STANDBY).ipsecReport()).sas;
      expect(
        sas.filter((sa) => sa.peer.startsWith('aws-analytics-tun') && sa.state === 'up'),
      ).toHaveLength(2);
    },
  );
});

describe('attach-vpc with the standby down', () => {
  it(
    'attaches the hub, warns that the standby was not updated; a ' +
      're-run once it answers adds the tunnels to the standby only',
    async () => {
      const vpc = stack.world.topology.vpcs.find((v) => v.name === 'analytics')!;
      stack.world.setRouterDown(STANDBY, true, 'power');
      const run = await vpn(`attach-vpc ${vpc.id} --region ap-northeast-1`);
      expect(run.status, run.outcome ?? run.error).toBe('succeeded');
      expect(run.outcome).toContain(
        `WARNING: the standby ${STANDBY} was not updated (${STANDBY} does not answer over SSH`,
      );
      expect(run.outcome).toContain(
        'a failover would drop analytics until you run /vpn ' +
          `attach-vpc ${vpc.id} --region ap-northeast-1 again`,
      );
      expect(linesOf(PRIMARY)).toContain('peer aws-analytics-tun1 remote-address');
      stack.world.setRouterDown(STANDBY, false, 'power');
      expect(linesOf(STANDBY)).not.toContain('aws-analytics-tun1');

      await leaseFreed(stack.bot.runtime.engine);
      const primaryBefore = linesOf(PRIMARY);
      const again = await vpn(`attach-vpc ${vpc.id} --region ap-northeast-1`);
      expect(again.status, again.outcome ?? again.error).toBe('succeeded');
      expect(again.outcome).toContain('nothing changed on the hub');
      expect(again.outcome).toContain(`The standby ${STANDBY} carries the same tunnels.`);
      expect(linesOf(PRIMARY)).toBe(primaryBefore);
      expect(linesOf(STANDBY)).toContain(
        'set vpn ipsec site-to-site peer aws-analytics-tun2 ' +
          `local-address '${privateIpOf(STANDBY)}'`,
      );
    },
  );
});
