import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWireguardKeyPair } from '../../src/onboarding/generate-secrets.js';
import { waitFor } from '../helpers/wait-for.js';
import { CHANNEL, startOnboardingStack, type OnboardingStack } from './onboarding-stack.js';

let stack: OnboardingStack;
beforeAll(async () => {
  stack = await startOnboardingStack();
});
afterAll(async () => {
  await stack?.close();
});

const threadText = () =>
  stack.slack.store
    .messages(CHANNEL)
    .flatMap((m) => [m, ...stack.slack.store.replies(CHANNEL, m.ts)])
    .map((m) => JSON.stringify(m.blocks ?? m.text))
    .join('\n');

describe('/vpn add-peer (WireGuard) through Slack', () => {
  it(
    'with --pubkey: the hub gets the peer at the next ' +
      'free address, the requester a wg-quick file by DM',
    async () => {
      const { publicKey } = generateWireguardKeyPair();
      const { runId, reply } = await stack.vpn(
        'U0ALICE',
        `add-peer alice-laptop --pubkey ${publicKey}`,
      );
      expect(runId, reply).toBeDefined();
      const run = await stack.waitForRun(runId!);
      expect(run.status, run.outcome).toBe('succeeded');
      expect(run.outcome).toContain('alice-laptop added on hub-tokyo-a as 10.250.0.4');
      const hub = stack.hubLines().join('\n');
      expect(hub).toContain(
        `set interfaces wireguard wg0 peer alice-laptop public-key '${publicKey}'`,
      );
      expect(hub).toContain(
        "set interfaces wireguard wg0 peer alice-laptop allowed-ips '10.250.0.4/32'",
      );
      // commit-confirm, then confirm, then save: the saved config has it too.
      const confirmAt = stack.sent.indexOf('confirm');
      expect(stack.sent.slice(0, confirmAt).some((c) => /^commit-confirm \d+$/.test(c))).toBe(true);
      expect(stack.sent.indexOf('save', confirmAt)).toBeGreaterThan(confirmAt);
      expect(stack.world.router('hub-tokyo-a').handle.router.savedLines().join('\n')).toContain(
        'peer alice-laptop public-key',
      );

      const file = await waitFor(
        () =>
          stack.slack.store
            .filesIn('D0ALICE')
            .find((f) => f.name === 'alice-laptop-hub-tokyo-a.conf'),
        'the DM file',
      );
      const conf = file.bytes.toString('utf8');
      expect(conf).toContain('Address = 10.250.0.4/32');
      expect(conf).toContain('Endpoint = 203.0.113.10:51820');
      expect(conf).toMatch(/PersistentKeepalive = 25/);
      expect(conf).toContain('AllowedIPs = 10.0.0.0/8, 192.168.0.0/16');
      expect(conf).toContain('PrivateKey = <your private key');
      expect(
        stack.slack.store
          .allMessages('D0ALICE')
          .some((m) => (m.text ?? '').includes('alice-laptop')),
      ).toBe(true);
      // TCP MSS clamped on wg0 (MTU 1420 less the inner IPv4 and TCP headers), the standby too.
      const clamp = "set interfaces wireguard wg0 ip adjust-mss '1380'";
      expect(hub).toContain(clamp);
      const standby = stack.world.router('hub-tokyo-b').handle.router.activeLines();
      expect(standby.join('\n')).toContain('peer alice-laptop public-key');
      expect(standby).toContain(clamp);
    },
  );

  it('without --pubkey: the generated private key is in the DM file and nowhere else', async () => {
    const { runId } = await stack.vpn('U0ALICE', 'add-peer alice-phone');
    const run = await stack.waitForRun(runId!);
    expect(run.status, run.outcome).toBe('succeeded');
    const file = await waitFor(
      () =>
        stack.slack.store.filesIn('D0ALICE').find((f) => f.name === 'alice-phone-hub-tokyo-a.conf'),
      'the DM file',
    );
    const privateKey = /PrivateKey = (\S+)/.exec(file.bytes.toString('utf8'))?.[1];
    expect(privateKey).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(
      stack.slack.store
        .filesIn('D0ALICE')
        .some(
          (f) =>
            f.name === 'alice-phone-hub-tokyo-a-qr.png' &&
            f.bytes.subarray(1, 4).toString() === 'PNG',
        ),
    ).toBe(true);
    // The router knows the public half.
    const publicKey = (run.steps.find((s) => s.id === 'configure')?.result as { publicKey: string })
      .publicKey;
    expect(stack.hubLines().join('\n')).toContain(`peer alice-phone public-key '${publicKey}'`);
    // Nowhere else: logs, the run record, its events, the thread, Redis, the router.
    const redis = stack.bot.runtime.redis;
    const keys = await redis.keys(`${stack.prefix}*`);
    const dump: string[] = [];
    for (const key of keys) {
      const type = await redis.type(key);
      if (type === 'string') dump.push((await redis.get(key)) ?? '');
      if (type === 'hash') dump.push(JSON.stringify(await redis.hgetall(key)));
      if (type === 'stream') dump.push(JSON.stringify(await redis.xrange(key, '-', '+')));
      if (type === 'list') dump.push(JSON.stringify(await redis.lrange(key, 0, -1)));
      if (type === 'zset') dump.push(JSON.stringify(await redis.zrange(key, 0, -1)));
    }
    const everywhereElse = [
      stack.logLines.join(''),
      JSON.stringify(run),
      threadText(),
      dump.join('\n'),
      stack.hubLines().join('\n'),
      stack.sent.join('\n'),
    ].join('\n');
    expect(everywhereElse).not.toContain(privateKey);
    expect(dump.join('\n')).toContain(run.id);
  });

  it(
    'a change that fails its verification is rolled ' + 'back at once; the next add-peer proceeds',
    async () => {
      const hub = stack.world.router('hub-tokyo-a').handle.router;
      stack.faults.summaryWithoutPeers = true;
      let failed;
      try {
        const { runId, reply } = await stack.vpn(
          'U0ALICE',
          `add-peer flaky --pubkey ${generateWireguardKeyPair().publicKey}`,
        );
        expect(runId, reply).toBeDefined();
        failed = await stack.waitForRun(runId!);
      } finally {
        stack.faults.summaryWithoutPeers = false;
      }
      expect(failed.status).toMatch(/failed|rolled-back/);
      expect(failed.outcome).toMatch(/NOT confirmed and was rolled back at once/);
      expect(hub.confirmPending).toBe(false);
      expect(stack.hubLines().join('\n')).not.toContain('peer flaky ');
      // No timer to wait for: the next peer on the same router is committed and confirmed now.
      const next = await stack.succeed(
        '/vpn',
        `add-peer steady --pubkey ${generateWireguardKeyPair().publicKey}`,
      );
      expect(next.status).toBe('succeeded');
      expect(stack.hubLines().join('\n')).toContain('peer steady public-key');
      expect(hub.confirmPending).toBe(false);
    },
  );
});
