-- The one way a worker changes a run: its whole record and the events that say what changed,
-- together, so a crash leaves either both or neither. With a fence, only while the worker's
-- BullMQ lock still holds its token (a stale worker cannot move a run backwards); a run
-- already final keeps its status (a cancel or an expiry wins over a late save). A run that
-- becomes final frees its target's lease here (the one place it is released: a follow-up asked
-- the moment the record says "done" must not find the router busy) and starts its retention.
-- KEYS: run, fence lock (or the run key again when unfenced), events, audit, target lease (or
--       the run key again when the run holds none), then the leases of the other routers the
--       run holds (Runbook.alsoLocks), each freed the same way.
-- ARGV: doc, status, updatedAt, token, finals, retention ms, events (a JSON array of encoded
--       events), kind, target, runId.
--- @include "emit"
--- @include "retire"
local current = redis.call('HGET', KEYS[1], 'status')
if not current then return 'missing' end
if ARGV[4] ~= '' and redis.call('GET', KEYS[2]) ~= ARGV[4] then return 'not-owner' end
local final = false
for s in string.gmatch(ARGV[5], '[^,]+') do
  if s == current and ARGV[2] ~= current then return 'closed:' .. current end
  if s == ARGV[2] then final = true end
end
redis.call('HSET', KEYS[1], 'doc', ARGV[1], 'status', ARGV[2], 'updatedAt', ARGV[3])
for _, encoded in ipairs(cjson.decode(ARGV[7])) do
  emit(KEYS[3], KEYS[4], cjson.decode(encoded), encoded, ARGV[8], ARGV[9], ARGV[2], ARGV[6])
end
if final then
  for i = 5, #KEYS do
    if KEYS[i] ~= KEYS[1] then
      local holder = redis.call('GET', KEYS[i])
      if holder and cjson.decode(holder).runId == ARGV[10] then redis.call('DEL', KEYS[i]) end
    end
  end
  retire(KEYS[1], KEYS[3], ARGV[6])
end
return 'ok'
