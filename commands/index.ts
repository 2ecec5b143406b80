/** Wires every listener onto the Bolt app. */
import type { App } from '@slack/bolt';
import type { SlashCommandRoutes } from '../src/slack/slash-front-door.js';
import { openAddPeerModal, registerAddPeerModal } from './add-peer-modal.js';
import { registerApprovalButtons, type PromptLookup, type RunDecider } from './approvals.js';
import { registerRouterCommand } from './router.js';
import type { CommandDeps } from './slash-listener.js';
import { registerVpnCommand } from './vpn.js';

/** `slack`: the Bolt app, and where its slash commands are listened for (HTTP: the front door). */
export function register(
  slack: SlashCommandRoutes & { app: App },
  deps: CommandDeps & { decider: RunDecider; prompts: PromptLookup },
): void {
  const withForm: CommandDeps = {
    ...deps,
    openAddPeerModal:
      deps.openAddPeerModal ?? ((client, triggerId) => openAddPeerModal(client, triggerId)),
  };
  registerVpnCommand(slack, withForm);
  registerRouterCommand(slack, withForm);
  registerAddPeerModal(slack.app, deps.slash, deps.afterAck);
  registerApprovalButtons(slack.app, deps.decider, deps.prompts, deps.slash.logger);
}
