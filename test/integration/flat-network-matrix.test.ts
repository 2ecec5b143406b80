/**
 * Issue 11, the proof: each onboarding path runs through the real bot (Slack emulator, BullMQ
 * worker, runbook engine, SSH to the VyOS emulators, the AWS SDK against the EC2 emulator),
 * then the far side is installed exactly as its operator would (the site's router runs the
 * script flatnet sent, the laptop the WireGuard file flatnet sent), and the world's oracle
 * judges every pair of endpoints, both ways: the new endpoint reaches everyone, nothing that
 * worked before stops working, and (once flatnet has added what was missing) the whole matrix
 * works.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startControlServer, type ControlServer } from '../../src/sim/world/control-server.js';
import type { ReachMatrix } from '../../src/sim/world/reach/oracle.js';
import { expectNothingLost, expectReachesAll, score } from '../helpers/reach-matrix.js';
import { waitFor } from '../helpers/wait-for.js';
import { startOnboardingStack, type OnboardingStack } from './onboarding-stack.js';

let stack: OnboardingStack;
let control: ControlServer;
beforeEach(async () => {
  stack = await startOnboardingStack();
  control = await startControlServer(stack.world);
});
afterEach(async () => {
  await control?.close();
  await stack?.close();
});

async function matrix(): Promise<ReachMatrix> {
  const res = await fetch(`${control.url}/reach/matrix`);
  return (await res.json()) as ReachMatrix;
}

async function post(path: string, body: unknown): Promise<void> {
  const res = await fetch(`${control.url}${path}`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
  expect(res.status, `POST ${path}: ${await res.clone().text()}`).toBe(200);
}

/** The file flatnet sent Alice by DM. */
const dmFile = (name: string) =>
  waitFor(
    () => stack.slack.store.filesIn('D0ALICE').find((f) => f.name === name),
    `the DM file ${name}`,
  ).then((f) => f.bytes.toString('utf8'));

/** A site's operator pastes the VyOS script flatnet sent on the site's router. */
async function installSite(name: string, publicIp: string, lan: string): Promise<void> {
  const script = await dmFile(`${name}-hub-tokyo-a-vyos.txt`);
  await post('/sites', { name, publicIp, lan, script });
}

/**
 * The matrix once the network has converged: a site's IKE takes the world's tunnel-up time
 * after its router gets the script, and its BGP session comes up after that, as on a real
 * site, and an operator judges the tunnel after it came up. So read until every path works
 * (at most 30 s), then judge the last reading: what never converges fails below, by name.
 */
async function settledMatrix(): Promise<ReachMatrix> {
  let last = await matrix();
  try {
    await waitFor(async () => {
      last = await matrix();
      return last.paths.every((p) => p.reachable);
    }, 'every path of the matrix working');
  } catch {
    // Not converged: judged as it stands, and the assertions below name what is broken.
  }
  return last;
}

/** Before, run, after: the numbers the report gives, and the two invariants. */
async function judge(label: string, before: ReachMatrix): Promise<ReachMatrix> {
  const after = await settledMatrix();
  expectReachesAll(after, label);
  expectNothingLost(before, after);
  // Flatnet adds everything the flat network was missing: no path is left broken.
  expect(
    after.paths.filter((p) => !p.reachable).map((p) => `${p.from} → ${p.to}: ${p.reason}`),
  ).toEqual([]);
  console.info(`reach matrix, ${label}: before ${score(before)}, after ${score(after)}`);
  return after;
}

describe('every onboarding path, judged by the reachability matrix', () => {
  it(
    'a WireGuard peer: the laptop with the file ' + 'flatnet sent reaches everyone, and back',
    async () => {
      const before = await matrix();
      expect(before.broken).toBeGreaterThan(0);
      const run = await stack.succeed('/vpn', 'add-peer alice-laptop');
      expect(run.steps.find((s) => s.id === 'route-hub-vpc')?.detail).toMatch(
        /10\.250\.0\.0\/24 now goes to hub-tokyo-a \(eni-/,
      );
      await post('/wireguard/clients', {
        name: 'alice-laptop',
        config: await dmFile('alice-laptop-hub-tokyo-a.conf'),
      });
      await judge('wg/alice-laptop', before);
    },
  );

  it(
    'an IPsec site with --bgp: its router running ' + 'the script reaches everyone, and back',
    async () => {
      const before = await matrix();
      await stack.succeed(
        '/vpn',
        'add-peer osaka ipsec --remote 198.51.100.77 --subnets 10.200.1.0/24 --bgp 65100',
      );
      await installSite('osaka', '198.51.100.77', '10.200.1.0/24');
      await judge('site/osaka', before);
    },
  );

  it('an IPsec site, route-based with static routes', async () => {
    const before = await matrix();
    await stack.succeed(
      '/vpn',
      'add-peer kobe ipsec --remote 198.51.100.78 --subnets 10.200.2.0/24',
    );
    await installSite('kobe', '198.51.100.78', '10.200.2.0/24');
    await judge('site/kobe', before);
  });

  it('an IPsec site, --mode policy', async () => {
    const before = await matrix();
    await stack.succeed(
      '/vpn',
      'add-peer nara ipsec --remote 198.51.100.79 --subnets 10.200.3.0/24 --mode policy',
    );
    await installSite('nara', '198.51.100.79', '10.200.3.0/24');
    await judge('site/nara', before);
  });

  it(
    'attach-vpc of analytics (a second VGW VPC): it ' +
      'reaches everyone, the first VGW VPC included',
    async () => {
      const before = await matrix();
      const analytics = stack.world.topology.vpcs.find((v) => v.name === 'analytics')!;
      expect(before.endpoints.map((e) => e.label)).not.toContain('ap-northeast-1/analytics');
      await stack.succeed('/vpn', `attach-vpc ${analytics.id} --region ap-northeast-1`);
      const after = await judge('ap-northeast-1/analytics', before);
      // Both VGWs have Amazon-side AS 64512: only as-override lets one learn the other's VPC.
      const path = (from: string, to: string) =>
        after.paths.find((p) => p.from === from && p.to === to)?.reachable;
      expect(path('ap-northeast-1/analytics', 'ap-northeast-1/shared-services')).toBe(true);
      expect(path('ap-northeast-1/shared-services', 'ap-northeast-1/analytics')).toBe(true);
    },
  );
});
