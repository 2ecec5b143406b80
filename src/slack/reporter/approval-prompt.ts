import { buildApprovalPrompt } from '../blocks/index.js';
import type { RunThread } from './run-thread.js';
import type { ThreadMessages } from './thread-messages.js';
import type { PromptIndex, ThreadStore } from './thread-store.js';

/**
 * The approval prompt in the run's thread: posted when the run starts waiting (and indexed,
 * so a click decides the run whose prompt was clicked), edited in place once decided, so the
 * buttons go and the decision shows where they were.
 */
export async function showApprovalPrompt(
  t: RunThread,
  parts: { store: ThreadStore; prompts: PromptIndex; messages: ThreadMessages; now: () => number },
  postIfMissing: boolean,
): Promise<void> {
  const { store, prompts, messages } = parts;
  if (!t.thread.prompt) Object.assign(t.thread, await store.load(t.run.id));
  const prompt = buildApprovalPrompt(t.run, parts.now());
  if (t.thread.prompt) await messages.edit(t, 'approval prompt', t.thread.prompt, prompt);
  else if (postIfMissing) {
    t.thread.prompt = await messages.post(t, 'approval prompt', prompt);
    await store.save(t.run.id, { prompt: t.thread.prompt });
    await prompts.record(t.run.id, t.run.origin.channel, t.thread.prompt);
  }
}
