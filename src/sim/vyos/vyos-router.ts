/**
 * One emulated VyOS router, independent of SSH: active and saved configurations, the commit
 * lock, the commit-confirm timer and what happens when it runs out (reboot into the saved
 * configuration), power state, and the live state the status outputs read.
 */
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigTree } from './config-tree.js';
import { checkCommit, formatCommitFailures } from './check-commit.js';
import { createDefaultLiveState, type RouterLiveState } from './live-state.js';
import { ShaperCounters } from './shaper-counters.js';
import type { VyosVersion } from './show-system-status.js';

export interface VyosRouterSettings {
  name: string;
  hostName?: string;
  baseConfig: readonly string[];
  version?: VyosVersion;
  live?: RouterLiveState;
  minuteMs?: number;
  rebootMs?: number;
  /** Round-trip time of the network to the router (wan-link.ts), in ms. */
  roundTripMs?: number;
  commitMs?: number;
  /** Core count, for the percent load averages of `show system uptime`. */
  cores?: number;
  /** `show version`'s hardware model, i.e. the EC2 instance type. */
  hardwareModel?: string;
}

export type CommitOutcome = 'committed' | 'no-changes' | 'failed' | 'locked';

export interface ConnectedSession {
  drop(): void;
}

export type PowerState = 'on' | 'rebooting' | 'off';

export const COMMIT_LOCKED =
  'Configuration system temporarily locked due to another commit in progress';

export class VyosRouter extends EventEmitter {
  readonly name: string;
  readonly version: VyosVersion;
  readonly minuteMs: number;
  readonly rebootMs: number;
  readonly commitMs: number;
  readonly cores: number;
  hardwareModel: string;
  /** Round-trip time of the network to the router (wan-link.ts): each exchange costs one. */
  roundTripMs: number;
  active: ConfigTree;
  saved: ConfigTree;
  power: PowerState = 'on';
  bootedAt = Date.now();
  /** The egress shapers' kernel counters; the world offers them traffic. */
  readonly shapers: ShaperCounters = new ShaperCounters(this);
  /** strongSwan running; `show vpn ipsec sa` says `IPsec not initialized` otherwise. */
  ipsecRunning = true;
  private liveState: RouterLiveState;
  private readonly defaultHostName: string;
  private committing = false;
  private pendingConfirm:
    { timer: NodeJS.Timeout; action: 'reboot' | 'reload'; rollback: ConfigTree } | undefined;
  private rebootTimer: NodeJS.Timeout | undefined;
  private readonly sessions = new Set<ConnectedSession>();

  constructor(settings: VyosRouterSettings) {
    super();
    this.name = settings.name;
    this.version = settings.version ?? '1.4';
    this.minuteMs = settings.minuteMs ?? 60_000;
    this.rebootMs = settings.rebootMs ?? Math.round(this.minuteMs / 2);
    this.commitMs = settings.commitMs ?? 0;
    this.roundTripMs = settings.roundTripMs ?? 0;
    this.cores = settings.cores ?? 2;
    this.hardwareModel = settings.hardwareModel ?? 't3.medium';
    this.defaultHostName = settings.hostName ?? settings.name;
    this.active = ConfigTree.fromSetLines(settings.baseConfig);
    this.saved = this.active.clone();
    this.liveState = settings.live ?? createDefaultLiveState(() => this.bootedAt);
  }

  /** The prompt's host name: `system host-name` once committed, like bash's `\h`. */
  get hostName(): string {
    return this.active.value('system host-name') ?? this.defaultHostName;
  }

  get live(): RouterLiveState {
    return this.liveState;
  }

  activeLines(): string[] {
    return this.active.toSetLines();
  }

  savedLines(): string[] {
    return this.saved.toSetLines();
  }

  /**
   * Replace the live state (the world decides which tunnels are up); undefined restores the
   * default.
   */
  setLive(live: RouterLiveState | undefined): void {
    this.liveState = live ?? createDefaultLiveState(() => this.bootedAt);
  }

