import { randomBytes } from 'node:crypto';
import { fail, fileToApi, type ApiMethod } from './api-context.js';
import { jsonArg, stringArg, type ApiArgs } from './read-request-body.js';
import type { SlackStore } from './slack-store.js';

const MIME_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  svg: 'image/svg+xml',
  txt: 'text/plain',
  conf: 'text/plain',
  log: 'text/plain',
  json: 'application/json',
  yaml: 'text/yaml',
  yml: 'text/yaml',
};

export function mimeTypeOf(filename: string): string {
  const ext = filename.split('.').pop()?.toLowerCase() ?? '';
  return MIME_TYPES[ext] ?? 'application/octet-stream';
}

/** Step 1 of filesUploadV2: reserve a file id and hand out the URL to upload its bytes to. */
export const getUploadUrlExternal: ApiMethod = (args, ctx) => {
  const filename = stringArg(args, 'filename');
  const length = Number(stringArg(args, 'length'));
  if (!filename)
    return fail('invalid_arguments', {
      response_metadata: { messages: ['[ERROR] missing required field: filename'] },
    });
  if (!Number.isFinite(length) || length < 0) {
    return fail('invalid_arguments', {
      response_metadata: { messages: ['[ERROR] missing required field: length'] },
    });
  }
  const id = `F${randomBytes(5).toString('hex').toUpperCase()}`;
  ctx.store.addFile({
    id,
    name: filename,
    title: filename,
    mimetype: mimeTypeOf(filename),
    bytes: Buffer.alloc(0),
    uploaded: false,
    completed: false,
  });
  return { ok: true, upload_url: `${ctx.baseUrl}/upload/v1/${id}`, file_id: id };
};

/**
 * Step 2: the bytes arrive at the upload URL. The WebClient sends multipart with the file
 * in a field; curl-style clients send the raw bytes. Returns the HTTP status to answer.
 */
export function receiveUpload(
  store: SlackStore,
  fileId: string,
  args: ApiArgs | Buffer,
): { status: number; body: string } {
  const file = store.files.get(fileId);
  if (!file || file.completed) return { status: 404, body: 'upload_url expired or unknown' };
  let bytes: Buffer | undefined;
  if (Buffer.isBuffer(args)) bytes = args;
  else
    bytes =
      Object.values(args).find((v): v is Buffer => Buffer.isBuffer(v)) ??
      (typeof args.body === 'string' ? Buffer.from(args.body) : undefined);
  if (!bytes) return { status: 400, body: 'no file content in the upload' };
  file.bytes = bytes;
  file.uploaded = true;
  return { status: 200, body: `OK - ${bytes.length}` };
}

/** Step 3: share the uploaded files in a channel or DM (optionally in a thread). */
export const completeUploadExternal: ApiMethod = (args, ctx) => {
  const entries = jsonArg(args, 'files');
  if (!Array.isArray(entries) || entries.length === 0) {
    return fail('invalid_arguments', {
      response_metadata: { messages: ['[ERROR] missing required field: files'] },
    });
  }
  const files = [];
  for (const entry of entries as { id?: string; title?: string }[]) {
    const file = entry.id ? ctx.store.files.get(entry.id) : undefined;
    if (!file || !file.uploaded) return fail('file_not_found');
    if (entry.title) file.title = entry.title;
    files.push(file);
  }
  const channelRef = stringArg(args, 'channel_id') ?? stringArg(args, 'channels');
  const channel = channelRef ? ctx.store.resolveChannel(channelRef) : undefined;
  if (channelRef && !channel) return fail('channel_not_found');
  const threadTs = stringArg(args, 'thread_ts') || undefined;
  if (channel) {
    if (threadTs && !ctx.store.message(channel.id, threadTs)) return fail('thread_not_found');
    for (const f of files) {
      f.completed = true;
      f.channel = channel.id;
      f.threadTs = threadTs;
    }
    const blocks = jsonArg(args, 'blocks');
    const message = ctx.store.postMessage({
      channel: channel.id,
      threadTs,
      user: ctx.store.botUser.id,
      botId: ctx.store.botUser.id.replace(/^U/, 'B'),
      text: stringArg(args, 'initial_comment') ?? '',
      blocks: Array.isArray(blocks) ? (blocks as never[]) : undefined,
      files: files.map((f) => f.id),
    });
    for (const f of files) {
      f.messageTs = message.ts;
      ctx.store.addFile(f);
    }
  } else {
    // Uploaded but not shared: kept private to the bot, as in Slack.
    for (const f of files) f.completed = true;
  }
  return { ok: true, files: files.map((f) => fileToApi(f, ctx)) };
};
