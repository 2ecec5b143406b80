/**
 * A slash command's answer as the person sees it once it settled. The bot answers Slack first
 * (commands/slash-listener.ts): a command whose run needs a check against the routers is
 * acknowledged with "Checking … before starting r-…", and the answer (started, or refused)
 * replaces that acknowledgement later, through the command's response_url.
 */
import type { BotReply } from '../../src/sim/slack/bot-reply.js';
import type { SlackStore } from '../../src/sim/slack/slack-store.js';
import { waitFor } from './wait-for.js';

/** The ephemeral the ack was shown as, as it is now (a later answer replaces it in place). */
export function ackedEphemeral(store: SlackStore, user: string, reply: BotReply) {
  const said = (reply.json as { text?: string } | undefined)?.text;
  const ts = store.ephemerals(user).find((e) => e.text === said)?.ts;
  if (ts === undefined) throw new Error(`no ephemeral shows the ack ${JSON.stringify(said)}`);
  return () => store.ephemeral(user, ts)!;
}

/** The answer, as JSON text like the ack's body: the ack, or what replaced its "Checking…". */
export async function settledAnswer(
  store: SlackStore,
  user: string,
  reply: BotReply,
): Promise<string> {
  const said = (reply.json as { text?: string } | undefined)?.text ?? '';
  if (reply.error) return JSON.stringify(reply);
  if (!said.startsWith('Checking ')) return JSON.stringify(reply.json ?? reply.body);
  const now = ackedEphemeral(store, user, reply);
  const settled = await waitFor(
    () => !now().text.startsWith('Checking ') && now(),
    'the answer after the check',
  );
  return JSON.stringify({ text: settled.text, blocks: settled.blocks });
}
