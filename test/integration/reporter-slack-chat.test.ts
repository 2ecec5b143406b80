import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { webApi } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { RateLimited, createSlackChat } from '../../src/slack/slack-chat.js';

interface Seen {
  method: string;
  params: Record<string, string>;
}

/**
 * A few Slack Web API methods on loopback, enough for the real WebClient: the first
 * chat.postMessage answers 429 with Retry-After, chat.update says the message is gone, and
 * the file upload follows Slack's three-step external upload.
 */
async function startFakeSlack(): Promise<{ server: Server; url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  let posts = 0;
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const method = (req.url ?? '').replace(/^\/(api\/)?/, '').split('?')[0] ?? '';
      const params = Object.fromEntries(new URLSearchParams(body));
      seen.push({ method, params: method === 'upload' ? { body } : params });
      const json = (
        status: number,
        payload: unknown,
        headers: Record<string, string> = {},
      ): void => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(payload));
      };
      const port = (server.address() as AddressInfo).port;
      switch (method) {
        case 'chat.postMessage':
          if (++posts === 1)
            return json(429, { ok: false, error: 'ratelimited' }, { 'retry-after': '7' });
          return json(200, { ok: true, channel: params.channel, ts: `1700000000.00000${posts}` });
        case 'chat.update':
          return json(200, { ok: false, error: 'message_not_found' });
        case 'conversations.open':
          return json(200, { ok: true, channel: { id: `D-${params.users}` } });
        case 'files.getUploadURLExternal':
          return json(200, {
            ok: true,
            upload_url: `http://127.0.0.1:${port}/upload`,
            file_id: 'F0CONF',
          });
        case 'upload':
          res.writeHead(200, { 'content-type': 'text/plain' });
          return res.end('OK');
        case 'files.completeUploadExternal':
          return json(200, { ok: true, files: [{ id: 'F0CONF' }] });
        default:
          return json(200, { ok: false, error: 'unknown_method' });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`, seen };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString()));
    req.on('error', reject);
  });
}

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

describe('createSlackChat over the real WebClient', () => {
  it(
    'turns a 429 into RateLimited with Retry-After ' +
      'in ms, then posts threaded replies with blocks',
    async () => {
      const fake = await startFakeSlack();
      server = fake.server;
      const logs: string[] = [];
      const logger = createLogger(
        { level: 'debug' },
        new Writable({ write: (c: Buffer, _e, cb) => (logs.push(c.toString()), cb()) }),
      );
      const client = new webApi.WebClient('xoxb-test-token', {
        slackApiUrl: fake.url,
        rejectRateLimitedCalls: true,
        retryConfig: { retries: 0 },
      });
      const chat = createSlackChat(client, logger);
      const message = {
        channel: 'C0OPS',
        threadTs: '1700000000.000001',
        text: 'hello',
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*hi*' } }],
      };

      const err = await chat.postMessage(message).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RateLimited);
      expect((err as RateLimited).retryAfterMs).toBe(7000);

      await expect(chat.postMessage(message)).resolves.toEqual({ ts: '1700000000.000002' });
      const sent = fake.seen.filter((s) => s.method === 'chat.postMessage').at(-1)!.params;
      expect(sent).toMatchObject({
        channel: 'C0OPS',
        thread_ts: '1700000000.000001',
        text: 'hello',
      });
      expect(JSON.parse(sent.blocks ?? '[]')).toEqual(message.blocks);

      // Any other Slack error is thrown as it is, and logged by its code without the message text.
      await expect(
        chat.updateMessage({ ...message, ts: '1.2', text: 'secret-ish text' }),
      ).rejects.toThrow(/message_not_found/);
      expect(logs.join('')).toContain('message_not_found');
      expect(logs.join('')).not.toContain('secret-ish text');
      expect(logs.join('')).not.toContain('xoxb-test-token');
    },
  );

  it('sends direct messages and files through conversations.open into the DM channel', async () => {
    const fake = await startFakeSlack();
    server = fake.server;
    const client = new webApi.WebClient('xoxb-test-token', {
      slackApiUrl: fake.url,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
    });
    const chat = createSlackChat(client, createLogger({ level: 'silent' }));
    await chat.postMessage({ channel: 'C0', text: 'use up the first 429' }).catch(() => undefined);

    await expect(chat.sendDirect('U0BOB', { text: 'your config follows' })).resolves.toEqual({
      channel: 'D-U0BOB',
      ts: expect.any(String) as string,
    });
    await chat.uploadDirectFile('U0BOB', {
      filename: 'flatnet.conf',
      title: 'WireGuard config',
      content: '[Interface]\nAddress = 10.99.0.5/32\n',
      comment: 'import me',
    });

    const methods = fake.seen.map((s) => s.method);
    expect(methods).toEqual([
      'chat.postMessage',
      'conversations.open',
      'chat.postMessage',
      'conversations.open',
      'files.getUploadURLExternal',
      'upload',
      'files.completeUploadExternal',
    ]);
    expect(fake.seen[2]?.params.channel).toBe('D-U0BOB');
    expect(fake.seen.find((s) => s.method === 'upload')?.params.body).toContain(
      'Address = 10.99.0.5/32',
    );
    const complete = fake.seen.find((s) => s.method === 'files.completeUploadExternal')!.params;
    expect(complete).toMatchObject({ channel_id: 'D-U0BOB', initial_comment: 'import me' });
  });
});
