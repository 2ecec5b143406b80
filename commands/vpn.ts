/** /vpn status | add-peer | remove-peer | peers | attach-vpc | help */
import type { SlashCommandRoutes } from '../src/slack/slash-front-door.js';
import { registerSlashCommand, type CommandDeps } from './slash-listener.js';

export function registerVpnCommand(slack: SlashCommandRoutes, deps: CommandDeps): void {
  registerSlashCommand(slack, '/vpn', deps);
}
