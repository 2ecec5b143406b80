import { describe, expect, it } from 'vitest';
import { blocksToText, mrkdwnToText } from '../../src/cli/render-text.js';
import type { Run } from '../../src/runbook/types.js';
import {
  buildApprovalPrompt,
  buildChecklist,
  buildStatusMessages,
} from '../../src/slack/blocks/index.js';

const T0 = Date.UTC(2025, 2, 14, 14, 0);

describe('blocksToText', () => {
  it('renders every kind of block a builder makes', () => {
    const text = blocksToText([
      { type: 'header', text: { type: 'plain_text', text: 'VPN status' } },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: ':red_circle: *hub-tokyo-b* — _unreachable_ ~maybe~' },
      },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: '*Status*\nsucceeded' },
          { type: 'mrkdwn', text: '*Approved by*\n<@U0BOB>' },
        ],
      },
      { type: 'divider' },
      {
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: ':warning: 6 routers' },
          { type: 'plain_text', text: 'plain' },
        ],
      },
      {
        type: 'actions',
        elements: [
          { type: 'button', text: { type: 'plain_text', text: 'Approve' } },
          { type: 'button', text: { type: 'plain_text', text: 'Reject' } },
        ],
      },
    ]);
    expect(text.split('\n')).toEqual([
      'VPN status',
      '══════════',
      '✖ hub-tokyo-b — unreachable maybe',
      'Status       succeeded',
      'Approved by  @U0BOB',
      '─'.repeat(40),
      '⚠ 6 routers  plain',
      '[Approve] [Reject]',
    ]);
  });

  it('turns mentions, links and escapes into readable text, and leaves code alone', () => {
    expect(
      mrkdwnToText(
        '<@U123> <!channel> <!subteam^S9|@netops> <#C1|ops> ' +
          '<https://x.example|docs> <https://y.example>',
      ),
    ).toBe('@U123 @channel @netops #ops docs (https://x.example) https://y.example');
    expect(
      mrkdwnToText(
        '&lt;!channel&gt; &amp;lt; `set a_b *c*` snake_case_name 14:05:02 :unknown_emoji:',
      ),
    ).toBe('<!channel> &lt; set a_b *c* snake_case_name 14:05:02 :unknown_emoji:');
  });

  it('prints a checklist and an approval prompt the way the thread shows them', () => {
    const run: Run = {
      id: 'r-1',
      kind: 'failover',
      target: 'hub-tokyo-a',
      params: {},
      requester: 'U0ALICE',
      origin: { kind: 'cli', channel: 'cli' },
      status: 'awaiting-approval',
      dryRun: false,
      createdAt: T0,
      updatedAt: T0,
      steps: [
        { id: 'a', title: 'Check standby', status: 'done', startedAt: T0, finishedAt: T0 + 400 },
        { id: 'b', title: 'Repoint routes', status: 'pending' },
      ],
      cursor: 1,
      plan: ['Repoint 4 routes to eni-0b'],
      approval: {
        approvers: ['U0BOB'],
        distinctApprovers: 1,
        allowSelfApproval: false,
        expiresAt: T0 + 1_800_000,
      },
      decisions: [],
    };
    const checklist = blocksToText(buildChecklist(run).blocks);
    expect(checklist).toContain('✔ 1. Check standby (done, 400 ms)');
    expect(checklist).toContain('○ 2. Repoint routes (pending)');
    const prompt = blocksToText(buildApprovalPrompt(run, T0).blocks);
    expect(prompt).toContain('• Repoint 4 routes to eni-0b');
    expect(prompt).toContain('Who may approve: @U0BOB');
    expect(prompt).toContain('[Approve] [Reject]');
    expect(prompt).not.toMatch(/[*`]|:[a-z_]+:/);
  });

  it('prints a status summary as the terminal report the CLI shows', () => {
    const { summary } = buildStatusMessages({
      scope: '*',
      generatedAt: T0 + 5 * 60_000,
      routers: [
        {
          router: 'hub-tokyo-a',
          region: 'ap-northeast-1',
          role: 'hub',
          reachable: true,
          tunnels: [{ name: 'to-us', kind: 'ipsec', state: 'up' }],
        },
        {
          router: 'us-east-1-a',
          region: 'us-east-1',
          role: 'spoke',
          reachable: false,
          error: 'SSH timed out <5 s>',
          tunnels: [],
        },
      ],
      regions: [],
      problems: [],
    });
    expect(blocksToText(summary.blocks).split('\n')).toEqual([
      '✖ 1 problem — VPN status',
      '✖ us-east-1-a — unreachable: SSH timed out <5 s>',
      '2 routers · 1 tunnel up · 0 down · 1 unreachable ' +
        '· checked at 14:05 UTC · details in the thread',
    ]);
  });
});
