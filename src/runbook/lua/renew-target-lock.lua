-- Extends the lease while the run still holds it: 1, else 0.
-- KEYS: lease. ARGV: runId, ttl ms.
local current = redis.call('GET', KEYS[1])
if not current or cjson.decode(current).runId ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
