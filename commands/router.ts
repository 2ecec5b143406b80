/** /router status | scaleup | scaledown | failover | failback | history | help */
import type { App } from '@slack/bolt';
import { registerSlashCommand, type CommandDeps } from './slash-listener.js';

export function registerRouterCommand(app: App, deps: CommandDeps): void {
  registerSlashCommand(app, '/router', deps);
}
