/** Wires every listener onto the Bolt app. */
import type { App } from '@slack/bolt';
import { registerApprovalButtons, type RunDecider } from './approvals.js';
import { registerRouterCommand } from './router.js';
import type { CommandDeps } from './slash-listener.js';
import { registerVpnCommand } from './vpn.js';

export function register(app: App, deps: CommandDeps & { decider: RunDecider }): void {
  registerVpnCommand(app, deps);
  registerRouterCommand(app, deps);
  registerApprovalButtons(app, deps.decider);
}
