/**
 * `failover_outage_ms` and `failback_outage_ms` (issue 15 §1): a planned `/router failover`
 * of a healthy primary, and the failback after it, through flatnet's steps; and the failover
 * in the original order (routes one by one first, then the Elastic IP, then the VPN restart),
 * all in the world of bench/measure-cutover-outage.ts (EC2 30 ms a call, tunnels 200 ms).
 */
import { createFailoverRunbook } from '../jobs/failover.js';
import { CUTOVER_OUTAGE_GOAL_MS, measureCutoverOutage } from './measure-cutover-outage.js';
import { originalFailoverSteps } from './original-order.js';
import type { BenchResult } from './result.js';

const PRIMARY = 'hub-tokyo-a';

export async function benchFailoverOutage(): Promise<BenchResult[]> {
  const failover = { kind: 'failover' as const, target: PRIMARY };
  const flatnet = await measureCutoverOutage({
    ...failover,
    steps: createFailoverRunbook('failover').steps,
  });
  const failback = await measureCutoverOutage(
    { kind: 'failback', target: PRIMARY, steps: createFailoverRunbook('failback').steps },
    [{ ...failover, steps: createFailoverRunbook('failover').steps }],
  );
  const original = await measureCutoverOutage({ ...failover, steps: originalFailoverSteps() });
  const ratio = Math.round((original.outageMs / Math.max(1, flatnet.outageMs)) * 10) / 10;
  return [
    {
      name: 'failover_outage_ms',
      value: flatnet.outageMs,
      unit: 'ms',
      target: CUTOVER_OUTAGE_GOAL_MS,
    },
    {
      name: 'failback_outage_ms',
      value: failback.outageMs,
      unit: 'ms',
      target: CUTOVER_OUTAGE_GOAL_MS,
    },
    // The baseline: its target is its value.
    {
      name: 'failover_outage_original_ms',
      value: original.outageMs,
      unit: 'ms',
      target: original.outageMs,
    },
    { name: 'failover_outage_ratio', value: ratio, unit: '×', target: 10, atLeast: true },
  ];
}
