-- The run as the approval scripts read it: its live status, its record and its decisions.
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return {'missing'} end
local doc = cjson.decode(redis.call('HGET', KEYS[1], 'doc'))
local decisions = redis.call('HGET', KEYS[1], 'decisions') or '[]'
local function append(list, item)
  if list == '[]' then return '[' .. item .. ']' end
  return string.sub(list, 1, -2) .. ',' .. item .. ']'
end
