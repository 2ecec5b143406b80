/**
 * The scale-up's cutover: from the router as `load-facts` read it to the instance this run
 * launched (`wait-running`), reached with the host key `copy-config` pinned and expected to
 * match the SAs and BGP sessions `copy-config` saw up on the old router. In a dry run there
 * is no new instance: the steps prove their permissions against the old router's interface.
 */
import { FlatnetError } from '../../errors.js';
import type { Cutover, CutoverSide } from '../../cutover/cutover.js';
import type { TypedStepContext } from '../../runbook/define-step.js';
import type { ScaleDeps } from '../scale-deps.js';
import { copiedConfigOf, SCALE_STEPS } from '../scale-steps.js';
import { newRouterClient } from './new-router-client.js';

export function scaleCutover(ctx: TypedStepContext<ScaleDeps>): Cutover {
  const facts = ctx.result(SCALE_STEPS.loadFacts);
  const from: CutoverSide = {
    label: facts.router,
    instanceId: facts.instanceId,
    networkInterfaceId: facts.networkInterfaceId,
    client: () => ctx.deps.routers.router(facts.router),
  };
  const common = {
    region: facts.region,
    elasticIp: { allocationId: facts.elasticIp.allocationId, publicIp: facts.elasticIp.publicIp },
    routes: facts.routes,
    from,
  };
  if (ctx.dryRun) {
    const noRouter = (): never => {
      throw new FlatnetError(
        'INTERNAL',
        'a dry run has no new router to talk to',
        'this is a flatnet bug: a cutover step reached for the new router in a dry run',
      );
    };
    return {
      ...common,
      to: { ...from, label: 'the new router', client: noRouter },
      expectedSas: [],
      expectedBgp: [],
    };
  }
  const fresh = ctx.result(SCALE_STEPS.waitRunning);
  const copied = copiedConfigOf(ctx.result(SCALE_STEPS.copyConfig));
  return {
    ...common,
    to: {
      label: 'the new router',
      instanceId: fresh.instanceId,
      networkInterfaceId: fresh.networkInterfaceId,
      client: () => newRouterClient(ctx),
    },
    expectedSas: copied.expectedSas,
    expectedBgp: copied.expectedBgp,
  };
}
