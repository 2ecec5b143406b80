import type { RedisClient } from '../util/redis-client.js';
import { runScript } from './lua-scripts.js';
import type { RunStoreKeys } from './run-store.js';

/**
 * The approval gate's transitions, each one atomic on the Redis server so that a double
 * click, two approvers at once or a click racing the expiry start a run exactly once
 * (lua/decide-approval.lua, expire-approval.lua, cancel-run.lua). The scripts answer with a
 * code; the engine turns codes into sentences.
 */
export type DecideVerdict =
  | { code: 'missing' }
  | { code: 'not-waiting'; status: string }
  | { code: 'expired'; expiresAt: number }
  | { code: 'not-approver' }
  | { code: 'self' }
  | { code: 'already-counted'; at: number; decision: string }
  | { code: 'recorded'; count: number; needed: number }
  | { code: 'approved'; count: number; needed: number }
  | { code: 'rejected' };

function verdictOf(reply: unknown): DecideVerdict {
  const [code, a, b] = reply as [string, string | number | undefined, string | number | undefined];
  switch (code) {
    case 'not-waiting':
      return { code, status: String(a) };
    case 'expired':
      return { code, expiresAt: Number(a ?? 0) };
    case 'already-counted':
      return { code, at: Number(a), decision: String(b) };
    case 'recorded':
    case 'approved':
      return { code, count: Number(a), needed: Number(b) };
    case 'missing':
    case 'not-approver':
    case 'self':
    case 'rejected':
      return { code };
    default:
      throw new Error(`approval script answered an unknown code: ${code}`);
  }
}

export async function runDecideScript(
  redis: RedisClient,
  keys: RunStoreKeys,
  input: {
    runId: string;
    user: string;
    decision: 'approve' | 'reject';
    now: number;
    retentionMs: number;
  },
): Promise<DecideVerdict> {
  const record = JSON.stringify({
    user: input.user,
    decision: input.decision === 'approve' ? 'approved' : 'rejected',
    at: input.now,
  });
  const reply = await runScript(
    redis,
    'decide-approval',
    [keys.run(input.runId), keys.events(input.runId), keys.audit],
    [input.runId, input.user, input.decision, input.now, record, input.retentionMs],
  );
  return verdictOf(reply);
}

export async function runExpireScript(
  redis: RedisClient,
  keys: RunStoreKeys,
  runId: string,
  now: number,
  retentionMs: number,
): Promise<'expired' | 'missing' | 'not-waiting'> {
  const [code] = (await runScript(
    redis,
    'expire-approval',
    [keys.run(runId), keys.events(runId), keys.audit],
    [runId, now, retentionMs],
  )) as [string];
  return code as 'expired' | 'missing' | 'not-waiting';
}

export async function runCancelScript(
  redis: RedisClient,
  keys: RunStoreKeys,
  runId: string,
  user: string,
  now: number,
  retentionMs: number,
  outcome: string,
): Promise<
  { code: 'cancelled' | 'missing' | 'not-approver' } | { code: 'not-waiting'; status: string }
> {
  const [code, status] = (await runScript(
    redis,
    'cancel-run',
    [keys.run(runId), keys.events(runId), keys.audit],
    [runId, user, now, retentionMs, outcome],
  )) as [string, string?];
  if (code === 'not-waiting') return { code, status: String(status) };
  return { code: code as 'cancelled' | 'missing' | 'not-approver' };
}
