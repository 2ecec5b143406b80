/**
 * Execute step 9: stop the old instance (never terminate: a stopped router is a rollback an
 * operator can start again) and tag it with the run, then record the new instance in the
 * router facts so the rest of flatnet reaches it before the inventory file is edited.
 */
import type { StepAction } from '../../runbook/define-step.js';
import { inventoryLinesFor } from '../merge-router-facts.js';
import type { RouterFacts } from '../router-facts.js';
import type { ScaleDeps } from '../scale-deps.js';
import { copiedConfigOf, SCALE_STEPS, type StopOldRouterResult } from '../scale-steps.js';

export const stopOldRouter: StepAction<ScaleDeps, StopOldRouterResult> = async (ctx) => {
  const facts = ctx.result(SCALE_STEPS.loadFacts);
  const { cloud, routerFacts, clock } = ctx.deps;
  if (ctx.dryRun) {
    await cloud.stopInstance(facts.region, facts.instanceId, true);
    return { detail: `DryRun: StopInstances ${facts.instanceId} would succeed` };
  }
  const fresh = ctx.result(SCALE_STEPS.waitRunning);
  const copied = copiedConfigOf(ctx.result(SCALE_STEPS.copyConfig));
  // Recorded first: the new router is the router now, whether or not the stop below succeeds.
  const earlier = await routerFacts.get(facts.router);
  const known: RouterFacts = {
    instanceId: fresh.instanceId,
    privateIp: fresh.privateIp,
    networkInterfaceId: fresh.networkInterfaceId,
    type: fresh.type,
    hostKey: copied.hostKey ?? '',
    sshHost: copied.sshHost ?? fresh.privateIp,
    sshPort: copied.sshPort ?? 22,
    replacedAt: clock(),
    runId: ctx.run.id,
    replaces: [
      ...(earlier?.replaces ?? []),
      ...(earlier && earlier.instanceId !== facts.instanceId ? [earlier.instanceId] : []),
      facts.instanceId,
    ].filter((id, i, all) => all.indexOf(id) === i && id !== fresh.instanceId),
  };
  await routerFacts.set(facts.router, known);
  const old = await cloud.describeInstance(facts.region, facts.instanceId);
  let state = old.state;
  if (old.state !== 'stopped' && old.state !== 'stopping') {
    await ctx.assertStillOwner();
    state = (await cloud.stopInstance(facts.region, facts.instanceId)) ?? 'stopping';
  }
  await cloud.createTags(facts.region, [facts.instanceId], { 'flatnet:replaced-by': ctx.run.id });
  return {
    result: {
      stopped: facts.instanceId,
      // EC2's word at the end of the step: `stopping` until the instance has shut down.
      state,
      inventoryLines: inventoryLinesFor(facts.router, known),
    },
    detail: `${facts.instanceId} ${state} and tagged flatnet:replaced-by=${ctx.run.id}`,
  };
};
