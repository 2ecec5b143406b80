import { FlatnetError } from '../../errors.js';
import type { TypedStepContext } from '../../runbook/define-step.js';
import type { RouterClient } from '../../vyos/router-client.js';
import type { ScaleDeps } from '../scale-deps.js';
import { copiedConfigOf, SCALE_STEPS } from '../scale-steps.js';

/** A session to the replacement, with the host key `copy-config` pinned on first use. */
export function newRouterClient(ctx: TypedStepContext<ScaleDeps>): RouterClient {
  const facts = ctx.result(SCALE_STEPS.loadFacts);
  const copied = copiedConfigOf(ctx.result(SCALE_STEPS.copyConfig));
  const fresh = ctx.result(SCALE_STEPS.waitRunning);
  if (!copied.hostKey || !copied.sshHost || !copied.sshPort) {
    throw new FlatnetError(
      'INTERNAL',
      'the copy-config step recorded no SSH endpoint for the new router',
      'check the run record; a dry run has no new router',
    );
  }
  return ctx.deps.routers.forInstance({
    name: `${facts.router}/${fresh.instanceId}`,
    host: copied.sshHost,
    port: copied.sshPort,
    hostKey: copied.hostKey,
    sameLoginAs: facts.router,
  });
}
