/**
 * Everything the local Slack was ever shown, as it was at each change: a message posted then
 * edited is kept in both versions, so a secret shown for a moment is still found.
 */
import type { SlackStore } from '../../src/sim/slack/slack-store.js';
import type { StoreChange } from '../../src/sim/slack/types.js';

export interface SlackRecording {
  /** Every version of every message, ephemeral, file and view since the recording began. */
  text(): string;
  stop(): void;
}

export function recordSlack(store: SlackStore): SlackRecording {
  const seen: string[] = [];
  const snapshot = (change: StoreChange): unknown => {
    switch (change.kind) {
      case 'message':
      case 'message-changed':
        return store.message(change.channel, change.ts);
      case 'ephemeral':
        return store.ephemeral(change.user, change.ts);
      case 'file': {
        const file = store.files.get(change.id);
        return file && { ...file, bytes: file.bytes.toString('utf8') };
      }
      case 'view':
        return store.views.get(change.viewId);
      default:
        return undefined;
    }
  };
  const listener = (change: StoreChange): void => {
    seen.push(JSON.stringify(snapshot(change) ?? null));
  };
  store.on('change', listener);
  return {
    text() {
      // Files are filled after they are announced: read them again as they are now.
      const files = [...store.files.values()].map((f) => f.bytes.toString('utf8'));
      return [...seen, ...files].join('\n');
    },
    stop: () => store.off('change', listener),
  };
}
