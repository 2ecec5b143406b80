import type { Redis } from 'ioredis';
import { defineLuaScript, LUA_EMIT, LUA_RETIRE } from './lua-script.js';
import type { RunStoreKeys } from './run-store.js';

/**
 * The approval gate's transitions, each one atomic on the Redis server so that a double
 * click, two approvers at once or a click racing the expiry start a run exactly once.
 * The scripts answer with a code; the engine turns codes into sentences.
 */
export type DecideVerdict =
  | { code: 'missing' }
  | { code: 'not-waiting'; status: string }
  | { code: 'expired'; expiresAt: number }
  | { code: 'not-approver' }
  | { code: 'self' }
  | { code: 'already-counted'; at: number; decision: string }
  | { code: 'recorded'; count: number; needed: number }
  | { code: 'approved'; count: number; needed: number }
  | { code: 'rejected' };

const LUA_LOAD = `
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return {'missing'} end
local doc = cjson.decode(redis.call('HGET', KEYS[1], 'doc'))
local decisions = redis.call('HGET', KEYS[1], 'decisions') or '[]'
local function append(list, item)
  if list == '[]' then return '[' .. item .. ']' end
  return string.sub(list, 1, -2) .. ',' .. item .. ']'
end
`;

// KEYS: run, events, audit. ARGV: runId, user, 'approve'|'reject', now, decision JSON, retention ms.
const decideScript = defineLuaScript(
  'decide-approval',
  `${LUA_EMIT}${LUA_RETIRE}${LUA_LOAD}
local runId, user, now, keep = ARGV[1], ARGV[2], tonumber(ARGV[4]), ARGV[6]
local approval = doc.approval
if status ~= 'awaiting-approval' or type(approval) ~= 'table' then return {'not-waiting', status} end
if now >= approval.expiresAt then
  redis.call('HSET', KEYS[1], 'status', 'expired', 'updatedAt', ARGV[4])
  emit(KEYS[2], KEYS[3], {type = 'expired', runId = runId, at = now}, doc.kind, doc.target, 'expired', keep)
  retire(KEYS[1], KEYS[2], keep)
  return {'expired', tostring(approval.expiresAt)}
end
local isApprover = false
for _, a in ipairs(approval.approvers) do
  if a == user then isApprover = true end
end
if not isApprover then return {'not-approver'} end
local list = cjson.decode(decisions)
if ARGV[3] == 'reject' then
  for _, d in ipairs(list) do
    if d.user == user and d.decision == 'rejected' then return {'already-counted', tostring(d.at), d.decision} end
  end
  redis.call('HSET', KEYS[1], 'status', 'rejected', 'decisions', append(decisions, ARGV[5]), 'updatedAt', ARGV[4])
  emit(KEYS[2], KEYS[3], {type = 'rejected', runId = runId, at = now, user = user}, doc.kind, doc.target, 'rejected', keep)
  retire(KEYS[1], KEYS[2], keep)
  return {'rejected'}
end
if user == doc.requester and not approval.allowSelfApproval then return {'self'} end
local count = 1
for _, d in ipairs(list) do
  if d.user == user then return {'already-counted', tostring(d.at), d.decision} end
  if d.decision == 'approved' then count = count + 1 end
end
local needed = approval.distinctApprovers
if count >= needed then
  redis.call('HSET', KEYS[1], 'status', 'running', 'decisions', append(decisions, ARGV[5]), 'updatedAt', ARGV[4])
  emit(KEYS[2], KEYS[3], {type = 'approved', runId = runId, at = now, user = user, text = count .. '/' .. needed}, doc.kind, doc.target, 'running', keep)
  return {'approved', count, needed}
end
redis.call('HSET', KEYS[1], 'decisions', append(decisions, ARGV[5]), 'updatedAt', ARGV[4])
emit(KEYS[2], KEYS[3], {type = 'note', runId = runId, at = now, user = user, text = 'approved by <@' .. user .. '> (' .. count .. '/' .. needed .. ')'}, doc.kind, doc.target, status, keep)
return {'recorded', count, needed}`,
);

