import { randomBytes } from 'node:crypto';
import { MESSAGE_LIMITS, checkMessageLimits } from './check-block-limits.js';
import { fail, type ApiContext, type ApiMethod, type ApiResult } from './api-context.js';
import { jsonArg, stringArg } from './read-request-body.js';
import type { SimView } from './types.js';

function newViewId(): string {
  return `V${randomBytes(5).toString('hex').toUpperCase()}`;
}

function newHash(): string {
  return `${Math.floor(Date.now() / 1000)}.${randomBytes(4).toString('hex')}`;
}

function textOf(value: unknown): string {
  if (
    value &&
    typeof value === 'object' &&
    typeof (value as { text?: unknown }).text === 'string'
  ) {
    return (value as { text: string }).text;
  }
  return '';
}

/** The checks Slack makes on a modal before showing it. */
function checkView(view: unknown): ApiResult | undefined {
  if (!view || typeof view !== 'object')
    return fail('invalid_arguments', {
      response_metadata: { messages: ['[ERROR] missing required field: view'] },
    });
  const v = view as Record<string, unknown>;
  const messages: string[] = [];
  if (v.type !== 'modal') messages.push('[ERROR] must be modal [json-pointer:/view/type]');
  const title = textOf(v.title);
  if (!title) messages.push('[ERROR] missing required field: title [json-pointer:/view/title]');
  if (title.length > 24)
    messages.push('[ERROR] must be less than 25 characters [json-pointer:/view/title/text]');
  const blocks = Array.isArray(v.blocks) ? (v.blocks as unknown[]) : [];
  const hasInputs = blocks.some((b) => (b as { type?: unknown }).type === 'input');
  if (hasInputs && !textOf(v.submit))
    messages.push(
      '[ERROR] submit is required when a view has input blocks [json-pointer:/view/submit]',
    );
  const blockProblem = checkMessageLimits(undefined, blocks, {
    maxBlocks: MESSAGE_LIMITS.maxModalBlocks,
    requireText: false,
  });
  if (blockProblem)
    messages.push(
      ...blockProblem.messages.map((m) =>
        m.replace('json-pointer:/blocks', 'json-pointer:/view/blocks'),
      ),
    );
  return messages.length > 0
    ? fail('invalid_arguments', { response_metadata: { messages } })
    : undefined;
}

export function viewToApi(sim: SimView, ctx: ApiContext): Record<string, unknown> {
  return {
    ...sim.view,
    id: sim.id,
    team_id: ctx.teamId,
    app_id: ctx.appId,
    bot_id: ctx.store.botUser.id.replace(/^U/, 'B'),
    state: { values: {} },
    hash: sim.hash,
    root_view_id: sim.rootViewId,
    previous_view_id: sim.previousViewId ?? null,
    private_metadata:
      typeof sim.view.private_metadata === 'string' ? sim.view.private_metadata : '',
    callback_id: typeof sim.view.callback_id === 'string' ? sim.view.callback_id : '',
    external_id: typeof sim.view.external_id === 'string' ? sim.view.external_id : '',
  };
}

export const viewsOpen: ApiMethod = (args, ctx) => {
  const view = jsonArg(args, 'view');
  const problem = checkView(view);
  if (problem) return problem;
  const trigger = ctx.triggers.consume(stringArg(args, 'trigger_id'));
  if ('error' in trigger) return fail(trigger.error);
  // A new modal replaces whatever stack the person had open.
  for (const open of ctx.store.viewStack(trigger.user)) ctx.store.closeView(open.id);
  const id = newViewId();
  const sim: SimView = {
    id,
    user: trigger.user,
    view: view as Record<string, unknown>,
    hash: newHash(),
    rootViewId: id,
  };
  ctx.store.putView(sim);
  return { ok: true, view: viewToApi(sim, ctx) };
};

export const viewsPush: ApiMethod = (args, ctx) => {
  const view = jsonArg(args, 'view');
  const problem = checkView(view);
  if (problem) return problem;
  const trigger = ctx.triggers.consume(stringArg(args, 'trigger_id'));
  if ('error' in trigger) return fail(trigger.error);
  const stack = ctx.store.viewStack(trigger.user);
  const top = stack.at(-1);
  if (!top)
    return fail('not_found', { detail: 'views.push needs an open modal; call views.open first' });
  if (stack.length >= 3) return fail('push_limit_reached');
  const id = newViewId();
  const sim: SimView = {
    id,
    user: trigger.user,
    view: view as Record<string, unknown>,
    hash: newHash(),
    rootViewId: top.rootViewId,
    previousViewId: top.id,
  };
  ctx.store.putView(sim);
  return { ok: true, view: viewToApi(sim, ctx) };
};

export const viewsUpdate: ApiMethod = (args, ctx) => {
  const view = jsonArg(args, 'view');
  const problem = checkView(view);
  if (problem) return problem;
  const viewId = stringArg(args, 'view_id');
  const externalId = stringArg(args, 'external_id');
  const existing = [...ctx.store.views.values()].find(
    (v) => (viewId && v.id === viewId) || (externalId && v.view.external_id === externalId),
  );
  if (!existing) return fail('not_found');
  // `hash` guards against a race between two updates, as in Slack.
  const hash = stringArg(args, 'hash');
  if (hash && hash !== existing.hash) return fail('hash_conflict');
  const updated: SimView = {
    ...existing,
    view: view as Record<string, unknown>,
    hash: newHash(),
    errors: undefined,
  };
  ctx.store.putView(updated);
  return { ok: true, view: viewToApi(updated, ctx) };
};
