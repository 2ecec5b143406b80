/**
 * The traffic policy across the runbooks that move a router's traffic to another instance, with
 * the oracle as strict as Linux conntrack (a reply through a router its request did not pass is
 * judged by that router's rules): after `/router failover`, `/router failback` and a spoke's
 * `/router scaleup`, the paths the policy lets through are exactly those it let through before.
 * The standby and the new instance run the policy (the apply renders it on the standby, the
 * scale-up copies the configuration), and no path is left asymmetric.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlServer, type ControlServer } from '../../src/sim/world/control-server.js';
import type { ReachMatrix } from '../../src/sim/world/reach/oracle.js';
import { WORLD_RULES, withWorldPolicy } from '../helpers/world-traffic-policy.js';
import { working } from '../helpers/reach-matrix.js';
import { startOnboardingStack, type OnboardingStack } from './onboarding-stack.js';

describe('the policy holds across failover, failback and scale-up', () => {
  let stack: OnboardingStack;
  let control: ControlServer;
  const matrix = async () =>
    (await (await fetch(`${control.url}/reach/matrix`)).json()) as ReachMatrix;
  const allowed = async () => [...working(await matrix())].sort();

  beforeAll(async () => {
    stack = await startOnboardingStack({}, (inv) => withWorldPolicy(inv, WORLD_RULES));
    control = await startControlServer(stack.world);
    await stack.succeed('/vpn', 'policy apply');
  }, 180_000);
  afterAll(async () => {
    await control?.close();
    await stack?.close();
  });

  it('lets through exactly what it let through before, after each runbook', async () => {
    const before = await allowed();
    // Both kinds: allowed pairs and pairs the policy blocks.
    expect(before.length).toBeGreaterThan(10);
    expect(before.length).toBeLessThan(200);
    for (const command of [
      'failover hub-tokyo-a',
      'failback hub-tokyo-a',
      'scaleup spoke-virginia',
    ]) {
      await stack.succeed('/router', command);
      expect(await allowed(), `after /router ${command}`).toEqual(before);
    }
  });
});
