/**
 * Execute steps 1–3: launch the replacement, wait until it runs, let it forward. None of
 * them touches traffic: the old router keeps forwarding throughout.
 */
import { FlatnetError } from '../../errors.js';
import type { Step, StepContext } from '../../runbook/types.js';
import {
  asJson,
  newInstanceOf,
  resultOf,
  type LaunchResult,
  type LoadFactsResult,
  type NewInstance,
} from '../scale-facts.js';
import type { ScaleDeps } from '../scale-deps.js';

/** The launch's idempotency token: the same for every attempt of this run, so a resumed run finds its instance instead of launching a second. */
export function launchTokenOf(runId: string): string {
  const token = `${runId}-launch`;
  if (token.length > 64 || !/^[\x21-\x7e]+$/.test(token)) {
    throw new FlatnetError(
      'INTERNAL',
      `run id ${runId} makes a client token EC2 would refuse (64 printable ASCII characters at most)`,
      'this is a flatnet bug: run ids are short',
    );
  }
  return token;
}

const factsOf = (ctx: StepContext<ScaleDeps>) =>
  resultOf<LoadFactsResult>(ctx.results, 'load-facts');

export const launchStep: Step<ScaleDeps> = {
  id: 'launch',
  title: 'Launch the new instance',
  phase: 'execute',
  async run(ctx) {
    const facts = factsOf(ctx);
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
        result: asJson(result),
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
    await ctx.deps.afterAction?.('launch');
    const result: LaunchResult = { instanceId, clientToken, reused: earlier !== undefined };
    return {
      result: asJson(result),
      detail: `${instanceId} launched as ${facts.targetType}${earlier ? ' (found by its client token)' : ''}`,
    };
  },
  // Stop, never terminate: the instance and its disk stay for the operator to inspect or reuse.
  async undo(ctx) {
    const facts = factsOf(ctx);
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
      kept: `instance ${instance.instanceId} stopped, not terminated (tagged flatnet:abandoned-by=${ctx.run.id}; terminate it once nobody needs its disk)`,
    };
  },
};

export const waitRunningStep: Step<ScaleDeps> = {
  id: 'wait-running',
  title: 'Wait until the new instance runs',
  phase: 'execute',
  async run(ctx) {
    const facts = factsOf(ctx);
    if (ctx.dryRun) return { detail: 'dry run: no instance to wait for' };
    const launch = resultOf<LaunchResult>(ctx.results, 'launch');
    if (!launch.instanceId)
      throw new FlatnetError(
        'INTERNAL',
        'the launch step recorded no instance',
        'check EC2 for an instance tagged flatnet:run=' + ctx.run.id,
      );
    const running = await ctx.deps.cloud.waitUntilRunning(facts.region, launch.instanceId);
    await ctx.deps.afterAction?.('wait-running');
    const result: NewInstance = {
      instanceId: running.instanceId,
      networkInterfaceId: running.networkInterfaceId,
      privateIp: running.privateIp,
      type: running.type,
    };
    return {
      result: asJson(result),
      detail: `${running.instanceId} running at ${running.privateIp} (${running.networkInterfaceId})`,
    };
  },
};

export const disableSourceDestCheckStep: Step<ScaleDeps> = {
  id: 'disable-source-dest-check',
  title: 'Disable source/dest check on the new instance',
  phase: 'execute',
  async run(ctx) {
    const facts = factsOf(ctx);
    const { cloud } = ctx.deps;
    if (ctx.dryRun) {
      // Proves the permission on the instance we have; the new one does not exist in a dry run.
      await cloud.disableSourceDestCheck(facts.region, facts.instanceId, true);
      return { detail: 'DryRun: ModifyInstanceAttribute SourceDestCheck=false would succeed' };
    }
    const fresh = newInstanceOf(ctx.results);
    const now = await cloud.describeInstance(facts.region, fresh.instanceId);
    // A VyOS instance drops forwarded packets while the check is on.
    if (now.sourceDestCheck) await cloud.disableSourceDestCheck(facts.region, fresh.instanceId);
    await ctx.deps.afterAction?.('disable-source-dest-check');
    return {
      detail: `${fresh.instanceId} forwards (source/dest check off${now.sourceDestCheck ? '' : ', already'})`,
    };
  },
};
