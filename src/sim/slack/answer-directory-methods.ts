import { fail, type ApiContext, type ApiMethod } from './api-context.js';
import { stringArg } from './read-request-body.js';
import type { SimUser } from './types.js';

function userToApi(user: SimUser, ctx: ApiContext): Record<string, unknown> {
  return {
    id: user.id,
    team_id: ctx.teamId,
    name: user.name,
    real_name: user.realName,
    is_bot: user.isBot ?? false,
    deleted: false,
    tz: 'Asia/Tokyo',
    profile: {
      real_name: user.realName,
      display_name: user.name,
      title: user.title,
      ...(user.isBot ? { bot_id: user.id.replace(/^U/, 'B') } : {}),
    },
  };
}

export const authTest: ApiMethod = (_args, ctx) => ({
  ok: true,
  url: `${ctx.baseUrl}/`,
  team: ctx.teamDomain,
  user: ctx.store.botUser.name,
  team_id: ctx.teamId,
  user_id: ctx.store.botUser.id,
  bot_id: ctx.store.botUser.id.replace(/^U/, 'B'),
  is_enterprise_install: false,
});

export const usersInfo: ApiMethod = (args, ctx) => {
  const user = ctx.store.users.get(stringArg(args, 'user') ?? '');
  return user ? { ok: true, user: userToApi(user, ctx) } : fail('user_not_found');
};

export const usersList: ApiMethod = (_args, ctx) => ({
  ok: true,
  members: [...ctx.store.users.values()].map((u) => userToApi(u, ctx)),
  response_metadata: { next_cursor: '' },
});

/** `users` is one id (the bot's DM with that person); group DMs are not emulated. */
export const conversationsOpen: ApiMethod = (args, ctx) => {
  const users = (stringArg(args, 'users') ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  const channelArg = stringArg(args, 'channel');
  if (channelArg) {
    const existing = ctx.store.channels.get(channelArg);
    return existing?.isIm ? { ok: true, channel: { id: existing.id } } : fail('channel_not_found');
  }
  if (users.length === 0) return fail('users_list_not_supplied');
  if (users.length > 1)
    return fail('not_supported', { detail: 'the Slack emulator only opens one-to-one DMs' });
  const dm = ctx.store.openDm(users[0] ?? '');
  if (!dm) return fail('user_not_found');
  return { ok: true, channel: { id: dm.id, is_im: true, user: dm.user } };
};

export const conversationsInfo: ApiMethod = (args, ctx) => {
  const channel = ctx.store.resolveChannel(stringArg(args, 'channel') ?? '');
  if (!channel) return fail('channel_not_found');
  return {
    ok: true,
    channel: {
      id: channel.id,
      name: channel.name,
      is_im: channel.isIm,
      is_channel: !channel.isIm,
      user: channel.user,
    },
  };
};

export const usergroupsUsersList: ApiMethod = (args, ctx) => {
  const group = ctx.store.usergroups.get(stringArg(args, 'usergroup') ?? '');
  return group ? { ok: true, users: [...group.users] } : fail('no_such_subteam');
};

export const usergroupsList: ApiMethod = (_args, ctx) => ({
  ok: true,
  usergroups: [...ctx.store.usergroups.values()].map((g) => ({
    id: g.id,
    handle: g.handle,
    name: g.handle,
    users: g.users,
  })),
});
