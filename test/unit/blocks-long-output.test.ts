/**
 * Long output as Slack users expect it (issue 14 §2): text is cut between words, never inside
 * one; configuration goes in code blocks split between lines, never inside one.
 */
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/runbook/types.js';
import { assertWithinLimits, buildRunSummary, truncate } from '../../src/slack/blocks/index.js';
import { codeBlocks } from '../../src/slack/blocks/code-blocks.js';
import { eventReply } from '../../src/slack/reporter/event-replies.js';
import { foldProgressNote, type RunThread } from '../../src/slack/reporter/run-thread.js';
import { buildRun } from '../support/build-run.js';

const WORDS = 'tunnel established standby rollback commit verify hub spoke region subnet'.split(
  ' ',
);
const prose = (n: number) => Array.from({ length: n }, (_, i) => WORDS[(i * 7) % 10]).join(' ');
const config = (n: number) =>
  Array.from(
    { length: n },
    (_, i) => `set vpn ipsec site-to-site peer site-${i} local-address '10.0.${i % 250}.10'`,
  ).join('\n');

function codeText(blocks: ReturnType<typeof codeBlocks>): string[] {
  return blocks
    .filter((b) => b.type === 'section')
    .map((b) => (b.text as { text: string }).text)
    .map((t) => {
      expect(t.startsWith('```\n') && t.endsWith('\n```')).toBe(true);
      return t.slice(4, -4);
    });
}

describe('long output', () => {
  it('text is cut between words, never inside one, at every length', () => {
    const text = prose(200);
    for (let max = 20; max < text.length; max += 7) {
      const cut = truncate(text, max);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(cut.endsWith('…')).toBe(true);
      const kept = cut.slice(0, -1);
      expect(text.startsWith(kept)).toBe(true);
      expect(text[kept.length], `cut at ${max}: ${kept.slice(-20)}`).toBe(' ');
    }
  });

  it('a configuration goes in code blocks of whole lines, as many as one message holds', () => {
    const lines = config(400).split('\n');
    const blocks = codeBlocks(lines.join('\n'));
    const shown = codeText(blocks).flatMap((t) => t.split('\n'));
    expect(shown.length).toBeGreaterThan(20);
    // Whole lines, in order, none cut.
    expect(shown).toEqual(lines.slice(0, shown.length).map((l) => l.replace(/&/g, '&amp;')));
    const more = lines.length - shown.length;
    expect(JSON.stringify(blocks.at(-1))).toContain(`… and ${more} more lines`);
    for (const b of blocks)
      expect((b.text as { text: string } | undefined)?.text.length ?? 0).toBeLessThanOrEqual(3000);
    assertWithinLimits({ text: 'config', blocks });
  });

  it('a short configuration is shown whole, escaped, with no count of lines left out', () => {
    const blocks = codeBlocks("set firmware 'a<b' ```x```\nset y");
    expect(codeText(blocks)).toEqual(["set firmware 'a&lt;b' ˋˋˋxˋˋˋ\nset y"]);
    expect(blocks).toHaveLength(1);
  });

  it('a note of several lines is said in the thread with its body in code blocks', () => {
    const run = buildRun({
      status: 'running',
      steps: [{ id: 'configure', title: 'Add the peer', status: 'running' }],
    });
    const text = `compare on hub-tokyo-a:\n${config(60)}`;
    const event: RunEvent = { runId: run.id, type: 'note', at: 0, text, stepId: run.steps[0]?.id };
    const thread = { run, notes: {} } as unknown as RunThread;
    expect(foldProgressNote(thread, event)).toBe(false);
    const reply = eventReply(run, event)!;
    expect(JSON.stringify(reply.blocks[0])).toContain('compare on hub-tokyo-a:');
    expect(codeText(reply.blocks.slice(1)).join('\n')).toBe(config(60));
    assertWithinLimits(reply);
    // One line still folds into the checklist.
    expect(foldProgressNote(thread, { ...event, text: 'waiting: 3/5 up' })).toBe(true);
  });

  it("a scale-up's inventory lines are a code block of their own, not inline text", () => {
    const lines = [
      'routers.hub-tokyo-a.instanceId: i-0abc',
      "routers.hub-tokyo-a.ssh.hostKey: 'ssh-ed25519 AAAA'",
    ];
    const run = buildRun({
      kind: 'scaleup',
      status: 'succeeded',
      outcome: 'Scaled up hub-tokyo-a: c5.large → c5.xlarge.',
      steps: [
        {
          id: 'stop-old-router',
          title: 'Stop the old router',
          status: 'done',
          result: { stopped: 'i-0old', state: 'stopping', inventoryLines: lines },
        },
      ],
    });
    const summary = buildRunSummary(run);
    const sections = summary.blocks.filter((b) => b.type === 'section');
    expect(JSON.stringify(sections[0])).not.toContain('instanceId');
    expect(codeText(sections.filter((b) => JSON.stringify(b).includes('```')))).toEqual([
      lines.join('\n'),
    ]);
    expect(buildRunSummary({ ...run, status: 'failed' }).blocks).toHaveLength(
      summary.blocks.length - 2,
    );
  });
});
