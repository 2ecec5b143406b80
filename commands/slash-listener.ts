/**
 * The Bolt listener behind every slash command: answer Slack first, then do the work. What
 * needs no I/O (parse, the inventory checks) is answered in the ack; a command that starts a
 * run is acknowledged with its run id (made here) before its record exists, and the rest (a
 * check that reads the routers, the record, the queue) runs after the ack, so neither Slack's
 * 3 s nor a burst of commands holds the answer. What comes later goes to the command's
 * response_url, replacing the acknowledgement when it changes what it said.
 */
import type { App, RespondFn } from '@slack/bolt';
import type { SlashCommandRoutes } from '../src/slack/slash-front-door.js';
import {
  receiveSlashCommand,
  type LaterReply,
  type SlashDeps,
  type SlashReply,
} from './handle-slash-command.js';
import type { Logger } from '../src/log.js';
import type { BurstDeferral } from '../src/slack/reporter/defer-during-burst.js';

export interface CommandDeps {
  slash: SlashDeps;
  /**
   * Holds the work after the acks while a burst of commands lasts: it shares the event loop
   * (and Redis, and the routers' sessions) with the acks still to come. Absent: at once.
   */
  afterAck?: BurstDeferral;
  /** Opens the add-peer form; absent until onboarding is built. */
  openAddPeerModal?: (client: App['client'], triggerId: string, user: string) => Promise<void>;
}

/**
 * Listens for `/vpn` or `/router`: at the front door in HTTP mode, in Bolt in Socket Mode
 * (src/slack/slash-front-door.ts). Acks before any I/O of its own.
 */
export function registerSlashCommand(
  slack: SlashCommandRoutes,
  name: '/vpn' | '/router',
  deps: CommandDeps,
): void {
  slack.command(name, async ({ command, ack, client, respond }) => {
    const reply = receiveSlashCommand(deps.slash, {
      command: command.command,
      text: command.text,
      user: command.user_id,
      origin: { kind: 'slack', channel: command.channel_id, responseUrl: command.response_url },
    });
    if (reply.kind === 'later') {
      await ack(reply.ack ? ephemeral(reply.ack) : undefined);
      await whenBurstAcked(deps.afterAck, () => answerLater(reply, respond, deps.slash.logger));
      return;
    }
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
        deps.slash.logger?.error({ err }, 'could not open the add-peer form');
      }
      return;
    }
    await ack(ephemeral(reply.message));
  });
}

let commandsSeen = 0;

/**
 * Work after an ack, held while a burst lasts (returns at once then: the work is the
 * deferral's, and never throws), or done now.
 */
export async function whenBurstAcked(
  afterAck: BurstDeferral | undefined,
  work: () => Promise<void>,
): Promise<void> {
  if (afterAck) afterAck.defer(`command-${++commandsSeen}`, work);
  else await work();
}

const ephemeral = (message: { text: string; blocks?: unknown[] }) => ({
  response_type: 'ephemeral' as const,
  text: message.text,
  blocks: message.blocks as never,
});

/**
 * The rest of the work, after the ack, and its answer on the response_url: a refusal or a
 * failure replaces the acknowledgement (which may have said "Started"); a run that the ack
 * already announced needs no second word, its thread follows. A failure to answer is logged.
 */
async function answerLater(reply: LaterReply, respond: RespondFn, logger?: Logger) {
  const done: SlashReply = await reply.finish();
  if (done.kind === 'run' && reply.ackSaysStarted) return;
  const message = done.kind === 'modal' ? { text: 'use /vpn add-peer' } : done.message;
  try {
    await respond({ ...ephemeral(message), replace_original: reply.ack !== undefined });
  } catch (err) {
    logger?.error(
      { err, ...(reply.runId ? { runId: reply.runId } : {}) },
      'could not answer a slash command on its response_url',
    );
  }
}
