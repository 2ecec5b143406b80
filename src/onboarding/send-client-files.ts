/**
 * Hands the requester their files privately: a Slack direct message with the files attached,
 * or, for runs started from the terminal, files under `.flatnet/out/<run id>/` readable by
 * the owner only. Never a channel, a thread, a log or the run record.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Run } from '../runbook/types.js';
import type { ChatPort } from '../slack/chat-port.js';
import type { ClientFile } from './render-client-files.js';

export interface DeliveryDeps {
  chat?: ChatPort;
  /** Where CLI runs write client files; default `.flatnet/out` under the working directory. */
  clientFilesDir?: string;
}

export async function sendClientFiles(
  deps: DeliveryDeps,
  run: Readonly<Run>,
  message: string,
  files: ClientFile[],
): Promise<string> {
  const names = files.map((f) => f.filename).join(', ');
  if (run.origin.kind === 'slack' && deps.chat) {
    await deps.chat.sendDirect(run.requester, { text: message });
    for (const file of files)
      await deps.chat.uploadDirectFile(run.requester, {
        filename: file.filename,
        title: file.title,
        content: file.content,
      });
    return `sent privately to <@${run.requester}>: ${names}`;
  }
  const dir = resolve(deps.clientFilesDir ?? '.flatnet/out', run.id);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  for (const file of files) {
    const path = join(dir, file.filename);
    writeFileSync(path, file.content, { mode: 0o600 });
    // An existing file keeps its mode on write: make sure it is the owner's only.
    chmodSync(path, 0o600);
  }
  return `written to ${dir} (mode 0600, for your eyes only): ${names}`;
}
