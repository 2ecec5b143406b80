-- KEYS: leases, runs. ARGV: runId, peer. The run's lease becomes the peer's address.
local ip = redis.call('HGET', KEYS[2], ARGV[1])
if not ip then return false end
redis.call('HSET', KEYS[1], ip, 'applied:' .. ARGV[2])
redis.call('HDEL', KEYS[2], ARGV[1])
return ip
