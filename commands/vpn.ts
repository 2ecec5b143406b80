/** /vpn status | add-peer | remove-peer | peers | attach-vpc | help */
import type { App } from '@slack/bolt';
import { registerSlashCommand, type CommandDeps } from './slash-listener.js';

export function registerVpnCommand(app: App, deps: CommandDeps): void {
  registerSlashCommand(app, '/vpn', deps);
}
