-- A run that reached a final state keeps its record and its events for the retention window,
-- counted from the end (PEXPIRE: a later HSET or XADD keeps the expiry).
local function retire(runKey, eventsKey, retentionMs)
  redis.call('PEXPIRE', runKey, retentionMs)
  redis.call('PEXPIRE', eventsKey, retentionMs)
end
