/**
 * Load → scale proposals (issue 13 item 4), a pure function like decideRouter: a router whose
 * 5-minute load stays at or above `loadThreshold` for `loadWindowMinutes` of consecutive
 * probes gets one scale-up proposal; one below `lowLoadThreshold` for `lowLoadWindowMinutes`
 * gets one scale-down proposal. A proposal is a run waiting for approval, so a person still
 * decides; the monitor only asks, once, and not again while it waits or runs or within
 * `scaleCooldownMinutes` of the last ask (a load hovering at the threshold does not spam).
 */
import type { MonitorSettings } from '../config/monitor-schema.js';
import type { ScaleDirection } from '../scaleup/choose-target-type.js';
import type { RouterProbe, RouterWatch } from './monitor-types.js';

export interface ScaleInput {
  watch: RouterWatch;
  probe: RouterProbe;
  settings: MonitorSettings;
  now: number;
  /**
   * Where the router's instance type sits on its ladder (0 = smallest); absent when the type
   * is unknown (EC2 unread) or not on the ladder: then nothing is proposed, since the
   * scale runbook would refuse it anyway.
   */
  rung?: { index: number; count: number };
  /** False for a standby, a router without an Elastic IP, or a paused router. */
  eligible: boolean;
}

export interface ScaleDecision {
  watch: RouterWatch;
  propose?: ScaleDirection;
}

/** Consecutive probes that make up `minutes` at the round interval (at least one). */
export function probesIn(minutes: number, settings: MonitorSettings): number {
  return Math.max(1, Math.ceil((minutes * 60) / settings.intervalSeconds));
}

export function decideScale(input: ScaleInput): ScaleDecision {
  const { probe, settings, now } = input;
  const load = probe.healthy ? probe.load5 : undefined;
  // An unhealthy probe or a missing reading breaks the run: "stays loaded" means every probe.
  const watch: RouterWatch = {
    ...input.watch,
    loadHigh:
      load !== undefined && load >= settings.loadThreshold ? (input.watch.loadHigh ?? 0) + 1 : 0,
    loadLow:
      load !== undefined && load < settings.lowLoadThreshold ? (input.watch.loadLow ?? 0) + 1 : 0,
  };
  const direction: ScaleDirection | undefined =
    watch.loadHigh! >= probesIn(settings.loadWindowMinutes, settings)
      ? 'up'
      : watch.loadLow! >= probesIn(settings.lowLoadWindowMinutes, settings)
        ? 'down'
        : undefined;
  if (!direction || !input.eligible || watch.scale) return { watch };
  const cooldownMs = settings.scaleCooldownMinutes * 60_000;
  if (watch.lastScaleAt !== undefined && now - watch.lastScaleAt < cooldownMs) return { watch };
  const rung = input.rung;
  if (!rung) return { watch };
  // Never off either end of the ladder: the smallest type is not scaled down, nor the largest up.
  if (direction === 'down' ? rung.index <= 0 : rung.index >= rung.count - 1) return { watch };
  return {
    watch: { ...watch, loadHigh: 0, loadLow: 0, lastScaleAt: now, scale: { direction, at: now } },
    propose: direction,
  };
}
