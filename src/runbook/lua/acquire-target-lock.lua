-- Takes a target's lease for a run; the same run re-acquires it (a resumed worker).
-- KEYS: lease. ARGV: holder JSON, runId, ttl ms. Answers 'ok' or the holder's JSON.
local current = redis.call('GET', KEYS[1])
if current then
  local holder = cjson.decode(current)
  if holder.runId ~= ARGV[2] then return current end
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return 'ok'
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return 'ok'
