/**
 * What the traffic-policy tests that onboard networks through the real bot share: commands
 * through Slack (approved by Bob when they ask), the world's oracle over its control server,
 * a site's own router typed from the script add-peer sent, and the check that every pair of a
 * network holds as the policy model says.
 */
import { expect } from 'vitest';
import { allows, type TrafficPolicy } from '../../src/config/traffic-policy.js';
import { sitesOf, withOnboardedSites } from '../../src/policy/onboarded-sites.js';
import type { Run } from '../../src/runbook/types.js';
import type { ControlServer } from '../../src/sim/world/control-server.js';
import type { RouterStateView } from '../../src/sim/world/describe-world.js';
import type { ReachMatrix } from '../../src/sim/world/reach/oracle.js';
import { waitFor } from '../helpers/wait-for.js';
import type { OnboardingStack } from './onboarding-stack.js';

export const HUB = 'hub-tokyo-a';
export const STANDBY = 'hub-tokyo-b';
const FINAL: Run['status'][] = ['succeeded', 'failed', 'rolled-back', 'rejected', 'expired'];

export interface ReachAnswer {
  reachable: boolean;
  brokenAt?: string;
  reason?: string;
  direction?: string;
}

export function policyWorld(
  stack: OnboardingStack,
  control: ControlServer,
  policy: () => TrafficPolicy,
) {
  const lines = (router: string) => stack.world.router(router).handle.router.activeLines();
  const matrix = async () =>
    (await (await fetch(`${control.url}/reach/matrix`)).json()) as ReachMatrix;
  const reach = async (from: string, to: string, probe = '') => {
    const q = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}${probe}`;
    return (await (await fetch(`${control.url}/reach?${q}`)).json()) as ReachAnswer;
  };
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${control.url}${path}`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status, `POST ${path}: ${await res.clone().text()}`).toBe(200);
  };
  /** A command that must end as `status` (approved by Bob when it asks). */
  const run = async (text: string, status: Run['status'] = 'succeeded'): Promise<Run> => {
    const { runId, reply } = await stack.vpn('U0ALICE', text);
    expect(runId, reply).toBeDefined();
    let r = await stack.waitForRun(runId!, ['awaiting-approval', ...FINAL]);
    if (r.status === 'awaiting-approval') {
      expect((await stack.bot.runtime.engine.decide(r.id, 'U0BOB', 'approve')).ok).toBe(true);
      r = await stack.waitForRun(r.id, FINAL, 60_000);
    }
    expect(r.status, `${text}: ${r.outcome ?? ''} ${r.error ?? ''}`).toBe(status);
    return r;
  };
  /** The site's own router, typed from the VyOS script add-peer sent to its requester. */
  const startSite = async (name: string, publicIp: string, lan: string) => {
    const file = `${name}-hub-tokyo-a-vyos.txt`;
    const script = await waitFor(
      () => stack.slack.store.filesIn('D0ALICE').find((f) => f.name === file),
      'the site script',
    );
    await post('/sites', { name, publicIp, lan, script: script.bytes.toString('utf8') });
    // Its IKE takes the world's tunnel-up time once the script runs, as on a real site: until
    // then the site has no route through its VTI, and a matrix read then judges routing, not
    // the policy. Wait until no tunnel of the hubs toward it is still establishing.
    await waitFor(async () => {
      const state = (await (await fetch(`${control.url}/state`)).json()) as {
        routers: RouterStateView[];
      };
      const toSite = state.routers
        .filter((r) => r.name === HUB || r.name === STANDBY)
        .flatMap((r) => r.tunnels.filter((t) => t.peer === name));
      return toSite.length > 0 && toSite.every((t) => !t.establishing) && toSite.some((t) => t.up);
    }, `the tunnel to ${name} to come up`);
  };
  /** Its operator takes the site's router away (its paths are no longer routed). */
  const stopSite = async (name: string) =>
    expect((await fetch(`${control.url}/sites/${name}`, { method: 'DELETE' })).status).toBe(200);
  /** No apply is needed: `/vpn policy diff` finds every router as the policy renders it. */
  const expectNothingToApply = async () =>
    expect((await run('policy diff')).outcome).toContain(
      'Every router runs the traffic policy of the inventory.',
    );

  /**
   * Every pair with `label`, both ways, as the policy says (a ping: there and back, so an
   * allowed pair's reply came back through the rule set's `established` rule); and both kinds
   * among them. Blocked pairs are blocked by the rule set, never by a zone's default.
   */
  async function expectPolicyHolds(
    m: ReachMatrix,
    label: string,
    minAllowed = 2,
    /** The model to judge by; by default the policy with the hub's unlisted sites. */
    given?: TrafficPolicy,
  ): Promise<{ allowed: number; denied: number }> {
    const address = new Map(m.endpoints.map((e) => [e.label, e.address]));
    expect([...address.keys()]).toContain(label);
    const wrong: string[] = [];
    const seen = { allowed: 0, denied: 0 };
    // The model with the sites the hub carries that the inventory does not list, read from the
    // hub as flatnet reads it (src/policy/onboarded-sites.ts).
    const model =
      given ??
      withOnboardedSites(
        policy(),
        sitesOf(await stack.bot.runtime.routers.router(HUB).runningConfig()),
      );
    for (const p of m.paths.filter((x) => x.from === label || x.to === label)) {
      const expected = allows(model, {
        src: address.get(p.from)!,
        dst: address.get(p.to)!,
        protocol: 'icmp',
      });
      seen[expected ? 'allowed' : 'denied']++;
      if (p.reachable !== expected || (!expected && !/FLATNET-POLICY/.test(p.reason ?? '')))
        wrong.push(`${p.from} → ${p.to}: policy ${expected}, oracle ${p.reachable} (${p.reason})`);
    }
    expect(wrong).toEqual([]);
    expect(seen.allowed).toBeGreaterThanOrEqual(minAllowed);
    expect(seen.denied).toBeGreaterThanOrEqual(4);
    return seen;
  }

  return {
    lines,
    matrix,
    reach,
    post,
    run,
    startSite,
    stopSite,
    expectNothingToApply,
    expectPolicyHolds,
  };
}
