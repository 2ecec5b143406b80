import { z } from 'zod';
import { resultIn, stepRef } from '../runbook/step-ref.js';
import type { Run } from '../runbook/types.js';

/** One peer of one router, as `/vpn peers` shows it. */
export interface PeerLine {
  router: string;
  name: string;
  kind: 'wireguard' | 'ipsec';
  /** Tunnel address (WireGuard) or the site's subnets / remote address (IPsec). */
  reach: string;
  /** `handshake 2m ago`, `never connected`, `up 2h15m`, `down`. */
  state: string;
  up: boolean;
}

export interface RouterPeers {
  router: string;
  peers: PeerLine[];
  error?: string;
}

function looksLikePeers(value: unknown): value is RouterPeers[] {
  return (
    Array.isArray(value) &&
    value.every(
      (r: unknown) =>
        typeof r === 'object' &&
        r !== null &&
        typeof (r as RouterPeers).router === 'string' &&
        Array.isArray((r as RouterPeers).peers),
    )
  );
}

/** The peers runbook's one step, whose result is every router's peers (jobs/peers.ts). */
export const PEERS_STEPS = {
  list: stepRef('list', z.custom<RouterPeers[]>(looksLikePeers)),
} as const;

/** The peers a `/vpn peers` run read, once its step is done (checked, not trusted). */
export function peerReportOf(run: Pick<Run, 'kind' | 'steps'>): RouterPeers[] | undefined {
  return run.kind === 'peers' ? resultIn(run, PEERS_STEPS.list) : undefined;
}

/** "12 peers", "1 peer": counts said right. */
const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

/**
 * The channel's short answer: how many peers, how many connected, which routers did not
 * answer; the list itself goes to the thread (src/slack/blocks/build-peer-list.ts).
 */
export function describePeers(all: RouterPeers[]): string {
  const total = all.reduce((n, r) => n + r.peers.length, 0);
  const up = all.reduce((n, r) => n + r.peers.filter((p) => p.up).length, 0);
  const lines = [
    `${count(total, 'peer')} on ${count(all.length, 'router')}, ${up} connected` +
      (total > 0 ? ' (the list is in the thread).' : '.'),
  ];
  for (const r of all.filter((x) => x.error)) lines.push(`✗ ${r.router}: unreachable (${r.error})`);
  return lines.join('\n');
}

/** Every peer, one line each, disconnected first (what needs a look comes first). */
export function peerLines(all: RouterPeers[]): string[] {
  return all
    .flatMap((r) => r.peers)
    .sort((a, b) => Number(a.up) - Number(b.up))
    .map(
      (p) =>
        `${p.up ? '● connected' : '○ not connected'} · ${p.router} · ${p.name} · ` +
        `${p.kind === 'wireguard' ? 'WireGuard' : 'IPsec'} · ${p.reach} · ${p.state}`,
    );
}
