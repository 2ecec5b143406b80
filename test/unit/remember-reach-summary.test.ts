/**
 * A status run judges reachability again only when something the judge reads changed: the
 * counters that move on every read must not defeat the memory, and nothing the judge reads may
 * be left out of it.
 */
import { describe, expect, it } from 'vitest';
import type { ReachState } from '../../src/reach/reach-state.js';
import { rememberReachSummary } from '../../src/reach/remember-reach-summary.js';
import type { ReachSummary } from '../../src/report/reach-report.js';

function state(o: {
  sa?: 'up' | 'down';
  uptime?: number;
  handshake?: number;
  bytes?: number;
  hostName?: string;
}) {
  return {
    routers: [
      {
        name: 'hub-tokyo-a',
        entry: { region: 'ap-northeast-1', role: 'hub' },
        reading: {
          config: [
            { op: 'set', path: ['system', 'host-name'], value: o.hostName ?? 'hub-tokyo-a' },
          ],
          sas: {
            processRunning: true,
            sas: [
              {
                connection: 'office-tunnel-0',
                peer: 'office',
                state: o.sa ?? 'up',
                uptimeSeconds: o.uptime ?? 10,
                bytesIn: o.bytes ?? 0,
                bytesOut: o.bytes ?? 0,
              },
            ],
          },
          routes: [],
          wireguard: [
            {
              interface: 'wg0',
              peers: [
                {
                  publicKey: 'k',
                  allowedIps: ['10.250.0.10/32'],
                  latestHandshakeSeconds: o.handshake ?? 5,
                  bytesReceived: o.bytes ?? 0,
                  bytesSent: o.bytes ?? 0,
                },
              ],
            },
          ],
        },
      },
    ],
    vpcs: [],
    vgws: [],
    errors: [],
  } as unknown as ReachState;
}

describe('rememberReachSummary', () => {
  it('judges again exactly when something the judge reads changed', async () => {
    let judged = 0;
    const judge = rememberReachSummary((): ReachSummary => {
      judged++;
      return { networks: 2, total: 2, broken: 0, hops: [] };
    });
    await judge(state({}));
    // Counters and a handshake that stays fresh: the same network.
    await judge(state({ uptime: 99, bytes: 12345, handshake: 60 }));
    expect(judged).toBe(1);
    await judge(state({ sa: 'down' }));
    expect(judged).toBe(2);
    // A stale handshake's age is in the reason the judge gives: every change counts.
    await judge(state({ handshake: 400 }));
    await judge(state({ handshake: 401 }));
    expect(judged).toBe(4);
  });

  it('reads a counter only where it is a field: the same words in a value are text', async () => {
    let judged = 0;
    const judge = rememberReachSummary((): ReachSummary => {
      judged++;
      return { networks: 2, total: 2, broken: 0, hops: [] };
    });
    await judge(state({ hostName: 'a,"bytesIn":1' }));
    await judge(state({ hostName: 'a,"bytesIn":2' }));
    await judge(state({ hostName: '{"latestHandshakeSeconds":3' }));
    await judge(state({ hostName: '{"latestHandshakeSeconds":4' }));
    expect(judged).toBe(4);
  });

  it('hands out a copy: a caller changing its report does not change the next one', async () => {
    const judge = rememberReachSummary(() => ({ networks: 2, total: 2, broken: 0, hops: [] }));
    const first = await judge(state({}));
    first.broken = 7;
    expect((await judge(state({}))).broken).toBe(0);
  });
});
