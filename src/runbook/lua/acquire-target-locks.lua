-- Takes the leases of several targets for one run, all or none: a run that changes several
-- routers never holds some of them while it waits for another (nobody waits on a half).
-- The same run re-acquires what it holds (a resumed worker).
-- KEYS: the leases. ARGV: holder JSON, runId, ttl ms. Answers 'ok', or the index (1-based) of
-- the first lease held by another run and that holder's JSON, as `<index>:<json>`.
for i = 1, #KEYS do
  local current = redis.call('GET', KEYS[i])
  if current and cjson.decode(current).runId ~= ARGV[2] then
    return tostring(i) .. ':' .. current
  end
end
for i = 1, #KEYS do
  redis.call('SET', KEYS[i], ARGV[1], 'PX', ARGV[3])
end
return 'ok'
