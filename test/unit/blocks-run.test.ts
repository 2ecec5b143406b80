import { describe, expect, it } from 'vitest';
import type { Run, StepState } from '../../src/runbook/types.js';
import {
  assertWithinLimits,
  buildApprovalPrompt,
  buildChecklist,
  buildError,
  buildHelp,
  buildRunRoot,
  buildRunSummary,
  escapeMrkdwn,
  truncate,
  type ChatText,
} from '../../src/slack/blocks/index.js';

const T0 = Date.UTC(2025, 2, 14, 14, 0);
const MIN = 60_000;

function scaleupRun(over: Partial<Run> = {}): Run {
  return {
    id: 'r-7k2m9q',
    kind: 'scaleup',
    target: 'hub-tokyo-a',
    params: { type: 'c5.xlarge' },
    requester: 'U0ALICE',
    origin: { kind: 'slack', channel: 'C0OPS' },
    status: 'awaiting-approval',
    dryRun: false,
    createdAt: T0,
    updatedAt: T0 + MIN,
    steps: [
      {
        id: 'facts',
        title: 'Load facts',
        status: 'done',
        startedAt: T0,
        finishedAt: T0 + 1200,
        detail: 'load 3.20 on c5.large',
      },
      { id: 'launch', title: 'Launch bigger instance', status: 'pending' },
    ],
    cursor: 1,
    plan: [
      'Launch c5.xlarge from ami-0abc (VyattaBase 2025-03)',
      'Move Elastic IP 198.51.100.10 to the new instance',
    ],
    approval: {
      approvers: ['U0BOB', 'U0CAROL'],
      distinctApprovers: 1,
      allowSelfApproval: false,
      expiresAt: T0 + 30 * MIN,
    },
    decisions: [],
    ...over,
  };
}

const json = (m: ChatText): string => JSON.stringify(m.blocks);
const buttons = (m: ChatText): { action_id: string; value: string; style: string }[] =>
  m.blocks
    .filter((b) => b.type === 'actions')
    .flatMap((b) => b.elements as { action_id: string; value: string; style: string }[]);

describe('buildRunRoot', () => {
  it('says who asked for which command, the run id and where it stands', () => {
    const root = buildRunRoot(scaleupRun());
    expect(json(root)).toContain(
      '<@U0ALICE> asked for `/router scaleup hub-tokyo-a ' +
        '--type c5.xlarge` — r-7k2m9q · *awaiting approval*',
    );
    expect(root.text).toBe(
      '/router scaleup hub-tokyo-a --type c5.xlarge — r-7k2m9q · awaiting approval',
    );
    assertWithinLimits(root);
  });

  it('shows the outcome once the run is over, and marks dry runs', () => {
    const root = buildRunRoot(
      scaleupRun({
        status: 'succeeded',
        outcome: 'hub-tokyo-a now runs on c5.xlarge',
        dryRun: true,
      }),
    );
    expect(json(root)).toContain(':white_check_mark:');
    expect(json(root)).toContain('--dry-run');
    expect(json(root)).toContain('hub-tokyo-a now runs on c5.xlarge');
  });

  it('does not turn a requester that is not a Slack id into a mention', () => {
    expect(json(buildRunRoot(scaleupRun({ requester: '<!channel>' })))).toContain(
      '&lt;!channel&gt; asked for',
    );
  });
});

