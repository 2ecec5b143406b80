/**
 * The reachability summary of the last network judged, kept: a fleet that has not changed
 * since the last `/vpn status` is not judged again (every ordered pair: 10,100 at 50 routers,
 * about half a second of CPU; 980,000 at 500). The key is a digest of everything the judge
 * reads. Counters it never reads (an SA's uptime, bytes and packets, a WireGuard peer's
 * traffic) are left out, and a handshake the judge finds fresh is keyed as "fresh" (a stale
 * one keeps its seconds: they are in the reason it gives).
 */
import { createHash } from 'node:crypto';
import type { ReachSummary } from '../report/reach-report.js';
import type { ReachState } from './reach-state.js';
import { fresh } from './trace-hops.js';
import { forEachInSlices, sliceLoop, type LoopSlicer } from '../util/give-back-loop.js';

const UNREAD = [
  'uptimeSeconds',
  'bytesIn',
  'bytesOut',
  'packetsIn',
  'packetsOut',
  'bytesReceived',
  'bytesSent',
];
/**
 * A counter or handshake age in the JSON text of the state: a key opens an object or follows a
 * comma (inside a string its quote is escaped, `\"`), and its value is a number. Masking
 * them in the text is what JSON.stringify's replacer did per key, about five times slower (a
 * 50-router state is 1 MB of JSON and every status run digests it). A counter that is not a
 * number is left in: that judges again, never too little.
 */
const MOVING = new RegExp(
  `([{,]"(?:(${UNREAD.join('|')})|latestHandshakeSeconds)":)(-?\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?)`,
  'g',
);

/** A part of the state as JSON, its counters masked and fresh handshakes keyed as fresh. */
function maskedJson(part: unknown): string {
  return JSON.stringify(part).replace(
    MOVING,
    (_all, key: string, counter: string | undefined, value: string) =>
      counter !== undefined ? `${key}#` : fresh(Number(value)) ? `${key}"fresh"` : _all,
  );
}

/**
 * The state a part at a time: each router (a hub of 500 spokes is MB of JSON), then the VPCs,
 * the VGWs and the errors. A newline parts them (JSON text holds none), so two states digest
 * alike only when every part is alike.
 */
function statePartsOf(state: ReachState): unknown[] {
  return [...state.routers, '|vpcs', ...state.vpcs, '|vgws', ...state.vgws, state.errors];
}

/** The digest of what the judge reads (never stored: it covers pre-shared keys too). */
export function digestReachState(state: ReachState): string {
  const hash = createHash('sha256');
  for (const part of statePartsOf(state)) hash.update(`${maskedJson(part)}\n`);
  return hash.digest('hex');
}

/**
 * The same digest, giving the event loop back between parts: at 500 routers the state is tens of
 * MB of JSON, a second and more of one CPU in one go.
 */
export async function digestReachStateInSlices(
  state: ReachState,
  slicer: LoopSlicer = sliceLoop(),
): Promise<string> {
  const hash = createHash('sha256');
  await forEachInSlices(statePartsOf(state), slicer, (part) =>
    hash.update(`${maskedJson(part)}\n`),
  );
  return hash.digest('hex');
}

export function rememberReachSummary(
  judge: (state: ReachState) => ReachSummary | Promise<ReachSummary>,
): (state: ReachState) => Promise<ReachSummary> {
  let last: { digest: string; summary: ReachSummary } | undefined;
  return async (state) => {
    const digest = await digestReachStateInSlices(state);
    if (last?.digest !== digest) last = { digest, summary: await judge(state) };
    return structuredClone(last.summary);
  };
}
