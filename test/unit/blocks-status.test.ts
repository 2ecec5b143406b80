import { describe, expect, it } from 'vitest';
import type { RouterStatus, StatusReport, TunnelStatus } from '../../src/report/status-report.js';
import { statusReportOf } from '../../src/report/status-report-of.js';
import type { Run } from '../../src/runbook/types.js';
import {
  assertWithinLimits,
  buildStatusMessages,
  findProblems,
  messageChars,
} from '../../src/slack/blocks/index.js';
import type { ChatText } from '../../src/slack/blocks/index.js';

const T0 = Date.UTC(2025, 2, 14, 14, 5);

function tunnel(
  name: string,
  state: 'up' | 'down',
  kind: TunnelStatus['kind'] = 'ipsec',
  detail?: string,
): TunnelStatus {
  return { name, kind, state, remote: '203.0.113.7', ...(detail ? { detail } : {}) };
}

function router(
  name: string,
  region: string,
  tunnels: TunnelStatus[],
  extra: Partial<RouterStatus> = {},
): RouterStatus {
  return {
    router: name,
    region,
    role: 'spoke',
    reachable: true,
    tunnels,
    load5: 0.2,
    loadThreshold: 2,
    ...extra,
  };
}

/** The reference world with one of each problem. */
function troubledReport(): StatusReport {
  return {
    scope: '*',
    generatedAt: T0,
    routers: [
      router(
        'hub-tokyo-a',
        'ap-northeast-1',
        [
          tunnel('to-us-east-1', 'up'),
          tunnel('to-eu-west-1', 'down'),
          tunnel('alice', 'up', 'wireguard'),
        ],
        { role: 'hub' },
      ),
      router('hub-tokyo-b', 'ap-northeast-1', [], { role: 'standby', load5: 3.5 }),
      router('us-east-1-a', 'us-east-1', [
        tunnel('to-hub', 'up'),
        tunnel('bgp 169.254.10.1', 'down', 'bgp'),
      ]),
      router('eu-west-1-a', 'eu-west-1', [], {
        reachable: false,
        error: 'SSH connection timed out after 5 s: check the security group',
      }),
    ],
    regions: [
      {
        region: 'us-west-2',
        error: 'DescribeVpnConnections failed: UnauthorizedOperation',
        tunnels: [],
      },
      {
        region: 'ap-northeast-1',
        tunnels: [
          tunnel('vpn-0abc tunnel 1', 'up', 'vgw'),
          tunnel('vpn-0abc tunnel 2', 'up', 'vgw'),
        ],
      },
    ],
    problems: [],
  };
}

function allMessages(m: { summary: ChatText; details: ChatText[] }): ChatText[] {
  return [m.summary, ...m.details];
}

function textOf(message: ChatText): string {
  return JSON.stringify(message.blocks);
}

