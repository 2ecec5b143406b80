/**
 * Issue 15 §3: `/vpn status` of 500 routers is still messages Slack takes — a summary in the
 * channel, the details as replies in its thread — posted through the Slack emulator, which
 * refuses what Slack refuses (50 blocks, 3000 characters a section, about 13 k characters of
 * blocks a message). The report is built, not read: the simulated world's address plan stops
 * at 77 routers (docs/performance.md).
 */
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouterStatus, StatusReport } from '../../src/report/status-report.js';
import { silentSlackLogger } from '../../src/sim/slack/start-sample-bot.js';
import {
  startSlackEmulator,
  type SlackEmulator,
} from '../../src/sim/slack/start-slack-emulator.js';
import { buildStatusMessages } from '../../src/slack/blocks/build-status-messages.js';

const CHANNEL = 'C0NETOPS';
const REGIONS = ['ap-northeast-1', 'us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-1'];
let slack: SlackEmulator;

beforeAll(async () => {
  slack = await startSlackEmulator({ signingSecret: 's', botToken: 'xoxb-500' });
});
afterAll(() => slack.close());

function fleet(size: number): RouterStatus[] {
  return Array.from({ length: size }, (_, i) => {
    const name = `spoke-extra-${String(i).padStart(3, '0')}`;
    const base = { router: name, region: REGIONS[i % REGIONS.length]!, role: 'spoke' as const };
    if (i % 50 === 7)
      return { ...base, reachable: false, error: `${name} did not answer within 5 s`, tunnels: [] };
    return {
      ...base,
      reachable: true,
      load5: i % 40 === 3 ? 9.5 : 0.2,
      loadThreshold: 2,
      tunnels: [
        { name: `${name}-hub-tunnel-0`, kind: 'ipsec', state: i % 9 === 0 ? 'down' : 'up' },
        { name: 'BGP 169.254.0.1 (hub)', kind: 'bgp', state: 'up', detail: '12 prefixes' },
        { name: `ops-${i}`, kind: 'wireguard', state: 'up', detail: 'handshake 20s ago' },
      ],
    };
  });
}

describe('/vpn status of 500 routers in Slack', () => {
  it('is a summary and thread replies the Slack emulator accepts, every router in it', async () => {
    const routers = fleet(500);
    const report: StatusReport = {
      scope: '*',
      generatedAt: Date.UTC(2026, 11, 3, 12),
      routers,
      regions: REGIONS.map((region) => ({ region, tunnels: [] })),
      problems: [],
      reach: {
        networks: 1002,
        total: 1002 * 1001,
        broken: 5000,
        hops: Array.from({ length: 60 }, (_, i) => ({
          at: `spoke-extra-${String(i * 7).padStart(3, '0')} (ipsec)`,
          count: 80 + i,
          reason: 'the tunnel to the hub is down',
          paths: [`us-east-1/production → ap-northeast-1/hub-${i}`],
        })),
      },
    };
    const { summary, details } = buildStatusMessages(report);
    const web = new WebClient('xoxb-500', { slackApiUrl: slack.apiUrl, logger: silentSlackLogger });
    const root = await web.chat.postMessage({ channel: CHANNEL, ...summary });
    expect(root.ok).toBe(true);
    for (const reply of details)
      expect(
        (await web.chat.postMessage({ channel: CHANNEL, thread_ts: root.ts!, ...reply })).ok,
      ).toBe(true);

    expect(slack.store.replies(CHANNEL, root.ts!)).toHaveLength(details.length);
    expect(JSON.stringify(summary.blocks)).toContain('500 routers');
    const thread = details.map((d) => JSON.stringify(d.blocks)).join('\n');
    for (const r of routers) expect(thread).toContain(`*${r.router}*`);
  });
});
