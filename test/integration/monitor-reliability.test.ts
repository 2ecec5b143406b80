/**
 * Issue 13's reliability checks on the simulated world, real Redis, real BullMQ workers:
 * EC2 throttling during a failover the monitor asked for, three workers running one round
 * per tick, and a router flapping for many rounds causing one failover. The world is pushed
 * through its control API (HTTP), as the demo's Break things panel does. Verdicts count
 * (EC2 answers, runs, ticks), never time; waits are deadlines only.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { describeIncident } from '../../src/monitor/incident-thread.js';
import type { Run } from '../../src/runbook/types.js';
import { startControlServer, type ControlServer } from '../../src/sim/world/control-server.js';
import { describeWorld } from '../../src/sim/world/describe-world.js';
import { pairState, PRIMARY, STANDBY } from './failover-harness.js';
import { startMonitorWorld, type MonitorWorld } from './monitor-world.js';
import { waitFor } from './runbook-harness.js';

const ENDED: Run['status'][] = ['succeeded', 'failed', 'rolled-back'];

describe('the monitor under stress', () => {
  let bench: MonitorWorld | undefined;
  let control: ControlServer | undefined;
  afterEach(async () => {
    await control?.close();
    await bench?.close();
    bench = control = undefined;
  });

  async function start(
    label: string,
    settings: Parameters<typeof startMonitorWorld>[1],
    scheduled = false,
  ) {
    bench = await startMonitorWorld(label, settings, { scheduled });
    control = await startControlServer(bench.world);
    return bench;
  }
  async function post(path: string, body: unknown): Promise<void> {
    const res = await fetch(`${control!.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
  }
  /** EC2's answers to one action: how many succeeded and how many were throttled. */
  function answers(world: MonitorWorld['world'], action: string) {
    const seen = { ok: 0, throttled: 0 };
    world.state.on('request', (r: { action: string; status: number; code?: string }) => {
      if (r.action !== action) return;
      if (r.status === 200) seen.ok++;
      else if (r.code === 'RequestLimitExceeded') seen.throttled++;
    });
    return seen;
  }
  async function failOverOnce(b: MonitorWorld): Promise<Run> {
    await post(`/routers/${PRIMARY}/down`, { how: 'power' });
    for (let i = 0; i < 2; i++) await b.round();
    const runId = (await b.runtime.monitor.store.watches())[PRIMARY]!.incident!.runId!;
    return waitFor('the failover run to end', async () => {
      const run = await b.runtime.engine.get(runId);
      return run && ENDED.includes(run.status) ? run : undefined;
    });
  }

  it('EC2 throttling the Elastic IP move and the routes: retried, it completes', async () => {
    const b = await start('mon-throttle', {
      failuresToAct: 2,
      routers: { [PRIMARY]: { failover: 'auto' } },
    });
    const associate = answers(b.world, 'AssociateAddress');
    const replace = answers(b.world, 'ReplaceRoute');
    await post('/ec2/faults', {
      action: 'AssociateAddress',
      code: 'RequestLimitExceeded',
      times: 2,
    });
    await post('/ec2/faults', { action: 'ReplaceRoute', code: 'RequestLimitExceeded', times: 2 });
    const run = await failOverOnce(b);
    expect(run.error).toBeUndefined();
    expect(run.status).toBe('succeeded');
    expect(associate).toEqual({ ok: 1, throttled: 2 });
    expect(replace.throttled).toBe(2);
    expect(pairState(b.world).eipHolder).toBe(pairState(b.world).standby.networkInterfaceId);
    await b.round();
    expect((await b.runtime.monitor.store.watches())[PRIMARY]!.incident!.failover).toBe('done');
  });

  it('EC2 throttling every attempt: fails cleanly, undone, the incident says why', async () => {
    const b = await start('mon-throttle-all', {
      failuresToAct: 2,
      routers: { [PRIMARY]: { failover: 'auto' } },
    });
    const primaryEni = pairState(b.world).primary.networkInterfaceId;
    const associate = answers(b.world, 'AssociateAddress');
    await post('/ec2/faults', {
      action: 'AssociateAddress',
      code: 'RequestLimitExceeded',
      times: 1000,
    });
    const run = await failOverOnce(b);
    expect(run.status).toBe('rolled-back');
    expect(run.error).toContain('EC2 throttled');
    expect(associate.ok).toBe(0);
    expect(associate.throttled).toBeGreaterThan(1);
    expect(pairState(b.world).eipHolder).toBe(primaryEni);
    await post('/ec2/faults', { clear: true });

    await b.round();
    const incident = (await b.runtime.monitor.store.watches())[PRIMARY]!.incident!;
    expect(incident.failover).toBe('failed');
    expect(incident.timeline.at(-1)).toMatchObject({ what: 'failed' });
    expect(describeIncident(incident)).toContain(`failover ${run.id} ended rolled-back`);
    expect(describeIncident(incident)).toContain('EC2 throttled');
    // A failed failover is not retried behind the operators' back.
    expect((await b.round()).failovers).toEqual([]);
  });

  it('three workers run each scheduler tick exactly once, every one a whole round', async () => {
    const b = await start('mon-3w', { intervalSeconds: 0.3 }, true);
    await b.addWorker();
    await b.addWorker();
    const store = b.runtime.monitor.store;
    await waitFor(
      'fifteen rounds',
      async () => Object.keys(await store.ticks()).length >= 15,
      60_000,
    );
    const ticks = await store.ticks();
    for (const [tick, runs] of Object.entries(ticks)) {
      expect(tick).toMatch(/^repeat:flatnet-monitor:/);
      expect(runs, tick).toBe(1);
    }
    expect(await b.runtime.monitor.scheduler!.queue.getJobSchedulersCount()).toBe(1);
    const last = (await store.lastRound())!;
    expect(last.routers.map((r) => r.router).sort()).toEqual(
      Object.keys(b.runtime.loaded.inventory.routers).sort(),
    );
  });

  it('a primary flapping (down 3 rounds, up 3 rounds, 7 times) is failed over once', async () => {
    const b = await start(
      'mon-flap',
      {
        intervalSeconds: 0.3,
        failuresToAct: 2,
        recoveriesToResolve: 2,
        routers: { [PRIMARY]: { failover: 'auto' } },
      },
      true,
    );
    const store = b.runtime.monitor.store;
    const rounds = async () => Object.keys(await store.ticks()).length;
    const incidents = new Set<string>();
    for (let flap = 0; flap < 14; flap++) {
      const down = flap % 2 === 0;
      await post(`/routers/${PRIMARY}/${down ? 'down' : 'up'}`, { how: 'power' });
      // Three whole rounds in this state (the one running at the switch may straddle it),
      // counted in rounds the scheduler ran, not in time.
      const from = await rounds();
      await waitFor('four more rounds', async () => (await rounds()) >= from + 4, 30_000);
      const id = (await store.watches())[PRIMARY]?.incident?.id;
      if (id) incidents.add(id);
    }
    await post(`/routers/${PRIMARY}/up`, { how: 'power' });
    const failovers = await b.runtime.engine.store.list({
      target: PRIMARY,
      kind: 'failover',
      limit: 20,
    });
    expect(failovers).toHaveLength(1);
    expect(incidents.size).toBeGreaterThan(1);
    const last = (await store.watches())[PRIMARY]!.incident!;
    expect(last.id).not.toBe([...incidents][0]);
    expect(['cooldown', 'none']).toContain(last.failover);
    const run = await waitFor('the one failover to end', async () => {
      const r = await b.runtime.engine.get(failovers[0]!.id);
      return r && ENDED.includes(r.status) ? r : undefined;
    });
    expect(run.status).toBe('succeeded');
    // Never taken back by the monitor: the standby keeps the Elastic IP.
    expect(pairState(b.world).eipHolder).toBe(pairState(b.world).standby.networkInterfaceId);
    expect(b.world.router(STANDBY).instanceId).toBe(pairState(b.world).standby.instanceId);
  });

  it('a primary answering SSH with every tunnel down: an incident, no failover', async () => {
    const b = await start('mon-dark', {
      failuresToAct: 2,
      recoveriesToResolve: 2,
      routers: { [PRIMARY]: { failover: 'auto' } },
    });
    const primaryEni = pairState(b.world).primary.networkInterfaceId;
    await b.round();
    const peers = describeWorld(b.world)
      .routers.find((r) => r.name === PRIMARY)!
      .tunnels.map((t) => t.peer);
    expect(peers.length).toBeGreaterThan(0);
    for (const peer of peers) await post(`/routers/${PRIMARY}/tunnels/${peer}/down`, {});
    const rounds = [await b.round(), await b.round(), await b.round()];
    expect(rounds.flatMap((r) => r.failovers)).toEqual([]);
    const incident = (await b.runtime.monitor.store.watches())[PRIMARY]!.incident!;
    expect([incident.kind, incident.failover]).toEqual(['tunnels-down', 'none']);
    expect(describeIncident(incident)).toContain('SSH answers, but all its tunnels are down');
    expect(describeIncident(incident)).toContain('no automatic failover');
    expect(pairState(b.world).eipHolder).toBe(primaryEni);

    for (const peer of peers) await post(`/routers/${PRIMARY}/tunnels/${peer}/up`, {});
    await waitFor('a round to see tunnels up again', async () => {
      await b.round();
      const watch = (await b.runtime.monitor.store.watches())[PRIMARY]!;
      return watch.incident?.resolvedAt !== undefined;
    });
    const resolved = (await b.runtime.monitor.store.watches())[PRIMARY]!.incident!;
    expect(resolved.timeline.at(-1)!.text).toBe(`${PRIMARY}'s tunnels are up again`);
  });
});
