/**
 * Execute step `move-interfaces`: the old router's extra interfaces (a spoke's leg into its
 * Staging VPC, a multi-VPC attachment) move to the new router at the same device index, so
 * VyOS sees the same ethN and the copied configuration applies to it. The Staging VPC's route
 * table targets that interface, not the instance: the route follows the interface, nothing to
 * repoint. Without this a scale-up left the Staging VPC routed to a stopped instance.
 *
 * Looks before it acts (an interface already on the new router is counted, so a resumed run
 * does not move it twice); undo moves back only what is on the new router.
 */
import { FlatnetError } from '../../errors.js';
import type { StepAction } from '../../runbook/define-step.js';
import type { ScaleDeps } from '../scale-deps.js';
import { SCALE_STEPS as S, type MovedInterfaces } from '../scale-steps.js';

const names = (ids: { networkInterfaceId: string; deviceIndex: number }[]) =>
  ids.map((e) => `${e.networkInterfaceId} (eth${e.deviceIndex})`).join(', ');

export const moveInterfaces: StepAction<ScaleDeps, MovedInterfaces> = async (ctx) => {
  const facts = ctx.result(S.loadFacts);
  const extra = facts.extraInterfaces ?? [];
  const { cloud } = ctx.deps;
  if (extra.length === 0)
    return { result: { moved: [] }, detail: `${facts.router} has no interface besides eth0` };
  if (ctx.dryRun) {
    const old = await cloud.describeInstance(facts.region, facts.instanceId);
    for (const e of old.extraInterfaces ?? [])
      await cloud.moveNetworkInterface(facts.region, {
        ...e,
        toInstanceId: facts.instanceId,
        dryRun: true,
      });
    return {
      result: { moved: [] },
      detail:
        'DryRun: DetachNetworkInterface and AttachNetworkInterface ' +
        `would succeed; would move ${names(extra)} to the new router`,
    };
  }
  const fresh = ctx.result(S.waitRunning);
  await ctx.assertStillOwner();
  const [old, now] = await Promise.all([
    cloud.describeInstance(facts.region, facts.instanceId),
    cloud.describeInstance(facts.region, fresh.instanceId),
  ]);
  for (const e of extra) {
    if (now.extraInterfaces?.some((x) => x.networkInterfaceId === e.networkInterfaceId)) continue;
    const attached = old.extraInterfaces?.find(
      (x) => x.networkInterfaceId === e.networkInterfaceId,
    );
    if (!attached)
      throw new FlatnetError(
        'CLOUD',
        `${e.networkInterfaceId} is attached neither to ${facts.router}'s ` +
          `old instance ${facts.instanceId} nor to the new ${fresh.instanceId}`,
        'find it in the EC2 console and attach it to ' +
          `${fresh.instanceId} at device index ${e.deviceIndex}`,
      );
    await cloud.moveNetworkInterface(facts.region, {
      networkInterfaceId: e.networkInterfaceId,
      attachmentId: attached.attachmentId,
      toInstanceId: fresh.instanceId,
      deviceIndex: e.deviceIndex,
    });
  }
  return {
    result: { moved: extra },
    detail:
      `${names(extra)} now on the new router ` +
      `${fresh.instanceId}; the routes that target them follow`,
  };
};

/**
 * Undo: each interface the step was to move goes back to the old instance, from the new one,
 * or from nowhere (the step failed between the detach and the attach).
 */
export const moveInterfacesBack: StepAction<ScaleDeps> = async (ctx) => {
  const facts = ctx.result(S.loadFacts);
  // The step may have failed half-way (no result saved): every interface it was to move.
  const moved = ctx.resultIfAny(S.moveInterfaces)?.moved ?? facts.extraInterfaces ?? [];
  const fresh = ctx.resultIfAny(S.waitRunning);
  if (!fresh || moved.length === 0) return;
  const { cloud } = ctx.deps;
  const [old, now] = await Promise.all([
    cloud.describeInstance(facts.region, facts.instanceId),
    cloud.describeInstance(facts.region, fresh.instanceId),
  ]);
  const back: MovedInterfaces['moved'] = [];
  for (const e of moved) {
    if (old.extraInterfaces?.some((x) => x.networkInterfaceId === e.networkInterfaceId)) continue;
    const onNew = now.extraInterfaces?.find((x) => x.networkInterfaceId === e.networkInterfaceId);
    await cloud.moveNetworkInterface(facts.region, {
      ...e,
      attachmentId: onNew?.attachmentId ?? null,
      toInstanceId: facts.instanceId,
    });
    back.push(e);
  }
  return { detail: `${names(back) || 'nothing to move'} back on ${facts.instanceId}` };
};
