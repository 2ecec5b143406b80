-- The requester or an approver cancels a run, only before anything changed.
-- KEYS: run, events, audit. ARGV: runId, user, now, retention ms.
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
redis.call('HSET', KEYS[1], 'status', 'cancelled', 'updatedAt', ARGV[3])
emit(KEYS[2], KEYS[3], {type = 'finished', runId = ARGV[1], at = tonumber(ARGV[3]), user = ARGV[2], text = 'cancelled by <@' .. ARGV[2] .. '>'}, nil, doc.kind, doc.target, 'cancelled', ARGV[4])
retire(KEYS[1], KEYS[2], ARGV[4])
return {'cancelled'}
