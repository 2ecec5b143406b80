/** Wires every listener onto the Bolt app. */
import type { App } from '@slack/bolt';
import { openAddPeerModal, registerAddPeerModal } from './add-peer-modal.js';
import { registerApprovalButtons, type PromptLookup, type RunDecider } from './approvals.js';
import { registerRouterCommand } from './router.js';
import type { CommandDeps } from './slash-listener.js';
import { registerVpnCommand } from './vpn.js';

export function register(
  app: App,
  deps: CommandDeps & { decider: RunDecider; prompts: PromptLookup },
): void {
  const withForm: CommandDeps = {
    ...deps,
    openAddPeerModal:
      deps.openAddPeerModal ?? ((client, triggerId) => openAddPeerModal(client, triggerId)),
  };
  registerVpnCommand(app, withForm);
  registerRouterCommand(app, withForm);
  registerAddPeerModal(app, deps.slash, deps.afterAck);
  registerApprovalButtons(app, deps.decider, deps.prompts, deps.slash.logger);
}
