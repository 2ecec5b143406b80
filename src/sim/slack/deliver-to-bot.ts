import { BadInputError } from '../../errors.js';
import type { ApiContext } from './api-context.js';
import type { ResponsePayload, ResponseUrlBook } from './answer-response-url.js';
import type { BotReply } from './bot-reply.js';
import type { BotLink } from './post-to-bot.js';
import { sendToApp } from './send-to-app.js';
import type { SignOptions } from './sign-slack-request.js';
import type { SimChannel, SimEphemeral, SimMessage, SimUser, SlackBlock } from './types.js';

export interface SlashCommandInput {
  user: string;
  /** Channel id or `#name`; default: the first channel. */
  channel?: string;
  command: string;
  text?: string;
  sign?: SignOptions;
  /** A user of another workspace where the same app is installed (same signing secret). */
  fromTeam?: string;
}

export interface ClickButtonInput {
  user: string;
  /**
   * Where the message is; searched everywhere (channels, DMs, the user's ephemerals) when absent.
   */
  channel?: string;
  messageTs: string;
  actionId: string;
  /** Pick the button with this value when several share an action_id. */
  value?: string;
  sign?: SignOptions;
  /** A user of another workspace where the same app is installed (same signing secret). */
  fromTeam?: string;
}

export interface DeliveryDeps {
  ctx: ApiContext;
  link: BotLink;
  responses: ResponseUrlBook;
  /**
   * The verification token Slack still sends in every payload (deprecated, never checked by Bolt).
   */
  verificationToken: string;
}

export function requireUser(ctx: ApiContext, id: string): SimUser {
  const user = ctx.store.users.get(id);
  if (!user || user.isBot) {
    const known = [...ctx.store.users.values()].filter((u) => !u.isBot).map((u) => u.id);
    throw new BadInputError(
      `no person "${id}" in the Slack emulator`,
      `use one of ${known.join(', ')} or pass them in options.users`,
    );
  }
  return user;
}

function requireChannel(ctx: ApiContext, ref: string | undefined): SimChannel {
  const fallback = [...ctx.store.channels.values()].find((c) => !c.isIm);
  const channel = ref ? ctx.store.resolveChannel(ref) : fallback;
  if (!channel)
    throw new BadInputError(
      `no channel "${ref ?? ''}" in the Slack emulator`,
      'pass a channel id like C0NETOPS or a name like #netops',
    );
  return channel;
}

/** Slack shows a failed delivery to the person as an ephemeral line, in its own words. */
function showDeliveryFailure(
  deps: DeliveryDeps,
  channel: string,
  user: string,
  command: string,
  reply: BotReply,
): void {
  const reason = reply.error ?? (reply.status >= 500 ? 'http_service_error' : 'http_client_error');
  deps.ctx.store.postEphemeral({
    channel,
    user,
    text: `\`${command}\` failed with the error "${reason}"`,
  });
}

export async function deliverSlashCommand(
  deps: DeliveryDeps,
  input: SlashCommandInput,
): Promise<BotReply> {
  const { ctx } = deps;
  const user = requireUser(ctx, input.user);
  const channel = requireChannel(ctx, input.channel);
  const typed = `${input.command} ${input.text ?? ''}`.trim();
  const response = deps.responses.issue({ channel: channel.id, user: user.id, command: typed });
  const form = {
    token: deps.verificationToken,
    team_id: input.fromTeam ?? ctx.teamId,
    team_domain: ctx.teamDomain,
    channel_id: channel.id,
    channel_name: channel.isIm ? 'directmessage' : channel.name,
    user_id: user.id,
    user_name: user.name,
    command: input.command,
    text: input.text ?? '',
    api_app_id: ctx.appId,
    is_enterprise_install: 'false',
    response_url: response.url,
    trigger_id: ctx.triggers.issue(user.id),
  };
  const reply = await sendToApp(deps.link, { type: 'slash_commands', fields: form }, input.sign);
  if (reply.status !== 200) {
    showDeliveryFailure(deps, channel.id, user.id, input.command, reply);
  } else if (reply.body) {
    // A synchronous answer in the ack: shown like a response_url post (ephemeral unless
    // in_channel).
    const payload: ResponsePayload =
      reply.json && typeof reply.json === 'object'
        ? (reply.json as ResponsePayload)
        : { text: reply.body };
    if (payload.text || payload.blocks) deps.responses.applyAck(response.id, payload);
  }
  return reply;
}

