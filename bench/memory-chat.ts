import type { ChatPort } from '../src/slack/chat-port.js';

/** A chat that answers like Slack and keeps nothing: the reporter runs, no Slack is needed. */
export function memoryChat(): ChatPort {
  let ts = 0;
  const next = () => ({ ts: `${Date.now()}.${String(++ts).padStart(6, '0')}` });
  return {
    postMessage: async () => next(),
    updateMessage: async () => undefined,
    postEphemeral: async () => undefined,
    sendDirect: async () => ({ channel: 'D0BENCH', ...next() }),
    uploadDirectFile: async () => undefined,
  };
}
