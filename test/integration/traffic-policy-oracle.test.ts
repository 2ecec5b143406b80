/**
 * The traffic policy, rendered by flatnet for each router's real interfaces and typed into the
 * VyOS emulators over SSH, enforced by the simulator's oracle: which it reads from the routers'
 * running configurations alone. Every role pair both ways, stateful replies, the rule that
 * blocks and the router it is on, the shaped rate of a path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseInventory } from '../../src/config/load-inventory.js';
import { allows, readTrafficPolicy, type TrafficPolicy } from '../../src/config/traffic-policy.js';
import { readReachState } from '../../src/reach/read-reach-state.js';
import { judgeAllPairs, judgeReach } from '../../src/reach/judge-reach.js';
import type { ReachMatrix } from '../../src/sim/world/reach/oracle.js';
import { startControlServer, type ControlServer } from '../../src/sim/world/control-server.js';
import type { Inventory } from '../../src/config/inventory-schema.js';
import { addTrafficPolicy } from '../helpers/traffic-inventory-file.js';
import { applyWorldPolicy } from '../helpers/apply-world-policy.js';
import { WORLD_RULES } from '../helpers/world-traffic-policy.js';
import { startWorldRuntime, type WorldRuntime } from '../helpers/world-runtime.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { mkdtempSync } from 'node:fs';

const RULES = WORLD_RULES;

interface Answer {
  reachable: boolean;
  brokenAt?: string;
  reason?: string;
  direction?: string;
  rate?: { forward?: { bits: number; at: string } };
}

describe('the simulator enforces the traffic policy the routers run', () => {
  let stack: WorldRuntime | undefined;
  let control: ControlServer;
  let inventory: Inventory;
  let policy: TrafficPolicy;
  let before: ReachMatrix;

  const reach = async (from: string, to: string, probe = ''): Promise<Answer> => {
    const q = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}${probe}`;
    const res = await fetch(`${control.url}/reach?${q}`);
    expect(res.status).toBe(200);
    return (await res.json()) as Answer;
  };
  const matrix = async (): Promise<ReachMatrix> =>
    (await (await fetch(`${control.url}/reach/matrix`)).json()) as ReachMatrix;

  beforeAll(async () => {
    stack = await startWorldRuntime('policy-oracle');
    control = await startControlServer(stack.world);
    const dir = mkdtempSync(join(tmpdir(), 'flatnet-policy-'));
    const path = addTrafficPolicy(
      stack.world.writeInventory(join(dir, 'flatnet.yml')),
      { rules: RULES },
      { 'us-east-1/production': '200mbit' },
    );
    inventory = parseInventory(readFileSync(path, 'utf8'), path, dir);
    policy = readTrafficPolicy(inventory)!;
    before = await matrix();
    await applyWorldPolicy(stack.runtime, inventory);
  }, 120_000);
  afterAll(async () => {
    await control?.close();
    await stack?.close();
  });

  it('drops what a drop rule names, on the first router it crosses, by its number', async () => {
    const same = await reach('us-east-1/staging', 'us-east-1/production');
    expect(same).toMatchObject({ reachable: false, brokenAt: 'spoke-virginia' });
    expect(same.reason).toMatch(/^blocked by rule 10 of FLATNET-POLICY \(policy rule 1: /);
    expect(same.reason).toContain('on spoke-virginia');
    const across = await reach(
      'us-east-1/staging',
      'us-west-2/production',
      '&protocol=tcp&port=22',
    );
    expect(across).toMatchObject({ reachable: false, brokenAt: 'spoke-virginia' });
    expect(across.reason).toContain('blocked by rule 10 of FLATNET-POLICY');
  });

  it('drops what no rule lets through by the rule set default, where it is dropped', async () => {
    const back = await reach('us-east-1/production', 'us-east-1/staging');
    expect(back).toMatchObject({ reachable: false, brokenAt: 'spoke-virginia' });
    expect(back.reason).toContain('the default-action drop of FLATNET-POLICY');
    const secure = await reach('ap-northeast-1/shared-services', 'ap-northeast-1/hub');
    expect(secure).toMatchObject({ reachable: false, brokenAt: 'hub-tokyo-a' });
  });

  it('lets a rule through on its ports only, and its replies back (stateful)', async () => {
    const ssh = await reach('ap-northeast-1/hub', 'us-west-2/production', '&protocol=tcp&port=22');
    expect(ssh.reachable).toBe(true);
    const https = await reach(
      'ap-northeast-1/hub',
      'us-west-2/production',
      '&protocol=tcp&port=443',
    );
    expect(https).toMatchObject({
      reachable: false,
      direction: 'forward',
      brokenAt: 'hub-tokyo-a',
    });
    const ping = await reach('ap-northeast-1/hub', 'us-west-2/production');
    expect(ping.reachable).toBe(false);
    // The reply to the SSH connection came back; the same packet as a new connection does not.
    const reverse = await reach(
      'us-west-2/production',
      'ap-northeast-1/hub',
      '&protocol=tcp&port=22',
    );
    expect(reverse).toMatchObject({ reachable: false, direction: 'forward' });
  });

  it('agrees with the policy on every pair of routed networks, both directions', async () => {
    const after = await matrix();
    const address = new Map(after.endpoints.map((e) => [e.label, e.address]));
    const wrong: string[] = [];
    let allowed = 0;
    let denied = 0;
    for (const p of before.paths.filter((x) => x.reachable)) {
      const src = address.get(p.from)!;
      const dst = address.get(p.to)!;
      const expected = allows(policy, { src, dst, protocol: 'icmp' });
      const now = after.paths.find((x) => x.from === p.from && x.to === p.to)!;
      if (expected) allowed++;
      else denied++;
      if (now.reachable !== expected)
        wrong.push(
          `${p.from} → ${p.to}: policy ${expected}, oracle ${now.reachable} (${now.reason})`,
        );
    }
    expect(wrong).toEqual([]);
    expect(allowed).toBeGreaterThan(10);
    expect(denied).toBeGreaterThan(10);
    // A path that was not routed stays broken: the policy opens nothing.
    for (const p of before.paths.filter((x) => !x.reachable))
      expect(after.paths.find((x) => x.from === p.from && x.to === p.to)?.reachable).toBe(false);
  });

  it('/vpn reach, reading the real routers, says what the oracle says on every pair', async () => {
    const { runtime } = stack!;
    const mine = judgeAllPairs(
      await readReachState({
        inventory: runtime.loaded.inventory,
        routers: runtime.routers,
        cloud: runtime.cloud,
      }),
    );
    const m = await matrix();
    // The oracle names the office `office`; flatnet knows it as the site peer `office`.
    const label = (oracle: string) => (oracle === 'office' ? 'site/office' : oracle);
    const wrong: string[] = [];
    for (const p of m.paths) {
      const q = mine.find((x) => x.from === label(p.from) && x.to === label(p.to));
      if (!q || q.reachable !== p.reachable)
        wrong.push(
          `${p.from} → ${p.to}: oracle ${p.reachable} (${p.reason ?? ''}), ` +
            `flatnet ${q?.reachable} (${q?.reason ?? 'absent'})`,
        );
    }
    expect(wrong).toEqual([]);
    const blocked = mine.find(
      (x) => x.from === 'us-east-1/staging' && x.to === 'us-east-1/production',
    );
    expect(blocked).toMatchObject({ reachable: false, brokenAt: 'spoke-virginia' });
    expect(blocked?.reason).toMatch(/^blocked by rule 10 of FLATNET-POLICY .* on spoke-virginia$/);
    expect(blocked?.fix).toContain('/vpn policy apply');
    // `/vpn reach --port tcp/22`: the rule's port goes through (and its reply back), 443 not.
    const state = await readReachState({
      inventory: runtime.loaded.inventory,
      routers: runtime.routers,
      cloud: runtime.cloud,
    });
    const hub = 'ap-northeast-1/hub';
    const prod = 'us-west-2/production';
    expect(judgeReach(state, hub, prod, { protocol: 'tcp', port: 22 }).reachable).toBe(true);
    const https = judgeReach(state, hub, prod, { protocol: 'tcp', port: 443 });
    expect(https).toMatchObject({
      reachable: false,
      brokenAt: 'hub-tokyo-a',
      direction: 'forward',
    });
    expect(judgeReach(state, prod, hub, { protocol: 'tcp', port: 22 }).reachable).toBe(false);
  });

  it('reports the configured rate of a shaped path', async () => {
    const toProd = await reach('us-west-2/production', 'us-east-1/production');
    expect(toProd.reachable).toBe(true);
    expect(toProd.rate?.forward).toEqual({ bits: 200e6, at: 'spoke-virginia eth0' });
    const unshaped = await reach('us-east-1/production', 'us-west-2/production');
    expect(unshaped.rate?.forward).toBeUndefined();
  });
});
