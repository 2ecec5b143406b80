import { randomBytes } from 'node:crypto';
import { BadInputError } from '../../errors.js';
import { viewToApi } from './answer-view-methods.js';
import { requireUser, type DeliveryDeps } from './deliver-to-bot.js';
import type { BotReply } from './bot-reply.js';
import { sendToApp } from './send-to-app.js';
import type { SignOptions } from './sign-slack-request.js';
import type { SimView, SlackBlock } from './types.js';

/**
 * What the person entered, by block_id. A string is the value of the block's (single)
 * element; a record maps action_id → value. For selects and radio buttons the value is the
 * chosen option's `value`.
 */
export type ViewValues = Record<string, string | Record<string, string | undefined> | undefined>;

export interface SubmitViewInput {
  user: string;
  viewId: string;
  values: ViewValues;
  sign?: SignOptions;
}

export interface ViewSubmitReply extends BotReply {
  /** What the bot asked for in its ack; absent means "close this modal". */
  responseAction?: 'errors' | 'update' | 'push' | 'clear';
  /** Field errors shown in the modal, by block_id. */
  errors?: Record<string, string>;
}

type Obj = Record<string, unknown>;

function optionsOf(element: Obj): Obj[] {
  if (Array.isArray(element.options)) return element.options as Obj[];
  if (Array.isArray(element.option_groups))
    return (element.option_groups as { options?: Obj[] }[]).flatMap((g) => g.options ?? []);
  return [];
}

/** One element's entry in `view.state.values`, shaped as Slack shapes it per element type. */
function elementState(element: Obj, value: string | undefined): Obj {
  const type = String(element.type);
  switch (type) {
    case 'static_select':
    case 'radio_buttons': {
      const option =
        value === undefined ? undefined : optionsOf(element).find((o) => o.value === value);
      if (value !== undefined && !option) {
        const known = optionsOf(element)
          .map((o) => String(o.value))
          .join(', ');
        throw new BadInputError(
          `"${value}" is not an option of ${String(element.action_id)}`,
          `choose one of ${known}`,
        );
      }
      return { type, selected_option: option ?? null };
    }
    case 'checkboxes': {
      const chosen = (value ?? '').split(',').filter(Boolean);
      return {
        type,
        selected_options: optionsOf(element).filter((o) => chosen.includes(String(o.value))),
      };
    }
    case 'users_select':
      return { type, selected_user: value ?? null };
    case 'conversations_select':
    case 'channels_select':
      return { type, selected_conversation: value ?? null };
    default:
      return { type, value: value ?? null };
  }
}

/** Build `view.state.values` from the view's input blocks and what the person entered. */
export function buildViewState(
  blocks: SlackBlock[],
  values: ViewValues,
): Record<string, Record<string, Obj>> {
  const state: Record<string, Record<string, Obj>> = {};
  for (const block of blocks) {
    if (block.type !== 'input' || !block.element || !block.block_id) continue;
    const element = block.element as Obj;
    const actionId = String(element.action_id ?? '');
    const entered = values[block.block_id];
    const value = typeof entered === 'string' ? entered : entered?.[actionId];
    state[block.block_id] = { [actionId]: elementState(element, value) };
  }
  return state;
}

function requireView(deps: DeliveryDeps, user: string, viewId: string): SimView {
  const view = deps.ctx.store.views.get(viewId);
  if (!view || view.user !== user) {
    const open =
      deps.ctx.store
        .viewStack(user)
        .map((v) => v.id)
        .join(', ') || 'none';
    throw new BadInputError(
      `no open modal ${viewId} for ${user}`,
      `open modals of ${user}: ${open}`,
    );
  }
  return view;
}

export async function deliverViewSubmission(
  deps: DeliveryDeps,
  input: SubmitViewInput,
): Promise<ViewSubmitReply> {
  const { ctx } = deps;
  const user = requireUser(ctx, input.user);
  const view = requireView(deps, user.id, input.viewId);
  const blocks = Array.isArray(view.view.blocks) ? (view.view.blocks as SlackBlock[]) : [];
  const payload = {
    type: 'view_submission',
    team: { id: ctx.teamId, domain: ctx.teamDomain },
    user: { id: user.id, username: user.name, name: user.name, team_id: ctx.teamId },
    api_app_id: ctx.appId,
    token: deps.verificationToken,
    trigger_id: ctx.triggers.issue(user.id),
    view: { ...viewToApi(view, ctx), state: { values: buildViewState(blocks, input.values) } },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
  const reply: ViewSubmitReply = await sendToApp(
    deps.link,
    { type: 'interactive', payload, acceptsResponsePayload: true },
    input.sign,
  );
  // A failed delivery leaves the modal open, as Slack does ("We had some trouble connecting").
  if (reply.status !== 200) return reply;
  const ack = (reply.json && typeof reply.json === 'object' ? reply.json : {}) as {
    response_action?: string;
    errors?: Record<string, string>;
    view?: Obj;
  };
  switch (ack.response_action) {
    case 'errors':
      ctx.store.putView({ ...view, errors: ack.errors ?? {} });
      return { ...reply, responseAction: 'errors', errors: ack.errors ?? {} };
    case 'update':
      if (ack.view) ctx.store.putView({ ...view, view: ack.view, errors: undefined });
      return { ...reply, responseAction: 'update' };
    case 'push':
      if (ack.view) {
        const id = `V${randomBytes(5).toString('hex').toUpperCase()}`;
        ctx.store.putView({
          id,
          user: user.id,
          view: ack.view,
          hash: view.hash,
          rootViewId: view.rootViewId,
          previousViewId: view.id,
        });
      }
      return { ...reply, responseAction: 'push' };
    case 'clear':
      ctx.store.closeStack(view.rootViewId);
      return { ...reply, responseAction: 'clear' };
    default:
      ctx.store.closeView(view.id);
      return reply;
  }
}

/**
 * The person closes a modal (✕ or Cancel); the bot hears of it only if it asked
 * (`notify_on_close`).
 */
export async function closeViewByUser(
  deps: DeliveryDeps,
  input: { user: string; viewId: string },
): Promise<void> {
  const user = requireUser(deps.ctx, input.user);
  const view = requireView(deps, user.id, input.viewId);
  deps.ctx.store.closeView(view.id);
  if (view.view.notify_on_close !== true) return;
  const payload = {
    type: 'view_closed',
    team: { id: deps.ctx.teamId, domain: deps.ctx.teamDomain },
    user: { id: user.id, username: user.name, name: user.name, team_id: deps.ctx.teamId },
    api_app_id: deps.ctx.appId,
    token: deps.verificationToken,
    view: viewToApi(view, deps.ctx),
    is_cleared: false,
    is_enterprise_install: false,
  };
  await sendToApp(deps.link, { type: 'interactive', payload, acceptsResponsePayload: false });
}
