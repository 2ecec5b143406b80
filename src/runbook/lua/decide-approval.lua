-- An approver's click: approve (the run starts once enough distinct approvers agree) or
-- reject; a click after the expiry expires the run. Atomic, so a double click, two approvers at
-- once or a click racing the expiry start a run exactly once. Answers a code; the engine turns
-- codes into sentences.
-- KEYS: run, events, audit. ARGV: runId, user, 'approve'|'reject', now, decision JSON,
--       retention ms.
--- @include "emit"
--- @include "retire"
--- @include "load-run"
local runId, user, now, keep = ARGV[1], ARGV[2], tonumber(ARGV[4]), ARGV[6]
local approval = doc.approval
if status ~= 'awaiting-approval' or type(approval) ~= 'table' then
  return {'not-waiting', status}
end
if now >= approval.expiresAt then
  redis.call('HSET', KEYS[1], 'status', 'expired', 'updatedAt', ARGV[4])
  emit(
    KEYS[2], KEYS[3], {type = 'expired', runId = runId, at = now}, nil, doc.kind, doc.target,
    'expired', keep
  )
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
    if d.user == user and d.decision == 'rejected' then
      return {'already-counted', tostring(d.at), d.decision}
    end
  end
  redis.call(
    'HSET', KEYS[1], 'status', 'rejected', 'decisions', append(decisions, ARGV[5]), 'updatedAt',
    ARGV[4]
  )
  emit(
    KEYS[2], KEYS[3], {type = 'rejected', runId = runId, at = now, user = user}, nil, doc.kind,
    doc.target, 'rejected', keep
  )
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
  redis.call(
    'HSET', KEYS[1], 'status', 'running', 'decisions', append(decisions, ARGV[5]), 'updatedAt',
    ARGV[4]
  )
  emit(
    KEYS[2], KEYS[3],
    {type = 'approved', runId = runId, at = now, user = user, text = count .. '/' .. needed}, nil,
    doc.kind, doc.target, 'running', keep
  )
  return {'approved', count, needed}
end
redis.call('HSET', KEYS[1], 'decisions', append(decisions, ARGV[5]), 'updatedAt', ARGV[4])
local said = 'approved by <@' .. user .. '> (' .. count .. '/' .. needed .. ')'
emit(
  KEYS[2], KEYS[3], {type = 'note', runId = runId, at = now, user = user, text = said}, nil,
  doc.kind, doc.target, status, keep
)
return {'recorded', count, needed}