describe('buildStatusMessages', () => {
  it('lists problems worst first: unreachable, tunnels down, BGP, load, telemetry', () => {
    const problems = findProblems(troubledReport());
    expect(problems.map((p) => p.where)).toEqual([
      'eu-west-1-a',
      'hub-tokyo-a',
      'us-east-1-a',
      'hub-tokyo-b',
      'us-west-2',
    ]);
    expect(problems[0]?.text).toMatch(/^unreachable: SSH connection timed out/);
    expect(problems[2]?.text).toMatch(/BGP not established/);
    expect(problems[3]?.severity).toBe('warn');
  });

  it('puts the problems in the summary in that order, then one line of counts', () => {
    const { summary } = buildStatusMessages(troubledReport());
    const json = textOf(summary);
    const order = ['eu-west-1-a', 'hub-tokyo-a', 'us-east-1-a', 'hub-tokyo-b', 'us-west-2'].map(
      (w) => json.indexOf(`*${w}*`),
    );
    expect(order.every((pos) => pos > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(json).toContain(':red_circle: *5 problems*');
    expect(json).toContain(
      '4 routers · 5 tunnels up · 2 down · 1 unreachable · 1 under high load · 1 region erroring',
    );
    expect(summary.text).toContain('5 problems');
  });

  it('says all clear with a green circle when nothing is wrong', () => {
    const report: StatusReport = {
      scope: 'ap-northeast-1',
      generatedAt: T0,
      routers: [router('hub-tokyo-a', 'ap-northeast-1', [tunnel('x', 'up')])],
      regions: [],
      problems: [],
    };
    const { summary, details } = buildStatusMessages(report);
    expect(textOf(summary)).toContain(
      ':large_green_circle: *All clear* — VPN status for `ap-northeast-1`',
    );
    expect(textOf(summary)).toContain('1 router · 1 tunnel up · 0 down');
    expect(details).toHaveLength(1);
  });

  it('keeps problems the status job added that the data does not already show', () => {
    const report = troubledReport();
    report.problems = [
      { severity: 'down', where: 'eu-west-1-a', text: 'eu-west-1-a is unreachable' },
      { severity: 'down', where: 'hub-tokyo-a', text: 'hub-tokyo-a: to-eu-west-1 down' },
      { severity: 'warn', where: 'hub-tokyo-c', text: 'standby runs an AMI 3 versions old' },
    ];
    const problems = findProblems(report);
    expect(problems.filter((p) => p.where === 'eu-west-1-a')).toHaveLength(1);
    expect(problems.filter((p) => p.where === 'hub-tokyo-a')).toHaveLength(1);
    expect(problems.at(-1)?.text).toBe('standby runs an AMI 3 versions old');
  });

  it(
    'does not alarm on a standby whose tunnels are ' +
      'down by design, nor on an idle WireGuard peer',
    () => {
      const report: StatusReport = {
        scope: '*',
        generatedAt: T0,
        routers: [
          router(
            'hub-tokyo-a',
            'ap-northeast-1',
            [tunnel('to-us', 'up'), tunnel('laptop-bob', 'down', 'wireguard')],
            { role: 'hub' },
          ),
          router(
            'hub-tokyo-b',
            'ap-northeast-1',
            [tunnel('to-us', 'down'), tunnel('bgp', 'down', 'bgp')],
            { role: 'standby' },
          ),
        ],
        regions: [],
        problems: [],
      };
      expect(findProblems(report)).toEqual([]);
      expect(textOf(buildStatusMessages(report).summary)).toContain('*All clear*');
      // Counted apart: the standby's tunnels wait for the Elastic IP and the laptop is off;
      // neither is "down", so the counts agree with the headline.
      expect(textOf(buildStatusMessages(report).summary)).toContain(
        '2 routers · 1 tunnel up · 0 down · 2 idle on standby · 1 WireGuard peer idle',
      );
      // The details agree too: nothing red under "All clear", and each state in words.
      const details = buildStatusMessages(report).details.map(textOf).join('\n');
      expect(details).not.toContain(':red_circle:');
      expect(details).toContain(':white_circle: idle, no recent handshake · laptop-bob');
      expect(details).toContain(':white_circle: standby, waits for the Elastic IP · to-us');
      expect(details).toContain(':large_green_circle: ok · *hub-tokyo-b* (standby)');
    },
  );

  it(
    'names every state in words beside its symbol, ' + 'and a real problem in red in both places',
    () => {
      const report: StatusReport = {
        scope: '*',
        generatedAt: T0,
        routers: [
          router('spoke-a', 'us-east-1', [tunnel('to-hub', 'down'), tunnel('office', 'up')], {
            role: 'spoke',
          }),
          router('spoke-b', 'us-east-1', [], { reachable: false, error: 'timeout' }),
        ],
        regions: [],
        problems: [],
      };
      const { summary, details } = buildStatusMessages(report);
      expect(textOf(summary)).toContain('*2 problems*');
      const text = details.map(textOf).join('\n');
      expect(text).toContain(':red_circle: tunnels down · *spoke-a* (spoke)');
      expect(text).toContain(':red_circle: down · to-hub');
      expect(text).toContain(':large_green_circle: up · office');
      expect(text).toContain(':red_circle: unreachable · *spoke-b*');
      // Stripped of every :emoji:, each line still says its state.
      const plain = text.replace(/:[a-z_]+:/g, '');
      for (const word of ['tunnels down', 'down · to-hub', 'up · office', 'unreachable'])
        expect(plain).toContain(word);
    },
  );

  it('shows the first 15 problems in the channel and counts the rest', () => {
    const routers = Array.from({ length: 40 }, (_, i) =>
      router(`r${i}`, 'us-east-1', [], { reachable: false, error: 'timeout' }),
    );
    const { summary } = buildStatusMessages({
      scope: '*',
      generatedAt: T0,
      routers,
      regions: [],
      problems: [],
    });
    expect(textOf(summary)).toContain('*r14* — unreachable');
    expect(textOf(summary)).not.toContain('*r15*');
    expect(textOf(summary)).toContain('… and 25 more problems — see the thread');
  });

  it('groups details by region, problem regions first, each reply naming its region', () => {
    const { details } = buildStatusMessages(troubledReport());
    const regions = details.map((d) => /^([a-z0-9-]+):/.exec(d.text)?.[1]);
    expect(regions).toEqual(['ap-northeast-1', 'us-east-1', 'eu-west-1', 'us-west-2']);
    const tokyo = textOf(details[0]!);
    expect(tokyo.indexOf('to-eu-west-1')).toBeLessThan(tokyo.indexOf('to-us-east-1'));
    expect(tokyo).toContain('vpn-0abc tunnel 1');
    expect(textOf(details[2]!)).toContain('unreachable: SSH connection timed out');
    expect(textOf(details[3]!)).toContain('telemetry failed');
  });

  it(
    'stays inside every Block Kit limit for 200 ' + 'routers with 20 tunnels each and long errors',
    () => {
      const long = 'connection refused by 198.51.100.9 port 22 '.repeat(120);
      const regions = [
        'ap-northeast-1',
        'us-east-1',
        'us-west-2',
        'eu-west-1',
        'ap-southeast-1',
        'sa-east-1',
      ];
      const routers = Array.from({ length: 200 }, (_, i) =>
        router(
          `router-${String(i).padStart(3, '0')}-with-a-rather-long-name`,
          regions[i % regions.length]!,
          Array.from({ length: 20 }, (_, j) =>
            tunnel(
              `peer-${i}-${j}-${'x'.repeat(30)}`,
              (i + j) % 7 === 0 ? 'down' : 'up',
              j === 19 ? 'bgp' : 'ipsec',
              `up 3d 4h, ${j * 1000} packets, ${'d'.repeat(200)}`,
            ),
          ),
          i % 13 === 0
            ? { reachable: false, error: long, tunnels: [] }
            : i % 11 === 0
              ? { load5: 9.99 }
              : {},
        ),
      );
      const report: StatusReport = {
        scope: '*',
        generatedAt: T0,
        routers,
        regions: regions.map((r) => ({
          region: r,
          error: r === 'sa-east-1' ? long : undefined,
          tunnels: [tunnel(`vpn-${r}`, 'down', 'vgw')],
        })),
        problems: [],
      };
      const messages = buildStatusMessages(report);
      for (const m of allMessages(messages)) {
        assertWithinLimits(m);
        expect(m.blocks.length).toBeLessThanOrEqual(50);
        expect(messageChars(m)).toBeLessThanOrEqual(12_000);
      }
      const summary = textOf(messages.summary);
      expect(summary).toMatch(/… and \d+ more problems/);
      expect(summary).toContain('200 routers');
      // Every router appears somewhere in the thread: nothing silently lost.
      const thread = messages.details.map(textOf).join('\n');
      for (const r of routers) expect(thread).toContain(`*${r.router}*`);
      expect(thread).toContain('part 2/');
    },
  );

  it('escapes hostile names so they cannot ping the channel or inject links', () => {
    const report: StatusReport = {
      scope: '<!channel>',
      generatedAt: T0,
      routers: [
        router('<!channel> & <@U0EVIL>', 'r&d', [tunnel('<https://evil.example|click>', 'down')], {
          reachable: true,
        }),
      ],
      regions: [{ region: '<!here>', error: 'bad <!everyone> & worse', tunnels: [] }],
      problems: [{ severity: 'warn', where: '<!subteam^S1>', text: '<script>' }],
    };
    for (const m of allMessages(buildStatusMessages(report))) {
      const json = textOf(m);
      expect(json).not.toMatch(/<[!@#h]/);
      assertWithinLimits(m);
    }
    expect(textOf(buildStatusMessages(report).summary)).toContain(
      '&lt;!channel&gt; &amp; &lt;@U0EVIL&gt;',
    );
  });
});

describe('statusReportOf', () => {
  it('reads the report from the collect step and refuses what is not one', () => {
    const report = troubledReport();
    const run = {
      steps: [
        {
          id: 'collect',
          title: 'Collect',
          status: 'done',
          result: report as unknown as Run['steps'][number]['result'],
        },
      ],
    } as Pick<Run, 'steps'>;
    expect(statusReportOf(run)?.routers).toHaveLength(4);
    expect(statusReportOf({ steps: [] })).toBeUndefined();
    expect(
      statusReportOf({
        steps: [
          {
            id: 'collect',
            title: 'Collect',
            status: 'done',
            result: { routers: [{ name: 1 }], regions: [] },
          },
        ],
      }),
    ).toBeUndefined();
  });
});

describe('the reachability headline of /vpn status', () => {
  const hop = (at: string, paths: string[], count = paths.length) => ({
    at,
    count,
    reason: `${at} has no route to 10.250.0.2`,
    fix: `add a route at ${at}`,
    paths,
  });

  it('starts with "All N networks reach each other" when nothing is broken', () => {
    const { summary, details } = buildStatusMessages({
      ...troubledReport(),
      reach: { networks: 4, total: 12, broken: 0, hops: [] },
    });
    expect(JSON.stringify(summary.blocks?.[0])).toContain('All 4 networks reach each other');
    expect(summary.text).toMatch(/^VPN status: All 4 networks reach each other; 5 problems/);
    expect(details.some((d) => textOf(d).includes('Reachability'))).toBe(false);
  });

  it(
    'says how many paths are broken, the hop that ' +
      'breaks the most first, and lists them in the thread',
    () => {
      const report: StatusReport = {
        ...troubledReport(),
        reach: {
          networks: 4,
          total: 12,
          broken: 10,
          hops: [hop('spoke-1', ['c → b', 'd → b'], 9), hop('rtb-hub', ['a → b'])],
        },
      };
      const { summary, details } = buildStatusMessages(report);
      const json = textOf(summary);
      expect(json.indexOf('10 of 12 paths broken')).toBeLessThan(json.indexOf('5 problems'));
      expect(json.indexOf('spoke-1')).toBeLessThan(json.indexOf('rtb-hub'));
      expect(json).toContain('c → b and 8 more');
      expect(json).toContain('Fix: add a route at spoke-1');
      expect(json).not.toContain('All clear');
      const thread = textOf(details[0]!);
      expect(thread).toContain('Reachability: 10 of 12 paths broken');
      expect(thread).toContain('breaks 9 paths: c → b, d → b … and 7 more');
      for (const m of allMessages({ summary, details })) assertWithinLimits(m);
    },
  );

  it('stays inside the Block Kit limits with a thousand broken hops', () => {
    const hops = Array.from({ length: 1000 }, (_, i) =>
      hop(`router-${i} ${'x'.repeat(300)}`, ['a → b', 'c → d'], 3),
    );
    const m = buildStatusMessages({
      ...troubledReport(),
      reach: { networks: 100, total: 9900, broken: 3000, hops },
    });
    for (const message of allMessages(m)) assertWithinLimits(message);
    expect(textOf(m.summary)).toContain('… and 995 more broken hops');
  });

  it('keeps the reachability of a stored run (a report read back from Redis)', () => {
    const reach = { networks: 4, total: 12, broken: 1, hops: [hop('x', ['a → b'])] };
    const run = {
      steps: [{ id: 'collect', result: { ...troubledReport(), reach } }],
    } as unknown as Pick<Run, 'steps'>;
    expect(statusReportOf(run)?.reach).toEqual(reach);
  });
});