describe('buildChecklist', () => {
  const steps: StepState[] = [
    {
      id: 'a',
      title: 'Load facts',
      status: 'done',
      startedAt: T0,
      finishedAt: T0 + 1500,
      detail: 'load 3.2',
    },
    { id: 'b', title: 'Launch', status: 'running', startedAt: T0 + 2000, detail: 'launching' },
    { id: 'c', title: 'Copy config', status: 'pending' },
    { id: 'd', title: 'Move EIP', status: 'failed', error: 'InvalidAddress.NotFound <x>' },
    {
      id: 'e',
      title: 'Disable src/dst check',
      status: 'undone',
      detail: 'source/dest check restored',
    },
  ];

  it('shows each step with its icon, detail and duration', () => {
    const m = buildChecklist(scaleupRun({ status: 'running', steps }));
    const text = json(m);
    expect(text).toContain(':white_check_mark: 1. *Load facts* _(done, 1.5 s)_ — load 3.2');
    expect(text).toContain(':hourglass_flowing_sand: 2. *Launch* _(running)_ — launching');
    expect(text).toContain(':white_circle: 3. *Copy config* _(pending)_');
    expect(text).toContain(':x: 4. *Move EIP*');
    expect(text).toContain('InvalidAddress.NotFound &lt;x&gt;');
    expect(text).toContain(':leftwards_arrow_with_hook: 5. *Disable src/dst check*');
    expect(text).toContain('*r-7k2m9q* · scaleup hub-tokyo-a · *running*');
    assertWithinLimits(m);
  });

  it('folds the latest progress note into the running step', () => {
    const m = buildChecklist(scaleupRun({ status: 'running', steps }), {
      notes: { b: 'waiting for tunnels: 3/5 up' },
    });
    expect(json(m)).toContain('2. *Launch* _(running)_ — waiting for tunnels: 3/5 up');
  });

  it('stays within limits for a runbook with hundreds of long steps', () => {
    const many = Array.from({ length: 400 }, (_, i): StepState => ({
      id: `s${i}`,
      title: `step ${i} ${'t'.repeat(100)}`,
      status: 'done',
      detail: 'd'.repeat(1000),
    }));
    const m = buildChecklist(scaleupRun({ steps: many }));
    assertWithinLimits(m);
    expect(json(m)).toMatch(/… and \d+ more steps/);
  });
});

describe('buildApprovalPrompt', () => {
  it('shows the plan, who may approve, the expiry and both buttons bound to the run', () => {
    const m = buildApprovalPrompt(scaleupRun(), T0 + 3 * MIN);
    const text = json(m);
    expect(text).toContain('• Launch c5.xlarge from ami-0abc (VyattaBase 2025-03)');
    expect(text).toContain('<@U0BOB>, <@U0CAROL>');
    expect(text).toContain('<@U0ALICE> cannot approve their own run');
    expect(text).toContain('expires at 14:30 UTC');
    expect(buttons(m)).toEqual([
      expect.objectContaining({ action_id: 'run_approve', value: 'r-7k2m9q', style: 'primary' }),
      expect.objectContaining({ action_id: 'run_reject', value: 'r-7k2m9q', style: 'danger' }),
    ]);
    assertWithinLimits(m);
  });

  it('loses its buttons and names the approver once approved', () => {
    const m = buildApprovalPrompt(
      scaleupRun({
        status: 'running',
        decisions: [{ user: 'U0BOB', decision: 'approved', at: T0 + 5 * MIN }],
      }),
      T0 + 6 * MIN,
    );
    expect(buttons(m)).toEqual([]);
    expect(json(m)).toContain('Approved by <@U0BOB> at 14:05 UTC');
  });

  it('says who rejected', () => {
    const m = buildApprovalPrompt(
      scaleupRun({
        status: 'rejected',
        decisions: [{ user: 'U0CAROL', decision: 'rejected', at: T0 + 7 * MIN }],
      }),
      T0 + 8 * MIN,
    );
    expect(buttons(m)).toEqual([]);
    expect(json(m)).toContain('Rejected by <@U0CAROL> at 14:07 UTC');
  });

  it(
    'expires: no buttons and "ask again", also when ' +
      'the clock passed expiry before the status changed',
    () => {
      for (const m of [
        buildApprovalPrompt(scaleupRun({ status: 'expired' }), T0 + 40 * MIN),
        buildApprovalPrompt(scaleupRun(), T0 + 31 * MIN),
      ]) {
        expect(buttons(m)).toEqual([]);
        expect(json(m)).toContain('Expired at 14:30 UTC — ask again');
      }
    },
  );

  it('keeps the buttons while a second distinct approver is still needed', () => {
    const run = scaleupRun({ decisions: [{ user: 'U0BOB', decision: 'approved', at: T0 + MIN }] });
    run.approval = { ...run.approval!, distinctApprovers: 2 };
    const m = buildApprovalPrompt(run, T0 + 2 * MIN);
    expect(buttons(m)).toHaveLength(2);
    expect(json(m)).toContain('(1 of 2)');
  });

  it('escapes plan lines and truncates a huge plan gracefully', () => {
    const m = buildApprovalPrompt(
      scaleupRun({
        plan: [
          '<!channel> & co',
          ...Array.from({ length: 500 }, (_, i) => `set interfaces vti vti${i} ${'x'.repeat(50)}`),
        ],
      }),
      T0,
    );
    expect(json(m)).toContain('&lt;!channel&gt; &amp; co');
    expect(json(m)).toMatch(/… and \d+ more plan lines/);
    assertWithinLimits(m);
  });
});

