/** /router status | scaleup | scaledown | failover | failback | history | help */
import type { SlashCommandRoutes } from '../src/slack/slash-front-door.js';
import { registerSlashCommand, type CommandDeps } from './slash-listener.js';

export function registerRouterCommand(slack: SlashCommandRoutes, deps: CommandDeps): void {
  registerSlashCommand(slack, '/router', deps);
}
