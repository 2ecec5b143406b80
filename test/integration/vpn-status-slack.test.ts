import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../helpers/local-stack.js';
import { waitFor } from '../helpers/wait-for.js';

const REGIONS = [
  'ap-northeast-1',
  'us-east-1',
  'us-west-2',
  'eu-west-1',
  'ap-southeast-1',
  'sa-east-1',
];

describe(
  '/vpn status through Slack (signed HTTP ' + 'requests, queue, worker, SSH and EC2 simulators)',
  () => {
    let stack: LocalStack;
    beforeAll(async () => {
      stack = await startLocalStack();
    });
    afterAll(async () => {
      await stack?.close();
    });

    const allText = (channel: string) =>
      stack.slack.store
        .messages(channel)
        .flatMap((m) => [m, ...stack.slack.store.replies(channel, m.ts)])
        .map((m) => JSON.stringify(m.blocks ?? m.text))
        .join('\n');

    it(
      'answers a signed /vpn status with a summary ' +
        'in the channel and every region in the thread',
      async () => {
        const reply = await stack.slack.slashCommand({
          user: 'U0ALICE',
          channel: 'C0NETOPS',
          command: '/vpn',
          text: 'status',
        });
        expect(reply.status).toBe(200);
        expect(JSON.stringify(reply.json ?? reply.body)).toMatch(/Started r-[a-z0-9]{6}/);
        const root = await waitFor(
          () =>
            stack.slack.store
              .messages('C0NETOPS')
              .find((m) => JSON.stringify(m.blocks).includes('All clear')),
          'the status summary',
        );
        // It starts with reachability, the same count the simulator's oracle finds.
        const oracle = stack.world.model.reachMatrix();
        const headline =
          oracle.broken === 0
            ? `All ${oracle.endpoints.length} networks reach each other`
            : `${oracle.broken} of ${oracle.total} paths broken`;
        expect(JSON.stringify(root.blocks?.[0])).toContain(headline);
        expect(JSON.stringify(root.blocks)).toContain('All clear* — tunnels and routers');
        const replies = await waitFor(() => {
          const r = stack.slack.store.replies('C0NETOPS', root.ts);
          return r.length >= REGIONS.length ? r : undefined;
        }, 'the per-region details');
        const details = JSON.stringify(replies.map((r) => r.blocks));
        for (const region of REGIONS) expect(details).toContain(region);
        for (const router of [
          'hub-tokyo-a',
          'hub-tokyo-b',
          'spoke-virginia',
          'spoke-oregon',
          'spoke-ireland',
          'spoke-singapore',
          'spoke-saopaulo',
        ])
          expect(details).toContain(router);
        expect(details).toContain('shared-services tunnel 1');
      },
    );

    it('puts a router that is down and a tunnel that is down first, as problems', async () => {
      stack.world.setRouterDown('spoke-oregon', true, 'power');
      stack.world.setTunnelForced('spoke-ireland', 'hub', 'down');
      try {
        await stack.slack.slashCommand({
          user: 'U0ALICE',
          channel: 'C0NETOPS',
          command: '/vpn',
          text: 'status',
        });
        const root = await waitFor(
          () =>
            stack.slack.store
              .messages('C0NETOPS')
              .find(
                (m) =>
                  JSON.stringify(m.blocks).includes('spoke-oregon') &&
                  JSON.stringify(m.blocks).includes('unreachable'),
              ),
          'a summary naming the unreachable router',
        );
        const summary = JSON.stringify(root.blocks);
        expect(summary).toContain('spoke-ireland');
        expect(summary.indexOf('spoke-oregon')).toBeLessThan(summary.indexOf('routers ·'));
      } finally {
        stack.world.setRouterDown('spoke-oregon', false, 'power');
        stack.world.setTunnelForced('spoke-ireland', 'hub', 'up');
      }
    });

    it(
      'reports a region whose AWS VPN telemetry fails ' +
        'as a problem, and still reports every router',
      async () => {
        // More failures than the SDK retries: EC2 in sa-east-1 is really down.
        stack.world.state.faults.inject({
          action: 'DescribeVpnConnections',
          region: 'sa-east-1',
          code: 'InternalError',
          status: 500,
          times: 20,
        });
        try {
          await stack.slack.slashCommand({
            user: 'U0ALICE',
            channel: 'C0NETOPS',
            command: '/vpn',
            text: 'status',
          });
          const root = await waitFor(
            () =>
              stack.slack.store
                .messages('C0NETOPS')
                .find((m) => JSON.stringify(m.blocks).includes('AWS VPN telemetry failed')),
            'a summary naming the failing region',
          );
          const summary = JSON.stringify(root.blocks);
          expect(summary).toContain('sa-east-1');
          expect(summary).toContain('7 routers');
        } finally {
          stack.world.state.faults.clear();
        }
      },
    );

    it('answers bad input privately with the problem and the fix, and starts nothing', async () => {
      const before = stack.slack.store.messages('C0NETOPS').length;
      const reply = await stack.slack.slashCommand({
        user: 'U0ALICE',
        channel: 'C0NETOPS',
        command: '/vpn',
        text: 'status mars-central-1',
      });
      expect(reply.status).toBe(200);
      expect(JSON.stringify(reply.json ?? reply.body)).toContain('neither a region nor a router');
      expect(stack.slack.store.messages('C0NETOPS').length).toBe(before);
    });

    it('refuses a request signed with the wrong secret or an old timestamp', async () => {
      const wrong = await stack.slack.slashCommand({
        user: 'U0ALICE',
        channel: 'C0NETOPS',
        command: '/vpn',
        text: 'status',
        sign: { secret: 'not-the-secret' },
      });
      expect(wrong.status).toBe(401);
      const old = await stack.slack.slashCommand({
        user: 'U0ALICE',
        channel: 'C0NETOPS',
        command: '/vpn',
        text: 'status',
        sign: { timestamp: Math.floor(Date.now() / 1000) - 600 },
      });
      expect(old.status).toBe(401);
    });

    it('answers /vpn help with every command, marking what is coming', async () => {
      const reply = await stack.slack.slashCommand({
        user: 'U0ALICE',
        channel: 'C0NETOPS',
        command: '/vpn',
        text: 'help',
      });
      const text = JSON.stringify(reply.json ?? reply.body);
      expect(text).toContain('status [region|router]');
      expect(text).toContain('attach-vpc');
    });

    it('keeps no secret in the logs', () => {
      const logs = stack.logLines.join('');
      expect(logs).not.toMatch(/BEGIN OPENSSH PRIVATE KEY|xoxb-test-token|test-signing-secret/);
      expect(allText('C0NETOPS')).not.toMatch(/pre-shared|private-key/);
    });
  },
);
