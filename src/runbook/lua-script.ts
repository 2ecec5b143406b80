import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * One atomic state change, one small named Lua script (the BullMQ habit). EVALSHA first, the
 * full source only when Redis does not know the script yet (after a restart or a FLUSH).
 */
export interface LuaScript {
  name: string;
  run(redis: Redis, keys: string[], args: Array<string | number>): Promise<unknown>;
}

export function defineLuaScript(name: string, source: string): LuaScript {
  const sha = createHash('sha1').update(source).digest('hex');
  return {
    name,
    async run(redis, keys, args) {
      try {
        return await redis.evalsha(sha, keys.length, ...keys, ...args);
      } catch (err) {
        if (!(err instanceof Error) || !err.message.includes('NOSCRIPT')) throw err;
        return redis.eval(source, keys.length, ...keys, ...args);
      }
    },
  };
}

/**
 * Shared Lua: append one event to the run's own stream (tailed by the CLI) and to the audit
 * stream (who did what when), in the same atomic step as the transition that caused it.
 * The audit stream keeps exactly the retention window: entries older than the event's time
 * minus `retentionMs` are trimmed first (by id, which is the time Redis added them), so it
 * covers the same runs as `/router history` and never loses one inside the window. Trimming
 * before adding means a clock ahead of Redis's can never trim the entry being added.
 */
export const LUA_EMIT = `
local function emit(eventsKey, auditKey, event, kind, target, status, retentionMs)
  redis.call('XADD', eventsKey, 'MAXLEN', '~', 5000, '*', 'event', cjson.encode(event))
  local cutoff = math.max(0, tonumber(event.at) - tonumber(retentionMs))
  redis.call('XTRIM', auditKey, 'MINID', string.format('%d', cutoff))
  redis.call('XADD', auditKey, '*',
    'at', tostring(event.at), 'runId', event.runId, 'kind', kind, 'target', target,
    'type', event.type, 'user', event.user or '', 'status', status, 'step', event.stepId or '', 'text', event.text or '')
end
`;

/**
 * Shared Lua: a run that reached a final state keeps its record and its events for the
 * retention window, counted from the end (PEXPIRE: a later HSET or XADD keeps the expiry).
 */
export const LUA_RETIRE = `
local function retire(runKey, eventsKey, retentionMs)
  redis.call('PEXPIRE', runKey, retentionMs)
  redis.call('PEXPIRE', eventsKey, retentionMs)
end
`;
