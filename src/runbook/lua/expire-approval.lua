-- The approval window closed (a delayed job): a run still waiting expires.
-- KEYS: run, events, audit. ARGV: runId, now, retention ms.
--- @include "emit"
--- @include "retire"
--- @include "load-run"
if status ~= 'awaiting-approval' then return {'not-waiting', status} end
redis.call('HSET', KEYS[1], 'status', 'expired', 'updatedAt', ARGV[2])
emit(
  KEYS[2], KEYS[3], {type = 'expired', runId = ARGV[1], at = tonumber(ARGV[2])}, nil, doc.kind,
  doc.target, 'expired', ARGV[3]
)
retire(KEYS[1], KEYS[2], ARGV[3])
return {'expired'}