describe('buildRunSummary', () => {
  it('gives status, outcome, duration and approver', () => {
    const m = buildRunSummary(
      scaleupRun({
        status: 'succeeded',
        outcome: 'hub-tokyo-a runs on c5.xlarge',
        updatedAt: T0 + 12 * MIN,
        decisions: [{ user: 'U0BOB', decision: 'approved', at: T0 + 5 * MIN }],
      }),
    );
    const text = json(m);
    expect(text).toContain(':white_check_mark: *Succeeded* — hub-tokyo-a runs on c5.xlarge');
    expect(text).toContain('took 12 min 00 s');
    expect(text).toContain('ran 7 min 00 s after approval');
    expect(text).toContain('approved by <@U0BOB> at 14:05 UTC');
    assertWithinLimits(m);
  });

  it('keeps the mentions flatnet wrote in an outcome, and escapes everything else in it', () => {
    const m = buildRunSummary(
      scaleupRun({
        status: 'succeeded',
        outcome: 'The client file went privately to <@U0ALICE>; see <#C0OPS>. <!channel> & <x>',
      }),
    );
    // Slack shows `&lt;@U0ALICE&gt;` as that text: the mention must reach it raw, once.
    expect(json(m)).toContain('went privately to <@U0ALICE>; see <#C0OPS>.');
    expect(json(m)).toContain('&lt;!channel&gt; &amp; &lt;x&gt;');
    expect(json(m)).not.toContain('&lt;@U0ALICE');
  });

  it('shows the error of a failed run', () => {
    const m = buildRunSummary(
      scaleupRun({
        status: 'rolled-back',
        error: 'InsufficientInstanceCapacity: try --type c5a.xlarge',
      }),
    );
    expect(json(m)).toContain('*Rolled back*');
    expect(json(m)).toContain(':warning: InsufficientInstanceCapacity');
  });
});

describe('buildHelp and buildError', () => {
  it('marks commands that are not built yet as coming soon', () => {
    const m = buildHelp([
      {
        command: '/vpn status',
        usage: '[region|router]',
        description: 'every tunnel at a glance',
        available: true,
      },
      {
        command: '/router scaledown',
        usage: '<router>',
        description: 'a smaller instance',
        available: false,
      },
    ]);
    expect(json(m)).toContain('`/vpn status [region|router]`');
    expect(json(m)).toMatch(/scaledown &lt;router&gt;`\\n {6}a smaller instance _\(coming soon\)_/);
    expect(m.text).not.toContain('scaledown');
    assertWithinLimits(m);
  });

  it('puts the problem in bold and the fix under it, escaped', () => {
    const m = buildError('unknown router <evil>', 'run `/router status` to list routers');
    expect(json(m)).toContain(':x: *unknown router &lt;evil&gt;*');
    expect(m.blocks[1]?.type).toBe('context');
    assertWithinLimits(m);
  });
});

describe('escapeMrkdwn and truncate', () => {
  it('escapes & first, then < and >', () => {
    expect(escapeMrkdwn('<!channel> & &amp;')).toBe('&lt;!channel&gt; &amp; &amp;amp;');
  });

  it('truncates with an ellipsis and never splits an entity or a surrogate pair', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abcdef', 6)).toBe('abcdef');
    expect(truncate('ab &amp; cd', 6)).toBe('ab …');
    expect(truncate('ab😀cd', 4)).toBe('ab…');
  });
});
