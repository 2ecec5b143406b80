/**
 * Errors are seen: every failed step and failed undo is logged once, with its stack and run
 * id; the approval buttons and Bolt's error handler log what they catch. Log lines are
 * captured through a stream (the probot habit), which is also how no secret is shown to
 * reach them.
 */
import type { App } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { registerApprovalButtons } from '../../commands/approvals.js';
import { rebuildCommandLine } from '../../src/grammar/rebuild-command-line.js';
import { createLogger } from '../../src/log.js';
import { createEngine } from '../../src/runbook/engine.js';
import type { Runbook } from '../../src/runbook/types.js';
import { APPROVE_ACTION_ID } from '../../src/slack/blocks/index.js';
import { reportListenerError } from '../../src/slack/report-listener-error.js';
import { createWorld, submitInput, waitForStatus, type ToyDeps } from './runbook-harness.js';

const SECRET = 'not-for-any-log-0123456789';

interface LogLine {
  level: number;
  msg: string;
  runId?: string;
  step?: string;
  err?: { message: string; stack: string };
  [key: string]: unknown;
}

function capturedLogger() {
  const lines: LogLine[] = [];
  const logger = createLogger(
    { level: 'info' },
    { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) },
  );
  return { logger, lines, errors: () => lines.filter((l) => l.level >= 50) };
}

/** An error that carries a secret in a field, as an SDK error with its request might. */
function errorWithSecret(message: string): Error {
  return Object.assign(new Error(message), { presharedKey: SECRET, request: { psk: SECRET } });
}

const failingRunbook: Runbook<ToyDeps> = {
  kind: 'scaleup',
  lockTarget: (run) => run.target,
  steps: [
    {
      id: 'launch',
      title: 'launch',
      phase: 'execute',
      run: async () => ({ result: { launched: true } }),
      undo: async () => {
        throw errorWithSecret('the instance would not stop');
      },
    },
    {
      id: 'move-eip',
      title: 'move the Elastic IP',
      phase: 'execute',
      run: async () => {
        throw errorWithSecret('AssociateAddress was refused');
      },
    },
  ],
};

describe('errors are seen', () => {
  it(
    'a failed step and a failed undo: one error ' + 'line each, with stack and run id, no secret',
    async () => {
      const world = createWorld();
      const { logger, lines, errors } = capturedLogger();
      try {
        const engine = createEngine<ToyDeps>({
          describeCommand: rebuildCommandLine,
          redis: world.redis,
          prefix: world.prefix,
          queue: world.queue,
          runbooks: { scaleup: failingRunbook },
          deps: { redis: world.redis, prefix: world.prefix },
          logger,
        });
        world.engines.push(engine);
        world.startWorker(engine);
        const { id } = await engine.submit(submitInput());
        const run = await waitForStatus(engine, id, ['failed', 'rolled-back', 'succeeded']);
        expect(run.status).toBe('failed');

        const stepFailed = errors().filter((l) => l.msg === 'step failed');
        expect(stepFailed).toHaveLength(1);
        expect(stepFailed[0]).toMatchObject({ runId: id, step: 'move-eip' });
        expect(stepFailed[0]?.err?.message).toBe('AssociateAddress was refused');
        expect(stepFailed[0]?.err?.stack).toMatch(/AssociateAddress was refused\n\s+at /);

        const undoFailed = errors().filter((l) => l.msg === 'undo failed');
        expect(undoFailed).toHaveLength(1);
        expect(undoFailed[0]).toMatchObject({ runId: id, step: 'launch' });
        expect(undoFailed[0]?.err?.stack).toMatch(/the instance would not stop\n\s+at /);

        expect(errors()).toHaveLength(2);
        expect(JSON.stringify(lines)).not.toContain(SECRET);
      } finally {
        await world.cleanup();
      }
    },
  );

  it('an approval click whose decision throws is logged with its run id and answered', async () => {
    const { logger, lines, errors } = capturedLogger();
    const handlers = new Map<string, (args: unknown) => Promise<void>>();
    const app = {
      action: (id: string, handler: (args: unknown) => Promise<void>) => handlers.set(id, handler),
    } as unknown as App;
    const decider = {
      decide: async () => {
        throw errorWithSecret('Redis is not answering');
      },
    };
    const prompts = {
      runOf: async (channel: string, ts: string) =>
        channel === 'C1' && ts === '1.2' ? 'r-abc123' : undefined,
    };
    registerApprovalButtons(app, decider, prompts, logger);
    const answers: Array<{ text: string }> = [];
    await handlers.get(APPROVE_ACTION_ID)?.({
      ack: async () => undefined,
      body: { user: { id: 'U2' }, container: { channel_id: 'C1', message_ts: '1.2' } },
      action: { value: 'r-abc123' },
      respond: async (answer: { text: string }) => void answers.push(answer),
    });
    expect(errors()).toHaveLength(1);
    expect(errors()[0]).toMatchObject({ runId: 'r-abc123', user: 'U2' });
    expect(errors()[0]?.err?.stack).toMatch(/Redis is not answering\n\s+at /);
    expect(answers).toHaveLength(1);
    expect(answers[0]?.text).toContain('could not record your click on run r-abc123');
    expect(JSON.stringify(lines)).not.toContain(SECRET);
  });

  it("Bolt's error handler logs the listener's original error with its stack", async () => {
    const { logger, lines, errors } = capturedLogger();
    const original = errorWithSecret('the slash listener broke');
    const wrapped = Object.assign(new Error('An unhandled error occurred'), {
      code: 'slack_bolt_unknown_error',
      original,
    });
    await reportListenerError(logger)(wrapped as never);
    expect(errors()).toHaveLength(1);
    expect(errors()[0]).toMatchObject({ code: 'slack_bolt_unknown_error' });
    expect(errors()[0]?.err?.stack).toMatch(/the slash listener broke\n\s+at /);
    expect(JSON.stringify(lines)).not.toContain(SECRET);
  });
});
