import type { Problem, StatusReport } from '../../report/status-report.js';
import type { Block } from '../chat-port.js';
import { context, section, type ChatText } from './chat-text.js';
import { buildStatusDetails } from './build-status-details.js';
import { escapeMrkdwn } from './escape-mrkdwn.js';
import { findProblems, isOverloaded, plural } from '../../status/find-problems.js';
import { formatClock } from '../../util/format-time.js';
import { limitLines, truncate } from './truncate.js';

/** The channel sees at most this many problem lines; the rest wait in the thread. */
const SUMMARY_PROBLEMS = 15;
const PROBLEM_TEXT_MAX = 200;

/**
 * `/vpn status` as Slack messages: a short summary for the channel, problems first, then one
 * line of counts; and the details (every router and tunnel, grouped by region) as thread
 * replies, each inside every Block Kit limit however large the fleet.
 */
export function buildStatusMessages(report: StatusReport): {
  summary: ChatText;
  details: ChatText[];
} {
  return { summary: buildStatusSummary(report), details: buildStatusDetails(report) };
}

export function buildStatusSummary(report: StatusReport): ChatText {
  const problems = findProblems(report);
  const counts = countStatus(report);
  const scope =
    report.scope && report.scope !== '*' ? ` for \`${escapeMrkdwn(report.scope)}\`` : '';
  const worst = problems.some((p) => p.severity === 'down')
    ? ':red_circle:'
    : problems.length > 0
      ? ':warning:'
      : ':large_green_circle:';
  const headline =
    problems.length === 0
      ? `${worst} *All clear* — VPN status${scope}`
      : `${worst} *${plural(problems.length, 'problem')}* — VPN status${scope}`;
  const blocks: Block[] = [section(truncate(headline, 2900))];
  if (problems.length > 0) {
    const lines = problems.slice(0, SUMMARY_PROBLEMS).map(problemLine);
    const fitted = limitLines(lines, 2700, 'more problems');
    // limitLines counts only what it was given; the total hidden is against all problems.
    const shown = fitted.filter((l) => !l.startsWith('… and '));
    const hidden = problems.length - shown.length;
    if (hidden > 0) shown.push(`… and ${hidden} more problems — see the thread`);
    blocks.push(section(shown.join('\n')));
  }
  blocks.push(
    context(
      truncate(
        `${counts.line} · checked at ${formatClock(report.generatedAt)} · details in the thread`,
        2900,
      ),
    ),
  );
  const text =
    problems.length === 0
      ? `VPN status: all clear — ${counts.line}`
      : `VPN status: ${plural(problems.length, 'problem')} — ${counts.line}`;
  return { text: truncate(text, 300), blocks };
}

function problemLine(p: Problem): string {
  const icon = p.severity === 'down' ? ':red_circle:' : ':warning:';
  return `${icon} *${escapeMrkdwn(p.where)}* — ${truncate(escapeMrkdwn(p.text), PROBLEM_TEXT_MAX)}`;
}

/** "6 routers · 31 tunnels up · 2 down · 15 idle on standby · 1 unreachable · 1 region erroring". */
export function countStatus(report: StatusReport): { line: string; up: number; down: number } {
  // A standby's tunnels wait for the Elastic IP: idle by design, not "down".
  const active = report.routers.filter((r) => r.role !== 'standby');
  const tunnels = [
    ...active.flatMap((r) => r.tunnels),
    ...report.regions.flatMap((r) => r.tunnels),
  ];
  const up = tunnels.filter((t) => t.state === 'up').length;
  const down = tunnels.length - up;
  const idle = report.routers
    .filter((r) => r.role === 'standby')
    .flatMap((r) => r.tunnels)
    .filter((t) => t.state !== 'up').length;
  const parts = [
    plural(report.routers.length, 'router'),
    `${plural(up, 'tunnel')} up`,
    `${down} down`,
  ];
  if (idle > 0) parts.push(`${idle} idle on standby`);
  const unreachable = report.routers.filter((r) => !r.reachable).length;
  if (unreachable > 0) parts.push(`${unreachable} unreachable`);
  const loaded = report.routers.filter(isOverloaded).length;
  if (loaded > 0) parts.push(`${loaded} under high load`);
  const erroring = report.regions.filter((r) => r.error).length;
  if (erroring > 0) parts.push(`${plural(erroring, 'region')} erroring`);
  return { line: parts.join(' · '), up, down };
}