  setRoundTrip(ms: number): void {
    this.roundTripMs = ms;
  }

  get confirmPending(): boolean {
    return this.pendingConfirm !== undefined;
  }

  /** The action an unconfirmed commit-confirm takes; 1.5 can be told to reload instead. */
  confirmAction(config: ConfigTree = this.active): 'reboot' | 'reload' {
    const action = config.value('system config-management commit-confirm action');
    return this.version === '1.5' && action === 'reload' ? 'reload' : 'reboot';
  }

  attachSession(session: ConnectedSession): () => void {
    this.sessions.add(session);
    return () => this.sessions.delete(session);
  }

  async commit(working: ConfigTree): Promise<{ outcome: CommitOutcome; lines: string[] }> {
    if (this.committing) return { outcome: 'locked', lines: [COMMIT_LOCKED] };
    if (working.equals(this.active))
      return { outcome: 'no-changes', lines: ['No configuration changes to commit'] };
    this.committing = true;
    try {
      if (this.commitMs > 0) await sleep(this.commitMs);
      const failures = checkCommit(this.active, working);
      if (failures.length > 0) return { outcome: 'failed', lines: formatCommitFailures(failures) };
      this.active = working.clone();
      this.emit('commit', { lines: this.active.toSetLines() });
      return { outcome: 'committed', lines: [] };
    } finally {
      this.committing = false;
    }
  }

  /** Arm the rollback timer; `rollback` is what a 1.5 `reload` returns to. */
  armCommitConfirm(minutes: number, action: 'reboot' | 'reload', rollback: ConfigTree): void {
    const timer = setTimeout(() => this.confirmExpired(), minutes * this.minuteMs);
    timer.unref();
    this.pendingConfirm = { timer, action, rollback };
  }

  /** `confirm`: returns false when nothing was pending. */
  confirmCommit(): boolean {
    if (!this.pendingConfirm) return false;
    clearTimeout(this.pendingConfirm.timer);
    this.pendingConfirm = undefined;
    return true;
  }

  save(): void {
    this.saved = this.active.clone();
    this.emit('save', { lines: this.saved.toSetLines() });
  }

  private confirmExpired(): void {
    const pending = this.pendingConfirm;
    this.pendingConfirm = undefined;
    if (!pending) return;
    if (pending.action === 'reload') {
      this.active = pending.rollback.clone();
      this.emit('commit', { lines: this.active.toSetLines(), rollback: true });
      return;
    }
    this.reboot();
  }

  private dropSessions(): void {
    for (const session of [...this.sessions]) session.drop();
    this.sessions.clear();
  }

  private clearTimers(): void {
    if (this.pendingConfirm) clearTimeout(this.pendingConfirm.timer);
    this.pendingConfirm = undefined;
    if (this.rebootTimer) clearTimeout(this.rebootTimer);
    this.rebootTimer = undefined;
  }

  private boot(): void {
    // A booting router loads config.boot: whatever was saved, never the unsaved commits.
    this.active = this.saved.clone();
    this.bootedAt = Date.now();
    this.ipsecRunning = true;
    this.power = 'on';
    this.emit('boot');
  }

  /** Drop every session, stay unreachable for `rebootMs`, come back with the saved config. */
  reboot(): void {
    this.clearTimers();
    this.power = 'rebooting';
    this.dropSessions();
    this.emit('reboot');
    this.rebootTimer = setTimeout(() => {
      this.rebootTimer = undefined;
      this.boot();
    }, this.rebootMs);
    this.rebootTimer.unref();
  }

  /** A stopped instance: sessions dropped, connections refused, pending timers forgotten. */
  powerOff(): void {
    this.clearTimers();
    this.power = 'off';
    this.dropSessions();
    this.emit('power', 'off');
  }

  powerOn(): void {
    if (this.power !== 'off') return;
    this.boot();
    this.emit('power', 'on');
  }

  dispose(): void {
    this.clearTimers();
    this.dropSessions();
  }
}
