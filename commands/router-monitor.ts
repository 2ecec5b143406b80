/**
 * `/router monitor`: the monitor's open incidents, paused routers and last round, and
 * `/router monitor pause <router> [for 2h]` / `resume <router>` to silence one router during
 * maintenance. A pause only stops the monitor from acting, so anyone who may approve a
 * failover may set it; it expires by itself (a Redis key with a TTL).
 */
import type { Inventory } from '../src/config/inventory-schema.js';
import { expandMembers } from '../src/config/resolve-policy.js';
import { FlatnetError } from '../src/errors.js';
import type { Command } from '../src/grammar/command.js';
import type { MonitorStore } from '../src/monitor/monitor-store.js';
import type { TunnelWatch } from '../src/monitor/decide-tunnel.js';
import type { RouterWatch } from '../src/monitor/monitor-types.js';
import { formatDuration, type ChatText } from '../src/slack/blocks/index.js';
import type { RunHistory } from './router-history.js';

type MonitorCommand = Extract<Command, { kind: 'monitor' }>;

export async function answerMonitor(
  store: MonitorStore,
  inventory: Inventory,
  command: MonitorCommand,
  user: string,
  options: { now?: number; runs?: Pick<RunHistory, 'get'> } = {},
): Promise<ChatText> {
  const now = options.now ?? Date.now();
  if (command.action === 'show')
    return text(await describeMonitor(store, inventory, now, options.runs));
  if (!inventory.routers[command.router])
    throw new FlatnetError(
      'BAD_INPUT',
      `there is no router named ${command.router}`,
      `known routers: ${Object.keys(inventory.routers).join(', ')}`,
    );
  const approvers = expandMembers(inventory, inventory.policies.failover?.approvers ?? []);
  if (!approvers.includes(user))
    throw new FlatnetError(
      'FORBIDDEN',
      `<@${user}> may not pause the monitor`,
      'ask one of the failover approvers (policies.failover.approvers)',
    );
  if (command.action === 'resume') {
    const was = await store.resume(command.router);
    return text(
      was ? `The monitor watches ${command.router} again.` : `${command.router} was not paused.`,
    );
  }
  const until = now + command.minutes * 60_000;
  await store.pause(command.router, until, user);
  return text(
    `The monitor ignores ${command.router} until ${new Date(until).toISOString().slice(0, 16)} ` +
      `UTC (paused by <@${user}>): it is still probed, but opens no incident and fails nothing ` +
      `over. /router monitor resume ${command.router} ends it sooner.`,
  );
}

async function describeMonitor(
  store: MonitorStore,
  inventory: Inventory,
  now: number,
  runs: Pick<RunHistory, 'get'> | undefined,
) {
  const names = Object.keys(inventory.routers);
  const [round, watches, pauses] = await Promise.all([
    store.lastRound(),
    store.watches(),
    store.pauses(names),
  ]);
  const s = inventory.monitor;
  const lines = [
    `*Monitor*: a round every ${s.intervalSeconds} s, ${s.failuresToAct} failed probes to act, ` +
      `failover cooldown ${s.failoverCooldownMinutes} min`,
  ];
  if (!round) lines.push('No round has run yet: is a `flatnet worker` running?');
  else {
    const ago = Math.max(0, Math.round((now - round.finishedAt) / 1000));
    const down = round.routers.filter((r) => !r.healthy);
    lines.push(
      `Last round ${ago} s ago, ${round.finishedAt - round.startedAt} ms: ` +
        `${round.routers.length - down.length}/${round.routers.length} routers healthy` +
        (down.length
          ? ` — down: ${down.map((r) => `${r.router} (${r.error ?? '?'})`).join(', ')}`
          : ''),
    );
  }
  for (const name of names) {
    const incident = watches[name]?.incident;
    if (incident && incident.resolvedAt === undefined) {
      const last = incident.timeline.at(-1);
      lines.push(`• ${name}: incident ${incident.id}, ${last?.what}: ${last?.text ?? ''}`);
    }
    const scale = watches[name]?.scale;
    if (scale) lines.push(await describeProposal(name, scale, now, runs));
    const pause = pauses[name];
    if (pause)
      lines.push(
        `• ${name}: paused by <@${pause.by}> until ` +
          `${new Date(pause.until).toISOString().slice(0, 16)} UTC`,
      );
  }
  if (Object.keys(inventory.sites).length > 0)
    lines.push(...describeTunnels(inventory, await store.tunnelWatches()));
  return lines.join('\n');
}

/** Sites with a backup tunnel (inventory `sites:`): which tunnel carries each one. */
function describeTunnels(inventory: Inventory, watches: Record<string, TunnelWatch>): string[] {
  return Object.entries(inventory.sites).map(([site, s]) => {
    const w = watches[site];
    if (!w) return `• site ${site}: not read yet`;
    const since = `since ${new Date(w.since).toISOString().slice(11, 16)} UTC`;
    const incident =
      w.incident && w.incident.resolvedAt === undefined ? `, incident ${w.incident.id}` : '';
    if (w.state === 'primary') return `• site ${site}: on its primary tunnel ${site}`;
    if (w.state === 'backup')
      return `• site ${site}: on its backup tunnel ${s.backup} ${since}${incident}`;
    return `• site ${site}: no tunnel answers ${s.target} ${since}${incident}`;
  });
}

/** A scale proposal the monitor asked for that has not ended: where it is and since when. */
async function describeProposal(
  router: string,
  scale: NonNullable<RouterWatch['scale']>,
  now: number,
  runs: Pick<RunHistory, 'get'> | undefined,
): Promise<string> {
  const kind = scale.direction === 'up' ? 'scale-up' : 'scale-down';
  const since =
    `${formatDuration(Math.max(0, now - scale.at), 'whole')} ago ` +
    `(${new Date(scale.at).toISOString().slice(0, 16).replace('T', ' ')} UTC)`;
  if (!scale.runId) return `• ${router}: ${kind} proposed ${since}, not submitted yet`;
  const run = await runs?.get?.(scale.runId).catch(() => undefined);
  const where =
    run?.status === 'awaiting-approval'
      ? 'waits for approval in its thread'
      : run
        ? run.status
        : 'see /router history';
  return `• ${router}: ${kind} proposed ${since}, run \`${scale.runId}\` ${where}`;
}

function text(body: string): ChatText {
  return { text: body, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: body } }] };
}
