/** A reach verdict in words: the CLI prints it, Slack shows it as the run's outcome. */
import type { ReachSummary, ReachVerdict } from '../report/reach-report.js';

/** "All 15 networks reach each other" or "2 of 72 paths broken". */
export function describeReachHeadline(s: ReachSummary): string {
  return s.broken === 0
    ? `All ${s.networks} networks reach each other`
    : `${s.broken} of ${s.total} paths broken`;
}

export function describeReach(v: ReachVerdict): string {
  const lines: string[] = [];
  if (v.reachable) lines.push(`${v.from} reaches ${v.to}, and the reply comes back.`);
  else if (v.unknown)
    lines.push(`${v.from} → ${v.to}: not proven — ${v.reason ?? 'a hop could not be read'}.`);
  else
    lines.push(
      `${v.from} does not reach ${v.to}: the ` +
        `${v.direction === 'return' ? 'return' : 'forward'} ` +
        `path breaks at ${v.brokenAt ?? '?'}.`,
    );
  if (!v.reachable && v.reason) lines.push(`Why: ${v.reason}`);
  if (!v.reachable && v.fix) lines.push(`Fix: ${v.fix}`);
  if (v.judgedUpTo?.length) lines.push(`Judged up to the tunnel for: ${v.judgedUpTo.join('; ')}`);
  lines.push('Hops:');
  v.path.forEach((hop, i) => lines.push(`${i + 1}. ${hop}`));
  if (!v.reachable) lines.push(`${v.path.length + 1}. ✗ ${v.brokenAt ?? ''}`);
  return lines.join('\n');
}
