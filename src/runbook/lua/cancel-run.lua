-- The requester or an approver cancels a run, only before anything changed: the status, the
-- run's outcome and the `finished` event change together.
-- KEYS: run, events, audit. ARGV: runId, user, now, retention ms, outcome text.
--- @include "emit"
--- @include "retire"
--- @include "load-run"
if status ~= 'planning' and status ~= 'awaiting-approval' then return {'not-waiting', status} end
local allowed = ARGV[2] == doc.requester
if type(doc.approval) == 'table' then
  for _, a in ipairs(doc.approval.approvers) do
    if a == ARGV[2] then allowed = true end
  end
end
if not allowed then return {'not-approver'} end
-- The outcome is spliced into the stored JSON, not re-encoded: cjson would turn an empty list
-- into an object. JSON.parse keeps the last of two equal keys.
local raw = redis.call('HGET', KEYS[1], 'doc')
local withOutcome = string.sub(raw, 1, -2) .. ',"outcome":' .. cjson.encode(ARGV[5]) .. '}'
redis.call('HSET', KEYS[1], 'doc', withOutcome, 'status', 'cancelled', 'updatedAt', ARGV[3])
local finished = {
  type = 'finished', runId = ARGV[1], at = tonumber(ARGV[3]), user = ARGV[2],
  text = 'cancelled by <@' .. ARGV[2] .. '>',
}
emit(KEYS[2], KEYS[3], finished, nil, doc.kind, doc.target, 'cancelled', ARGV[4])
retire(KEYS[1], KEYS[2], ARGV[4])
return {'cancelled'}