// KEYS: run, events, audit. ARGV: runId, now, retention ms. Expires a run still waiting (the delayed job).
const expireScript = defineLuaScript(
  'expire-approval',
  `${LUA_EMIT}${LUA_RETIRE}${LUA_LOAD}
if status ~= 'awaiting-approval' then return {'not-waiting', status} end
redis.call('HSET', KEYS[1], 'status', 'expired', 'updatedAt', ARGV[2])
emit(KEYS[2], KEYS[3], {type = 'expired', runId = ARGV[1], at = tonumber(ARGV[2])}, doc.kind, doc.target, 'expired', ARGV[3])
retire(KEYS[1], KEYS[2], ARGV[3])
return {'expired'}`,
);

// KEYS: run, events, audit. ARGV: runId, user, now, retention ms. Only before anything changed.
const cancelScript = defineLuaScript(
  'cancel-run',
  `${LUA_EMIT}${LUA_RETIRE}${LUA_LOAD}
if status ~= 'planning' and status ~= 'awaiting-approval' then return {'not-waiting', status} end
local allowed = ARGV[2] == doc.requester
if type(doc.approval) == 'table' then
  for _, a in ipairs(doc.approval.approvers) do
    if a == ARGV[2] then allowed = true end
  end
end
if not allowed then return {'not-approver'} end
redis.call('HSET', KEYS[1], 'status', 'cancelled', 'updatedAt', ARGV[3])
emit(KEYS[2], KEYS[3], {type = 'finished', runId = ARGV[1], at = tonumber(ARGV[3]), user = ARGV[2], text = 'cancelled by <@' .. ARGV[2] .. '>'}, doc.kind, doc.target, 'cancelled', ARGV[4])
retire(KEYS[1], KEYS[2], ARGV[4])
return {'cancelled'}`,
);

function verdictOf(reply: unknown): DecideVerdict {
  const [code, a, b] = reply as [string, string | number | undefined, string | number | undefined];
  switch (code) {
    case 'not-waiting':
      return { code, status: String(a) };
    case 'expired':
      return { code, expiresAt: Number(a ?? 0) };
    case 'already-counted':
      return { code, at: Number(a), decision: String(b) };
    case 'recorded':
    case 'approved':
      return { code, count: Number(a), needed: Number(b) };
    case 'missing':
    case 'not-approver':
    case 'self':
    case 'rejected':
      return { code };
    default:
      throw new Error(`approval script answered an unknown code: ${code}`);
  }
}

export async function runDecideScript(
  redis: Redis,
  keys: RunStoreKeys,
  input: {
    runId: string;
    user: string;
    decision: 'approve' | 'reject';
    now: number;
    retentionMs: number;
  },
): Promise<DecideVerdict> {
  const record = JSON.stringify({
    user: input.user,
    decision: input.decision === 'approve' ? 'approved' : 'rejected',
    at: input.now,
  });
  const reply = await decideScript.run(
    redis,
    [keys.run(input.runId), keys.events(input.runId), keys.audit],
    [input.runId, input.user, input.decision, input.now, record, input.retentionMs],
  );
  return verdictOf(reply);
}

export async function runExpireScript(
  redis: Redis,
  keys: RunStoreKeys,
  runId: string,
  now: number,
  retentionMs: number,
): Promise<'expired' | 'missing' | 'not-waiting'> {
  const [code] = (await expireScript.run(
    redis,
    [keys.run(runId), keys.events(runId), keys.audit],
    [runId, now, retentionMs],
  )) as [string];
  return code as 'expired' | 'missing' | 'not-waiting';
}

export async function runCancelScript(
  redis: Redis,
  keys: RunStoreKeys,
  runId: string,
  user: string,
  now: number,
  retentionMs: number,
): Promise<
  { code: 'cancelled' | 'missing' | 'not-approver' } | { code: 'not-waiting'; status: string }
> {
  const [code, status] = (await cancelScript.run(
    redis,
    [keys.run(runId), keys.events(runId), keys.audit],
    [runId, user, now, retentionMs],
  )) as [string, string?];
  if (code === 'not-waiting') return { code, status: String(status) };
  return { code: code as 'cancelled' | 'missing' | 'not-approver' };
}
