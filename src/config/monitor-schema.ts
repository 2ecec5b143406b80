/**
 * The inventory's `monitor:` section: how often the scheduled probe round runs, when a
 * primary counts as failed, and what the monitor may do about it per router. Defaults are
 * the original home-made monitor's: a round every 10 s, 3 failed probes in a row, and a
 * scale-up proposal when the 5-minute load average stays at 2.0 or more.
 */
import { z } from 'zod';

const Name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/, 'must be a router name');

/** Per router: `auto` fails over at once and reports; `approve` posts the plan with buttons. */
export const MonitorRouterSchema = z.strictObject({
  failover: z.enum(['auto', 'approve']).default('approve'),
});

const defaults = {
  intervalSeconds: 10,
  failuresToAct: 3,
  recoveriesToResolve: 3,
  probeTimeoutMs: 3000,
  probeConcurrency: 256,
  loadThreshold: 2,
  loadWindowMinutes: 5,
  failoverCooldownMinutes: 30,
  lowLoadThreshold: 0.3,
  lowLoadWindowMinutes: 60,
  scaleCooldownMinutes: 60,
  routers: {},
};

export const MonitorSchema = z
  .strictObject({
    /** Seconds between probe rounds (fractions allowed for the simulator and benches). */
    intervalSeconds: z.number().min(0.1).max(3600).default(defaults.intervalSeconds),
    /** Consecutive failed probes of a primary before its failover policy applies. */
    failuresToAct: z.number().int().min(1).max(100).default(defaults.failuresToAct),
    /** Consecutive good probes before an incident is marked resolved. */
    recoveriesToResolve: z.number().int().min(1).max(100).default(defaults.recoveriesToResolve),
    /** How long one router's probe may take before it counts as failed (SSH unreachable). */
    probeTimeoutMs: z.number().int().min(100).max(60_000).default(defaults.probeTimeoutMs),
    /**
     * How many routers are probed at once. A warm probe is one exchange on an open session;
     * the first round after a start opens every session, about ten round trips and a key
     * exchange each, and 500 at once starve each other's CPU past `probeTimeoutMs`
     * (docs/monitor.md, "Measured").
     */
    probeConcurrency: z.number().int().min(1).max(4096).default(defaults.probeConcurrency),
    /** The 5-minute load average at or above which a router counts as loaded. */
    loadThreshold: z.number().positive().default(defaults.loadThreshold),
    /** How long the load must stay over the threshold before a scale-up is proposed. */
    loadWindowMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(defaults.loadWindowMinutes),
    /**
     * After the monitor fails a router over, no second automatic failover of it for this
     * long: a flapping router does not ping-pong the Elastic IP.
     */
    failoverCooldownMinutes: z
      .number()
      .min(0)
      .max(7 * 24 * 60)
      .default(defaults.failoverCooldownMinutes),
    /** The 5-minute load average below which a router counts as idle (scale-down proposal). */
    lowLoadThreshold: z.number().min(0).default(defaults.lowLoadThreshold),
    /** How long the load must stay below `lowLoadThreshold` before a scale-down is proposed. */
    lowLoadWindowMinutes: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60)
      .default(defaults.lowLoadWindowMinutes),
    /** After a scale proposal, none for the same router for this long (nor while it waits/runs). */
    scaleCooldownMinutes: z
      .number()
      .min(0)
      .max(7 * 24 * 60)
      .default(defaults.scaleCooldownMinutes),
    routers: z.record(Name, MonitorRouterSchema).default(defaults.routers),
  })
  .refine((m) => m.lowLoadThreshold < m.loadThreshold, {
    message:
      'lowLoadThreshold must be below loadThreshold (a load cannot ' +
      'be both high and low): lower monitor.lowLoadThreshold',
    path: ['lowLoadThreshold'],
  })
  .default(defaults);

export type MonitorSettings = z.infer<typeof MonitorSchema>;
