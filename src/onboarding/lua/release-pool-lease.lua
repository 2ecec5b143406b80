-- KEYS: leases, runs. ARGV: runId. Only the run's own pending lease is freed.
local ip = redis.call('HGET', KEYS[2], ARGV[1])
if not ip then return false end
redis.call('HDEL', KEYS[2], ARGV[1])
local held = redis.call('HGET', KEYS[1], ip)
local mine = 'pending:' .. ARGV[1] .. ':'
if held and string.sub(held, 1, #mine) == mine then redis.call('HDEL', KEYS[1], ip) end
return ip
