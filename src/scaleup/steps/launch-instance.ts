/**
 * Execute steps 1–3: launch the replacement, wait until it runs, let it forward. None of
 * them touches traffic: the old router keeps forwarding throughout.
 */
import { FlatnetError } from '../../errors.js';
import type { StepAction } from '../../runbook/define-step.js';
import type { ScaleDeps } from '../scale-deps.js';
import { SCALE_STEPS, type LaunchResult, type NewInstance } from '../scale-steps.js';

/**
 * The launch's idempotency token: the same for every attempt of this run, so a resumed run finds
 * its instance instead of launching a second.
 */
export function launchTokenOf(runId: string): string {
  const token = `${runId}-launch`;
  if (token.length > 64 || !/^[\x21-\x7e]+$/.test(token)) {
    throw new FlatnetError(
      'INTERNAL',
      `run id ${runId} makes a client token EC2 would ` +
        'refuse (64 printable ASCII characters at most)',
      'this is a flatnet bug: run ids are short',
    );
  }
  return token;
}

export const launchInstance: StepAction<ScaleDeps, LaunchResult> = async (ctx) => {
  const facts = ctx.result(SCALE_STEPS.loadFacts);
  const { cloud } = ctx.deps;
  const clientToken = launchTokenOf(ctx.run.id);
  const request = {
    imageId: facts.image.imageId,
    type: facts.targetType,
    subnetId: facts.subnetId,
    clientToken,
    tags: {
      Name: facts.router,
      'flatnet:router': facts.router,
      'flatnet:run': ctx.run.id,
      'flatnet:replaces': facts.instanceId,
    },
  };
  if (ctx.dryRun) {
    await cloud.launchInstance(facts.region, { ...request, dryRun: true });
    const result: LaunchResult = { instanceId: null, clientToken, reused: false };
    return {
      result,
      detail: `DryRun: RunInstances ${facts.targetType} from ${facts.image.imageId} would succeed`,
    };
  }
  // A crash may have landed after RunInstances and before the result was saved.
  const earlier = await cloud.findInstanceByClientToken(facts.region, clientToken);
  let instanceId = earlier?.instanceId;
  if (!instanceId) {
    await ctx.assertStillOwner();
    const launched = await cloud.launchInstance(facts.region, request);
    if (!launched)
      throw new FlatnetError(
        'INTERNAL',
        'EC2 returned no instance for RunInstances',
        'check the EC2 endpoint; real EC2 always returns the reservation',
      );
    instanceId = launched.instanceId;
  }
  const result: LaunchResult = { instanceId, clientToken, reused: earlier !== undefined };
  return {
    result,
    detail:
      `${instanceId} launched as ` +
      `${facts.targetType}${earlier ? ' (found by its client token)' : ''}`,
  };
};

/**
 * Undo: stop, never terminate: the instance and its disk stay for the operator to inspect or reuse.
 */
export const stopLaunchedInstance: StepAction<ScaleDeps> = async (ctx) => {
  const facts = ctx.result(SCALE_STEPS.loadFacts);
  const { cloud } = ctx.deps;
  const instance = await cloud.findInstanceByClientToken(facts.region, launchTokenOf(ctx.run.id));
  if (!instance) return { detail: 'no instance had been launched' };
  if (
    instance.state !== 'stopped' &&
    instance.state !== 'stopping' &&
    instance.state !== 'terminated'
  )
    await cloud.stopInstance(facts.region, instance.instanceId);
  await cloud.createTags(facts.region, [instance.instanceId], {
    'flatnet:abandoned-by': ctx.run.id,
  });
  return {
    detail: `${instance.instanceId} stopped and tagged flatnet:abandoned-by=${ctx.run.id}`,
    kept:
      `instance ${instance.instanceId} stopped, not terminated (tagged ` +
      `flatnet:abandoned-by=${ctx.run.id}; terminate it once nobody needs its disk)`,
  };
};

export const waitUntilRunning: StepAction<ScaleDeps, NewInstance> = async (ctx) => {
  const facts = ctx.result(SCALE_STEPS.loadFacts);
  if (ctx.dryRun) return { detail: 'dry run: no instance to wait for' };
  const launch = ctx.result(SCALE_STEPS.launch);
  if (!launch.instanceId)
    throw new FlatnetError(
      'INTERNAL',
      'the launch step recorded no instance',
      'check EC2 for an instance tagged flatnet:run=' + ctx.run.id,
    );
  const running = await ctx.deps.cloud.waitUntilRunning(facts.region, launch.instanceId);
  const result: NewInstance = {
    instanceId: running.instanceId,
    networkInterfaceId: running.networkInterfaceId,
    privateIp: running.privateIp,
    type: running.type,
  };
  return {
    result,
    detail: `${running.instanceId} running at ${running.privateIp} (${running.networkInterfaceId})`,
  };
};

export const disableSourceDestCheck: StepAction<ScaleDeps> = async (ctx) => {
  const facts = ctx.result(SCALE_STEPS.loadFacts);
  const { cloud } = ctx.deps;
  if (ctx.dryRun) {
    // Proves the permission on the instance we have; the new one does not exist in a dry run.
    await cloud.disableSourceDestCheck(facts.region, facts.instanceId, true);
    return { detail: 'DryRun: ModifyInstanceAttribute SourceDestCheck=false would succeed' };
  }
  const fresh = ctx.result(SCALE_STEPS.waitRunning);
  const now = await cloud.describeInstance(facts.region, fresh.instanceId);
  // A VyOS instance drops forwarded packets while the check is on.
  if (now.sourceDestCheck) await cloud.disableSourceDestCheck(facts.region, fresh.instanceId);
  return {
    detail:
      `${fresh.instanceId} forwards (source/dest check ` +
      `off${now.sourceDestCheck ? '' : ', already'})`,
  };
};
