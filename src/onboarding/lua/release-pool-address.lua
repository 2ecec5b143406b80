-- KEYS: leases. ARGV: address. Frees an applied address (remove-peer); a pending lease stays.
local held = redis.call('HGET', KEYS[1], ARGV[1])
if not held or string.sub(held, 1, 8) ~= 'applied:' then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
return 1
