import type { ReachSummary } from '../../report/reach-report.js';
import type { Problem, StatusReport } from '../../report/status-report.js';
import { describeReachHeadline } from '../../reach/describe-reach.js';
import type { Block } from '../chat-port.js';
import { context, section, type ChatText } from './chat-text.js';
import { buildStatusDetails } from './build-status-details.js';
import { escapeMrkdwn } from './escape-mrkdwn.js';
import { findProblems, isOverloaded, plural } from '../../status/find-problems.js';
import { formatClock } from '../../util/format-time.js';
import { tunnelVerdict, type TunnelVerdict } from '../../status/tunnel-verdict.js';
import { limitLines, truncate } from './truncate.js';

/** The channel sees at most this many problem lines; the rest wait in the thread. */
const SUMMARY_PROBLEMS = 15;
const PROBLEM_TEXT_MAX = 200;
/** The hops that break paths, shown in the channel before the tunnels' problems. */
const REACH_LINES = 5;

/**
 * `/vpn status` as Slack messages: a short summary for the channel, problems first, then one
 * line of counts; and the details (every router and tunnel, grouped by region) as thread
 * replies, each inside every Block Kit limit however large the fleet.
 */
export function buildStatusMessages(report: StatusReport): {
  summary: ChatText;
  details: ChatText[];
} {
  const reach = report.reach && report.reach.broken > 0 ? [buildReachDetail(report.reach)] : [];
  return {
    summary: buildStatusSummary(report),
    details: [...reach, ...buildStatusDetails(report)],
  };
}

/**
 * In the thread: every hop that breaks paths, with the paths it breaks (`/vpn reach` tells more).
 */
export function buildReachDetail(reach: ReachSummary): ChatText {
  const lines = reach.hops.map((g) => {
    const more = g.count > g.paths.length ? ` … and ${g.count - g.paths.length} more` : '';
    return truncate(
      `• *${escapeMrkdwn(g.at)}* breaks ${plural(g.count, 'path')}: ` +
        `${escapeMrkdwn(g.paths.join(', ') + more)}\n  ${escapeMrkdwn(g.reason)}`,
      900,
    );
  });
  const head =
    `*Reachability: ${describeReachHeadline(reach)}* — by the hop that ` +
    `breaks them; \`/vpn reach <from> <to>\` shows a path hop by hop`;
  return {
    text: truncate(`Reachability: ${describeReachHeadline(reach)}`, 300),
    blocks: [
      section(truncate(head, 2900)),
      section(limitLines(lines, 2900, 'more broken hops').join('\n')),
    ],
  };
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
  const reach = report.reach;
  // With reachability, "all clear" would hide broken paths: the tunnels' line says what it covers.
  const what = reach ? 'tunnels and routers' : `VPN status${scope}`;
  const headline =
    problems.length === 0
      ? `${worst} *All clear* — ${what}`
      : `${worst} *${plural(problems.length, 'problem')}* — ${what}`;
  const blocks: Block[] = [
    ...(reach ? reachBlocks(reach, scope) : []),
    section(truncate(headline, 2900)),
  ];
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
  const reachText = reach ? `${describeReachHeadline(reach)}; ` : '';
  const text =
    problems.length === 0
      ? `VPN status: ${reachText}all clear — ${counts.line}`
      : `VPN status: ${reachText}${plural(problems.length, 'problem')} — ${counts.line}`;
  return { text: truncate(text, 300), blocks };
}

/** The reachability headline, then the hops that break the most paths, each with its fix. */
function reachBlocks(reach: ReachSummary, scope: string): Block[] {
  const icon = reach.broken === 0 ? ':large_green_circle:' : ':red_circle:';
  const blocks = [section(`${icon} *${describeReachHeadline(reach)}* — VPN status${scope}`)];
  if (reach.broken === 0) return blocks;
  const lines = reach.hops.slice(0, REACH_LINES).map((g) => {
    const more = g.count > 1 ? ` and ${g.count - 1} more` : '';
    const fix = g.fix ? ` Fix: ${g.fix}` : '';
    return truncate(
      `:red_circle: *${escapeMrkdwn(g.at)}* — ` +
        `${escapeMrkdwn(g.paths[0] ?? '')}${more}: ${escapeMrkdwn(`${g.reason}.${fix}`)}`,
      PROBLEM_TEXT_MAX * 2,
    );
  });
  if (reach.hops.length > REACH_LINES)
    lines.push(`… and ${reach.hops.length - REACH_LINES} more broken hops — see the thread`);
  blocks.push(section(limitLines(lines, 2700, 'more broken hops').join('\n')));
  return blocks;
}

function problemLine(p: Problem): string {
  const icon = p.severity === 'down' ? ':red_circle:' : ':warning:';
  return `${icon} *${escapeMrkdwn(p.where)}* — ${truncate(escapeMrkdwn(p.text), PROBLEM_TEXT_MAX)}`;
}

/**
 * "6 routers · 31 tunnels up · 2 down · 15 idle on standby · 1 unreachable · 1 region erroring".
 */
export function countStatus(report: StatusReport): { line: string; up: number; down: number } {
  // One verdict per tunnel (tunnel-verdict.ts): the counts agree with the headline and details.
  const verdicts = [
    ...report.routers.flatMap((r) => r.tunnels.map((t) => tunnelVerdict(r, t))),
    ...report.regions.flatMap((r) => r.tunnels.map((t) => tunnelVerdict(undefined, t))),
  ];
  const count = (v: TunnelVerdict) => verdicts.filter((x) => x === v).length;
  const up = count('up');
  const down = count('down');
  const parts = [
    plural(report.routers.length, 'router'),
    `${plural(up, 'tunnel')} up`,
    `${down} down`,
  ];
  if (count('standby') > 0) parts.push(`${count('standby')} idle on standby`);
  if (count('idle') > 0) parts.push(`${plural(count('idle'), 'WireGuard peer')} idle`);
  const unreachable = report.routers.filter((r) => !r.reachable).length;
  if (unreachable > 0) parts.push(`${unreachable} unreachable`);
  const loaded = report.routers.filter(isOverloaded).length;
  if (loaded > 0) parts.push(`${loaded} under high load`);
  const erroring = report.regions.filter((r) => r.error).length;
  if (erroring > 0) parts.push(`${plural(erroring, 'region')} erroring`);
  return { line: parts.join(' · '), up, down };
}
