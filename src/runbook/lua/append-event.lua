-- An event that changes nothing in the record (a note, "started", "undo-started"): appended
-- to the run's stream and the audit stream at once.
-- KEYS: events, audit. ARGV: encoded event, kind, target, status, retention ms.
--- @include "emit"
emit(KEYS[1], KEYS[2], cjson.decode(ARGV[1]), ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5])
return 1
