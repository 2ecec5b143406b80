import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWireguardKeyPair } from '../../src/onboarding/generate-secrets.js';
import { startOnboardingStack, type OnboardingStack } from './onboarding-stack.js';

let stack: OnboardingStack;
beforeAll(async () => {
  stack = await startOnboardingStack();
});
afterAll(async () => {
  await stack?.close();
});

/** How long the last of twenty runs in turn may take: a stuck run, not a slow one, fails. */
const QUEUE_PATIENCE_MS = 240_000;

describe('twenty add-peers at once on one router', () => {
  it(
    'all succeed, with twenty different addresses, ' + 'and the router ends with all twenty',
    async () => {
      const names = Array.from({ length: 20 }, (_, i) => `dev-${String(i).padStart(2, '0')}`);
      const started = await Promise.all(
        names.map((n, i) =>
          stack.vpn(
            'U0ALICE',
            i % 2 === 0
              ? `add-peer ${n}`
              : `add-peer ${n} --pubkey ${generateWireguardKeyPair().publicKey}`,
          ),
        ),
      );
      for (const s of started) expect(s.runId, `no run started: ${s.reply}`).toBeDefined();
      // Twenty runs take their turns on one router; on a loaded 2-core machine that is minutes.
      const runs = await Promise.all(
        started.map((s) => stack.waitForRun(s.runId!, undefined, QUEUE_PATIENCE_MS)),
      );
      for (const run of runs) expect(run.status, `${run.target}: ${run.outcome}`).toBe('succeeded');
      const addresses = runs.map(
        (r) => (r.steps.find((s) => s.id === 'reserve')?.result as { address: string }).address,
      );
      expect(new Set(addresses).size).toBe(20);
      const hub = stack.hubLines();
      for (const [i, name] of names.entries())
        expect(hub).toContain(
          `set interfaces wireguard wg0 peer ${name} allowed-ips '${addresses[i]}/32'`,
        );
      // Never an address the hand-made peers (ops-carol .2, ops-dave .3) or the router (.1) hold.
      expect(
        addresses.filter((a) => ['10.250.0.1', '10.250.0.2', '10.250.0.3'].includes(a)),
      ).toEqual([]);
      expect(
        stack.world
          .router('hub-tokyo-a')
          .handle.router.savedLines()
          .filter((l) => / peer dev-\d\d public-key /.test(l)),
      ).toHaveLength(20);
    },
    QUEUE_PATIENCE_MS + 30_000,
  );
});
