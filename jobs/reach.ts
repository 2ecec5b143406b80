/**
 * /vpn reach <from> <to>: does a packet get from one network to the other and back? Read
 * from the real network only — EC2 route tables (with what the VGWs propagate), instances,
 * VPN telemetry, and each router's routing table, SAs and WireGuard peers over SSH — then
 * followed hop by hop. Read-only: anyone may ask, no approval, no lock.
 */
import type { Inventory } from '../src/config/inventory-schema.js';
import { FlatnetError } from '../src/errors.js';
import type { RunRequestPlanner } from '../src/grammar/run-request-planner.js';
import { describeReach } from '../src/reach/describe-reach.js';
import { judgeReach } from '../src/reach/judge-reach.js';
import type { ReachCloud, ReachRouters } from '../src/reach/reach-ports.js';
import { readReachState } from '../src/reach/read-reach-state.js';
import type { ReachVerdict } from '../src/report/reach-report.js';
import { defineStep } from '../src/runbook/define-step.js';
import { resultIn, shapeOf, stepRef } from '../src/runbook/step-ref.js';
import type { Runbook } from '../src/runbook/types.js';

export interface ReachDeps {
  inventory: Inventory;
  routers: ReachRouters;
  cloud: ReachCloud;
}

export const REACH_STEPS = { judge: stepRef('judge', shapeOf<ReachVerdict>()) } as const;

export function createReachRunbook(): Runbook<ReachDeps> {
  return {
    kind: 'reach',
    steps: [
      defineStep(REACH_STEPS.judge, {
        title: 'Read routers and AWS, follow the packet there and back',
        async run(ctx) {
          const { from, to, port } = ctx.run.params;
          if (typeof from !== 'string' || typeof to !== 'string')
            throw new FlatnetError('INTERNAL', 'a reach run needs from and to');
          const state = await readReachState(ctx.deps);
          const m = typeof port === 'string' ? /^(tcp|udp)\/(\d+)$/.exec(port) : null;
          const probe = m ? { protocol: m[1] as 'tcp' | 'udp', port: Number(m[2]) } : undefined;
          const verdict = judgeReach(state, from, to, probe);
          return {
            result: verdict,
            detail: verdict.reachable
              ? `${verdict.from} ↔ ${verdict.to}: reaches, both ways`
              : `${verdict.from} → ${verdict.to}: broken at ` +
                `${verdict.brokenAt ?? '?'} (${verdict.direction ?? '?'})`,
          };
        },
      }),
    ],
    summarize(run) {
      const verdict = resultIn(run, REACH_STEPS.judge);
      return verdict ? describeReach(verdict) : 'nothing judged';
    },
  };
}

/** Anyone may ask; the endpoints are checked against the network when the run reads it. */
export const reachPlanner: RunRequestPlanner = {
  plan(command) {
    if (command.kind !== 'reach')
      throw new FlatnetError('INTERNAL', `reach cannot plan ${command.kind}`);
    return {
      kind: 'reach',
      target: `${command.from} ${command.to}`,
      params: {
        from: command.from,
        to: command.to,
        ...(command.port ? { port: `${command.port.protocol}/${command.port.port}` } : {}),
      },
      dryRun: false,
    };
  },
};
