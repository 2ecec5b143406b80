/**
 * `/vpn reissue-peer` through the local Slack and the real bot: a new client file for an
 * existing WireGuard peer, by DM, with its key and address unchanged and today's AllowedIPs;
 * nothing is sent to the router but reads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait-for.js';
import { CHANNEL, startOnboardingStack, type OnboardingStack } from './onboarding-stack.js';

let stack: OnboardingStack;
beforeAll(async () => {
  stack = await startOnboardingStack();
});
afterAll(async () => {
  await stack?.close();
});

const thread = () =>
  stack.slack.store
    .messages(CHANNEL)
    .flatMap((m) => [m, ...stack.slack.store.replies(CHANNEL, m.ts)])
    .map((m) => JSON.stringify(m.blocks ?? m.text))
    .join('\n');

describe('/vpn reissue-peer through Slack', () => {
  it(
    "sends ops-carol a new file: same address, the router's key " +
      "and endpoint, today's AllowedIPs; the router is untouched",
    async () => {
      const carol = stack.world.topology.wireguard.peers.find((p) => p.name === 'ops-carol')!;
      const before = stack.hubLines().join('\n');
      const sentBefore = stack.sent.length;
      const run = await stack.succeed('/vpn', 'reissue-peer ops-carol');
      expect(run.outcome).toContain('nothing changed on the router');
      expect(run.steps.find((s) => s.id === 'find')?.detail).toContain(
        `ops-carol on hub-tokyo-a: 10.250.0.2, key ${carol.publicKey.slice(0, 8)}`,
      );

      const file = await waitFor(
        () =>
          stack.slack.store.filesIn('D0ALICE').find((f) => f.name === 'ops-carol-hub-tokyo-a.conf'),
        'the DM file',
      );
      const conf = file.bytes.toString('utf8');
      expect(conf).toContain('Address = 10.250.0.2/32');
      expect(conf).toContain(`PublicKey = ${stack.world.topology.wireguard.publicKey}`);
      expect(conf).toContain('Endpoint = 203.0.113.10:51820');
      expect(conf).toContain('AllowedIPs = 10.0.0.0/8, 192.168.0.0/16');
      expect(conf).toContain('PrivateKey = <your private key');
      // The DM says what to do with it.
      expect(
        stack.slack.store
          .allMessages('D0ALICE')
          .some((m) => (m.text ?? '').includes('same key and tunnel address (10.250.0.2)')),
      ).toBe(true);

      // Read-only: no configuration session, the router as it was.
      const sessionCommands = stack.sent.slice(sentBefore);
      expect(sessionCommands.length).toBeGreaterThan(0);
      expect(
        sessionCommands.filter((c) => /^(configure|set |delete |commit|save)/.test(c)),
      ).toEqual([]);
      expect(stack.hubLines().join('\n')).toBe(before);

      // With the person's own private key in it, the file works: the laptop reaches the hub VPC.
      stack.world.installWireguardClient(
        'ops-carol',
        conf.replace(/^PrivateKey = .*$/m, `PrivateKey = ${carol.privateKey}`),
      );
      const verdict = stack.world.reach('wg/ops-carol', 'office');
      expect('reachable' in verdict && verdict.reachable).toBe(true);
      // flatnet never had the private key: it is in no thread, log or record.
      expect(thread() + stack.logLines.join('') + JSON.stringify(run)).not.toContain(
        carol.privateKey,
      );
    },
  );

  it('refuses a peer the router does not have, naming where to look', async () => {
    const { runId } = await stack.vpn('U0ALICE', 'reissue-peer nobody-here');
    const run = await stack.waitForRun(runId!);
    expect(run.status).toBe('failed');
    expect(run.outcome).toContain('hub-tokyo-a has no WireGuard peer named nobody-here');
    expect(run.outcome).toContain('/vpn peers --router hub-tokyo-a');
  });

  it(
    'a site outside the aggregates: the summary names the WireGuard ' +
      'peers to re-issue and the command; inside, it says nothing',
    async () => {
      const outside = await stack.succeed(
        '/vpn',
        'add-peer fukuoka ipsec --remote 198.51.100.90 --subnets 172.30.0.0/16',
      );
      expect(outside.outcome).toContain(
        "172.30.0.0/16 is outside the flat network's aggregates: the WireGuard " +
          'files issued before on hub-tokyo-a (ops-carol, ops-dave) do not route it.',
      );
      expect(outside.outcome).toContain(
        'then re-issue: /vpn reissue-peer ops-carol, /vpn reissue-peer ops-dave.',
      );
      const inside = await stack.succeed(
        '/vpn',
        'add-peer sendai ipsec --remote 198.51.100.91 --subnets 10.201.0.0/24',
      );
      expect(inside.outcome).not.toContain('reissue-peer');
    },
  );

  it('help lists it as available', async () => {
    const { reply } = await stack.vpn('U0ALICE', 'help');
    const at = reply.indexOf('reissue-peer ');
    expect(at, reply).toBeGreaterThan(0);
    const entry = reply.slice(at);
    expect(entry).toContain('same key and address');
    expect(entry.slice(0, 200)).not.toContain('coming soon');
  });
});
