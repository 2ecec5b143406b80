-- Appends one event to the run's own stream (tailed by the CLI) and to the audit stream (who
-- did what when), inside the script of the transition that caused it. The audit stream keeps
-- exactly the retention window: entries older than the event's time minus retentionMs are
-- trimmed first (by id, the time Redis added them), so it covers the same runs as
-- `/router history`; trimming before adding means a clock ahead of Redis's never trims the
-- entry being added. `encoded` is the event as the engine wrote it (nil: encode `event`).
local function emit(eventsKey, auditKey, event, encoded, kind, target, status, retentionMs)
  redis.call('XADD', eventsKey, 'MAXLEN', '~', 5000, '*', 'event', encoded or cjson.encode(event))
  local cutoff = math.max(0, tonumber(event.at) - tonumber(retentionMs))
  redis.call('XTRIM', auditKey, 'MINID', string.format('%d', cutoff))
  redis.call('XADD', auditKey, '*',
    'at', tostring(event.at), 'runId', event.runId, 'kind', kind, 'target', target,
    'type', event.type, 'user', event.user or '', 'status', status,
    'step', event.stepId or '', 'text', event.text or '')
end
