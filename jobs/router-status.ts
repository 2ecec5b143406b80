/**
 * /router status <router>: instance, type, state, load, Elastic IP holder, routes and the
 * run that holds the router now. Read-only: anyone may ask, and it takes no lock (it must
 * answer while a scale-up holds the router).
 */
import { findRouter } from '../src/util/find-router.js';
import { FlatnetError } from '../src/errors.js';
import {
  describeRouterFacts,
  readRouterFacts,
  type RouterFactsReport,
  type RouterStatusDeps,
} from '../src/router-status/read-router-facts.js';
import type { RunRequestPlanner } from '../src/grammar/run-request-planner.js';
import { defineStep } from '../src/runbook/define-step.js';
import { resultIn, shapeOf, stepRef } from '../src/runbook/step-ref.js';
import type { Runbook } from '../src/runbook/types.js';

const ROUTER_STATUS_STEPS = { read: stepRef('read', shapeOf<RouterFactsReport>()) } as const;

export type { RouterStatusDeps };

export function createRouterStatusRunbook(): Runbook<RouterStatusDeps> {
  return {
    kind: 'router-status',
    steps: [
      defineStep(ROUTER_STATUS_STEPS.read, {
        title: 'Read the instance, load, Elastic IP, routes and current run',
        async run(ctx) {
          const report = await readRouterFacts(ctx.deps, ctx.run.target);
          const what = report.instance
            ? `${report.instance.type} ${report.instance.state}`
            : 'instance unknown';
          return {
            result: report,
            detail:
              `${what}, ${report.routes.length} routes` +
              (report.problems.length ? `, ${report.problems.length} reads failed` : ''),
          };
        },
      }),
    ],
    summarize(run) {
      const report = resultIn(run, ROUTER_STATUS_STEPS.read);
      return report ? describeRouterFacts(report) : 'nothing read';
    },
  };
}

export const routerStatusPlanner: RunRequestPlanner = {
  plan(command, { inventory }) {
    if (command.kind !== 'router-status')
      throw new FlatnetError('INTERNAL', `router-status cannot plan ${command.kind}`);
    findRouter(inventory.routers, command.router);
    return { kind: 'router-status', target: command.router, params: {}, dryRun: false };
  },
};