interface FoundButton {
  message: SimMessage | SimEphemeral;
  ephemeral: boolean;
  blockId: string;
  element: Record<string, unknown>;
}

function buttonsOf(
  blocks: SlackBlock[] | undefined,
): { blockId: string; element: Record<string, unknown> }[] {
  const out: { blockId: string; element: Record<string, unknown> }[] = [];
  for (const block of blocks ?? []) {
    const blockId = block.block_id ?? '';
    if (block.type === 'actions' && Array.isArray(block.elements)) {
      for (const el of block.elements as Record<string, unknown>[])
        out.push({ blockId, element: el });
    }
    if (block.type === 'section' && block.accessory && typeof block.accessory === 'object') {
      out.push({ blockId, element: block.accessory as Record<string, unknown> });
    }
  }
  return out;
}

function findButton(ctx: ApiContext, input: ClickButtonInput): FoundButton {
  const channels = input.channel
    ? [requireChannel(ctx, input.channel)]
    : [...ctx.store.channels.values()];
  let message: SimMessage | SimEphemeral | undefined;
  let ephemeral = false;
  for (const c of channels) {
    message = ctx.store.message(c.id, input.messageTs);
    if (message) break;
  }
  if (!message) {
    message = ctx.store.ephemeral(input.user, input.messageTs);
    ephemeral = message !== undefined;
  }
  if (!message) {
    throw new BadInputError(
      `no message ${input.messageTs} that ${input.user} can see`,
      'pass the ts returned by chat.postMessage (or an ephemeral message_ts of this user)',
    );
  }
  const buttons = buttonsOf(message.blocks);
  const hit = buttons.find(
    (b) =>
      b.element.action_id === input.actionId &&
      (input.value === undefined || b.element.value === input.value),
  );
  if (!hit) {
    const ids = buttons.map((b) => String(b.element.action_id)).join(', ') || 'none';
    throw new BadInputError(
      `message ${input.messageTs} has no button "${input.actionId}"`,
      `its buttons are: ${ids}`,
    );
  }
  return { message, ephemeral, ...hit };
}

export async function deliverButtonClick(
  deps: DeliveryDeps,
  input: ClickButtonInput,
): Promise<BotReply> {
  const { ctx } = deps;
  const user = requireUser(ctx, input.user);
  const found = findButton(ctx, input);
  const channel = ctx.store.channels.get(found.message.channel);
  const threadTs = found.message.threadTs;
  const response = deps.responses.issue({
    channel: found.message.channel,
    user: user.id,
    threadTs,
    source: { ts: found.message.ts, ephemeral: found.ephemeral },
  });
  const { element } = found;
  const action: Record<string, unknown> = {
    type: element.type ?? 'button',
    block_id: found.blockId,
    action_id: input.actionId,
    text: element.text,
    value: element.value,
    action_ts: ctx.store.nextTs(),
  };
  if (element.style) action.style = element.style;
  const botId = ctx.store.botUser.id.replace(/^U/, 'B');
  const payload = {
    type: 'block_actions',
    user: {
      id: user.id,
      username: user.name,
      name: user.name,
      team_id: input.fromTeam ?? ctx.teamId,
    },
    api_app_id: ctx.appId,
    token: deps.verificationToken,
    container: {
      type: 'message',
      message_ts: found.message.ts,
      channel_id: found.message.channel,
      is_ephemeral: found.ephemeral,
      ...(threadTs ? { thread_ts: threadTs } : {}),
    },
    trigger_id: ctx.triggers.issue(user.id),
    team: { id: input.fromTeam ?? ctx.teamId, domain: ctx.teamDomain },
    enterprise: null,
    is_enterprise_install: false,
    channel: {
      id: found.message.channel,
      name: channel?.isIm ? 'directmessage' : (channel?.name ?? ''),
    },
    // Slack leaves `message` out of the payload when the clicked message was ephemeral.
    ...(found.ephemeral
      ? {}
      : {
          message: {
            type: 'message',
            ts: found.message.ts,
            text: found.message.text,
            blocks: found.message.blocks ?? [],
            user: found.message.user,
            ...(found.message.user === ctx.store.botUser.id ? { bot_id: botId } : {}),
            ...(threadTs ? { thread_ts: threadTs } : {}),
          },
        }),
    state: { values: {} },
    response_url: response.url,
    actions: [action],
  };
  return sendToApp(
    deps.link,
    { type: 'interactive', payload, acceptsResponsePayload: false },
    input.sign,
  );
}
