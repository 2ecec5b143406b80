/**
 * What the Redis HA tests demand of a finished scale-up: it succeeded, once; one instance was
 * launched, named as the hub; and its events tell the story without gaps (approved once, each
 * step started then finished, finished once).
 */
import { expect } from 'vitest';
import type { Run, RunEvent } from '../../src/runbook/types.js';
import type { LocalStack } from '../helpers/local-stack.js';
import { HUB } from './scaleup-through-slack.js';

export async function expectOneStory(
  stack: LocalStack,
  run: Run,
  instancesBefore: string[],
): Promise<RunEvent[]> {
  expect(run.status, run.outcome).toBe('succeeded');
  const launched = [...stack.world.state.instances.values()].filter(
    (i) => !instancesBefore.includes(i.instanceId),
  );
  expect(launched.map((i) => i.tags['Name'])).toEqual([HUB]);
  const events = (await stack.bot.runtime.engine.store.readEvents(run.id)).map((e) => e.event);
  const count = (type: RunEvent['type']) => events.filter((e) => e.type === type).length;
  expect(count('approved')).toBe(1);
  expect(count('finished')).toBe(1);
  for (const step of run.steps) {
    const started = events.findIndex((e) => e.type === 'step-started' && e.stepId === step.id);
    const finished = events.findIndex((e) => e.type === 'step-finished' && e.stepId === step.id);
    expect(step.status, step.id).toBe('done');
    expect(started, `${step.id} started`).toBeGreaterThanOrEqual(0);
    expect(finished, `${step.id} finished after it started`).toBeGreaterThan(started);
  }
  return events;
}
