/**
 * One run's Slack work (src/slack/reporter/run-queue.ts): in order, one at a time, a failure
 * logged with the run id and passed over, and idle only when nothing else waits either.
 */
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { createRunQueue } from '../../src/slack/reporter/run-queue.js';

function queue(alsoBusy = () => false) {
  const lines: { runId?: string; what?: string; err?: string; msg?: string }[] = [];
  const log = createLogger({ level: 'info' }, { write: (l: string) => lines.push(JSON.parse(l)) });
  let idleCalls = 0;
  const q = createRunQueue({ runId: 'r-7k2m9q', log, alsoBusy, onIdle: () => idleCalls++ });
  return { q, lines, idleCalls: () => idleCalls };
}

describe("a run's Slack queue", () => {
  it('runs tasks one at a time in the order they came, each after the last one ended', async () => {
    const { q } = queue();
    const seen: string[] = [];
    let release!: () => void;
    const first = q.add('root message', async () => {
      seen.push('root starts');
      await new Promise<void>((resolve) => (release = resolve));
      seen.push('root ends');
    });
    const second = q.add('checklist', async () => void seen.push('checklist'));
    await Promise.resolve();
    expect(q.isIdle()).toBe(false);
    release();
    await Promise.all([first, second]);
    expect(seen).toEqual(['root starts', 'root ends', 'checklist']);
  });

  it('logs a failed task once, with the run id and what it was, and goes on', async () => {
    const { q, lines } = queue();
    const failed = q.add('summary', () => Promise.reject(new Error('channel_not_found')));
    const next = q.add('finished reply', async () => undefined);
    await expect(failed).resolves.toBeUndefined();
    await next;
    expect(lines).toEqual([
      expect.objectContaining({
        runId: 'r-7k2m9q',
        what: 'summary',
        err: 'channel_not_found',
        msg: 'Slack reporting failed; the run goes on',
      }),
    ]);
  });

  it('is idle only when nothing else waits: a paced edit keeps it busy', async () => {
    let editWaiting = true;
    const { q, idleCalls } = queue(() => editWaiting);
    await q.add('root message', async () => undefined);
    expect(q.isIdle()).toBe(false);
    expect(idleCalls()).toBe(0);
    const idle = q.nextIdle();
    editWaiting = false;
    await q.add('edit checklist', async () => undefined);
    await idle;
    expect(q.isIdle()).toBe(true);
    expect(idleCalls()).toBe(1);
  });
});
