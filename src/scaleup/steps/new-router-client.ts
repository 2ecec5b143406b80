import type { StepContext } from '../../runbook/types.js';
import type { RouterClient } from '../../vyos/router-client.js';
import { FlatnetError } from '../../errors.js';
import {
  newInstanceOf,
  resultOf,
  type CopyConfigResult,
  type LoadFactsResult,
} from '../scale-facts.js';
import type { ScaleDeps } from '../scale-deps.js';

/** A session to the replacement, with the host key `copy-config` pinned on first use. */
export function newRouterClient(ctx: StepContext<ScaleDeps>): RouterClient {
  const facts = resultOf<LoadFactsResult>(ctx.results, 'load-facts');
  const copied = resultOf<CopyConfigResult>(ctx.results, 'copy-config');
  const fresh = newInstanceOf(ctx.results);
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
