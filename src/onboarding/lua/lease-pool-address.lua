-- KEYS: leases, runs. ARGV: runId, first, last, now, staleMs, then taken ranges as lo,hi pairs.
--- @include "format-address"
local known = redis.call('HGET', KEYS[2], ARGV[1])
if known then return known end
local first, last = tonumber(ARGV[2]), tonumber(ARGV[3])
local now, stale = tonumber(ARGV[4]), tonumber(ARGV[5])
local taken = {}
for i = 6, #ARGV, 2 do taken[#taken + 1] = { tonumber(ARGV[i]), tonumber(ARGV[i + 1]) } end
for a = first, last do
  local onRouter = false
  for _, r in ipairs(taken) do
    if a >= r[1] and a <= r[2] then onRouter = true break end
  end
  if not onRouter then
    local ip = fmt(a)
    local held = redis.call('HGET', KEYS[1], ip)
    local free = not held
    if held then
      local state, owner, at = string.match(held, '^(%a+):([^:]+):?(%d*)$')
      -- Applied but no longer on the router: the peer was removed by hand.
      if state == 'applied' then free = true end
      -- A lease whose run died without undoing: reclaimed, and that run forgets it.
      if state == 'pending' and tonumber(at) and now - tonumber(at) > stale then
        free = true
        redis.call('HDEL', KEYS[2], owner)
      end
    end
    if free then
      redis.call('HSET', KEYS[1], ip, 'pending:' .. ARGV[1] .. ':' .. ARGV[4])
      redis.call('HSET', KEYS[2], ARGV[1], ip)
      return ip
    end
  end
end
return false
