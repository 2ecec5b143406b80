/**
 * The Bolt listener behind every slash command: ack within Slack's 3 seconds with the answer
 * (the handler only parses, checks and enqueues, so it is fast), or open a form.
 */
import type { App } from '@slack/bolt';
import { handleSlashCommand, type SlashDeps } from './handle-slash-command.js';

export interface CommandDeps {
  slash: SlashDeps;
  /** Opens the add-peer form; absent until onboarding is built. */
  openAddPeerModal?: (client: App['client'], triggerId: string, user: string) => Promise<void>;
}

export function registerSlashCommand(app: App, name: '/vpn' | '/router', deps: CommandDeps): void {
  app.command(name, async ({ command, ack, client, logger }) => {
    const reply = await handleSlashCommand(deps.slash, {
      command: command.command,
      text: command.text,
      user: command.user_id,
      origin: { kind: 'slack', channel: command.channel_id, responseUrl: command.response_url },
    });
    if (reply.kind === 'modal') {
      if (!deps.openAddPeerModal) {
        await ack({
          response_type: 'ephemeral',
          text: 'The add-peer form is not built yet: use /vpn add-peer <name> --pubkey KEY',
        });
        return;
      }
      await ack();
      try {
        await deps.openAddPeerModal(client, command.trigger_id, command.user_id);
      } catch (err) {
        logger.error(`could not open the add-peer form: ${(err as Error).message}`);
      }
      return;
    }
    await ack({
      response_type: 'ephemeral',
      text: reply.message.text,
      blocks: reply.message.blocks as never,
    });
  });
}
