/**
 * The monitor's decision for one router after one probe: a pure function of what it
 * remembered, what the probe found and the settings, so every rule (threshold, hysteresis,
 * unhealthy standby, no automatic failback) is tested without Redis, SSH or a clock.
 */
import type { MonitorSettings } from '../config/monitor-schema.js';
import type { Incident, RouterProbe, RouterWatch, TimelineEntry } from './monitor-types.js';

export interface DecideInput {
  watch: RouterWatch;
  probe: RouterProbe;
  settings: MonitorSettings;
  now: number;
  /**
   * The router's standby and how its own probe went this round; absent: nothing to fail over to.
   */
  standby?: { name: string; healthy: boolean; error?: string };
  /** Maintenance: the router is probed, but opens no incident and triggers nothing. */
  paused: boolean;
  /**
   * Whether "every tunnel down while SSH answers" counts as failing: only for a primary with a
   * standby, and only while every other router answered this round (a dead router takes its
   * peers' tunnels down with it; that is its incident, not theirs).
   */
  judgeTunnels?: boolean;
}

export interface Decision {
  watch: RouterWatch;
  /** Ask for a failover of this router now (the caller submits it and records the run). */
  failover?: { policy: 'auto' | 'approve'; standby: string };
  /** The incident gained a timeline entry (or was resolved): the thread is updated. */
  changed: boolean;
}

export function decideRouter(input: DecideInput): Decision {
  const { settings, now } = input;
  // Answers SSH, but every SA and BGP session it had up is down: failing, of another kind.
  const dark =
    input.judgeTunnels === true &&
    input.probe.healthy &&
    input.watch.tunnelsLit === true &&
    (input.probe.tunnelsUp ?? 0) === 0 &&
    input.probe.tunnelsDown.length > 0;
  const probe: RouterProbe = dark
    ? {
        ...input.probe,
        healthy: false,
        error: `SSH answers, but all its tunnels are down (${describeDown(input.probe)})`,
      }
    : input.probe;
  const watch: RouterWatch = {
    ...input.watch,
    failures: probe.healthy ? 0 : input.watch.failures + 1,
    successes: probe.healthy ? input.watch.successes + 1 : 0,
    lastProbeAt: now,
    ...(probe.load5 !== undefined ? { load5: probe.load5 } : {}),
  };
  if (probe.error) watch.lastError = probe.error;
  else delete watch.lastError;
  if (probe.healthy) delete watch.failingSince;
  else if (input.watch.failures === 0 || watch.failingSince === undefined) watch.failingSince = now;
  if (!input.probe.healthy) delete watch.tunnelsLit;
  else if ((input.probe.tunnelsUp ?? 0) > 0) watch.tunnelsLit = true;

  const open = watch.incident && watch.incident.resolvedAt === undefined ? watch.incident : null;
  if (probe.healthy) {
    if (open && watch.successes >= settings.recoveriesToResolve) {
      watch.incident = resolve(open, probe.router, now);
      return { watch, changed: true };
    }
    return { watch, changed: false };
  }
  if (input.paused) return { watch, changed: false };

  let incident = open;
  let changed = false;
  if (!incident) {
    if (watch.failures < settings.failuresToAct) return { watch, changed: false };
    incident = {
      id: `${probe.router}-${(watch.failingSince ?? now).toString(36)}`,
      router: probe.router,
      kind: dark ? 'tunnels-down' : 'unreachable',
      openedAt: now,
      failover: 'none',
      timeline: [
        entry(
          now,
          'detected',
          `${probe.router} failed ${watch.failures} probes in a row: ${probe.error ?? 'unhealthy'}`,
        ),
      ],
    };
    changed = true;
  }
  watch.incident = incident;
  if (!input.standby || !['none', 'blocked', 'cooldown'].includes(incident.failover)) {
    return { watch, changed };
  }
  if (dark) {
    // The standby carries no tunnel until it holds the Elastic IP, so nothing shows its tunnels
    // would fare better, and a cause outside the router (the far ends, the Internet path) would
    // follow it: a person decides. Said once; the failover policy applies if SSH dies too.
    if (incident.timeline.some((e) => e.what === 'decided')) return { watch, changed };
    watch.incident = note(incident, incident.failover, now, 'decided', [
      `no automatic failover: ${probe.router} answers SSH with its tunnels down;`,
      `a person decides (/router status ${probe.router}, /router failover ${probe.router})`,
    ]);
    return { watch, changed: true };
  }

  const policy = settings.routers[probe.router]?.failover ?? 'approve';
  const cooldownMs = settings.failoverCooldownMinutes * 60_000;
  if (watch.lastFailoverAt !== undefined && now - watch.lastFailoverAt < cooldownMs) {
    if (incident.failover === 'cooldown') return { watch, changed };
    const until = new Date(watch.lastFailoverAt + cooldownMs).toISOString();
    watch.incident = note(incident, 'cooldown', now, 'decided', [
      `no failover: the monitor failed ${probe.router} over less than`,
      `${settings.failoverCooldownMinutes} min ago (cooldown until ${until});`,
      `a human decides: /router failover ${probe.router}`,
    ]);
    return { watch, changed: true };
  }
  if (!input.standby.healthy) {
    if (incident.failover === 'blocked') return { watch, changed };
    watch.incident = note(incident, 'blocked', now, 'blocked', [
      `failover blocked: the standby ${input.standby.name} is unhealthy too`,
      `(${input.standby.error ?? 'failed its probe'}); retried every round while it stays so`,
    ]);
    return { watch, changed: true };
  }
  watch.incident = {
    ...note(incident, 'submitting', now, 'decided', [
      policy === 'auto'
        ? `policy auto: failing ${probe.router} over to ${input.standby.name}`
        : `policy approve: asking for approval to fail ${probe.router} over to ` +
          input.standby.name,
    ]),
    policy,
  };
  watch.lastFailoverAt = now;
  return { watch, changed: true, failover: { policy, standby: input.standby.name } };
}

function describeDown(probe: RouterProbe): string {
  const shown = probe.tunnelsDown.slice(0, 4).join(', ');
  return probe.tunnelsDown.length > 4 ? `${shown}, … ${probe.tunnelsDown.length} in all` : shown;
}

function resolve(incident: Incident, router: string, now: number): Incident {
  const movedAway = incident.failover === 'done' || incident.failover === 'submitted';
  return {
    ...incident,
    resolvedAt: now,
    timeline: [
      ...incident.timeline,
      entry(
        now,
        'resolved',
        movedAway
          ? `${router} answers again; the Elastic IP stays on the standby ` +
              `(failback is a decision: /router failback ${router})`
          : incident.kind === 'tunnels-down'
            ? `${router}'s tunnels are up again`
            : `${router} answers again`,
      ),
    ],
  };
}

function note(
  incident: Incident,
  failover: Incident['failover'],
  now: number,
  what: TimelineEntry['what'],
  text: string[],
): Incident {
  return {
    ...incident,
    failover,
    timeline: [...incident.timeline, entry(now, what, text.join(' '))],
  };
}

function entry(at: number, what: TimelineEntry['what'], text: string): TimelineEntry {
  return { at, what, text };
}
