-- Creates a run's record, indexes it and appends its `created` event; 0 when the id is taken.
-- KEYS: run, events, audit, all, by target, by kind.
-- ARGV: doc, status, createdAt, runId, created event, kind, target, retention ms, run key prefix,
--       prune batch.
-- The pruning reads run hashes by name (ARGV[9] .. id): flatnet runs on one Redis, not a cluster.
--- @include "emit"
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local event = cjson.decode(ARGV[5])
redis.call('HSET', KEYS[1], 'doc', ARGV[1], 'status', ARGV[2], 'decisions', '[]',
  'updatedAt', ARGV[3])
local cutoff = string.format('%d', math.max(0, tonumber(ARGV[3]) - tonumber(ARGV[8])))
for i = 4, 6 do
  -- A run created before the window whose record Redis has expired leaves the index; one
  -- still there (open, or finished late) stays, so history never hides a record it has.
  local old = redis.call('ZRANGEBYSCORE', KEYS[i], '-inf', '(' .. cutoff, 'LIMIT', 0, ARGV[10])
  for _, id in ipairs(old) do
    if redis.call('EXISTS', ARGV[9] .. id) == 0 then redis.call('ZREM', KEYS[i], id) end
  end
  redis.call('ZADD', KEYS[i], ARGV[3], ARGV[4])
end
emit(KEYS[2], KEYS[3], event, ARGV[5], ARGV[6], ARGV[7], ARGV[2], ARGV[8])
return 1
