/**
 * The slash command front door alone (src/slack/slash-front-door.ts), behind a real HTTP
 * server: which requests it takes, how it acks (as Bolt's HTTPResponseAck would), how it
 * answers a listener that fails, and its `respond` (a JSON POST to the response_url).
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { App } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import {
  createSlashFrontDoor,
  type SlashCommandListener,
} from '../../src/slack/slash-front-door.js';
import { FOREIGN_COMMAND_ANSWER } from '../../src/slack/only-installed-workspace.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

/** A server whose every request is read as a form and offered to the door (404 if refused). */
async function listen(handle: (body: string, res: ServerResponse) => void) {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => handle(body, res));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function door(listener: SlashCommandListener) {
  const lines: string[] = [];
  const logger = createLogger(
    { level: 'debug' },
    new Writable({ write: (c: Buffer, _e, done) => (lines.push(c.toString()), done()) }),
  );
  const frontDoor = createSlashFrontDoor({
    installed: () => ({ teamId: 'T0FLATNET' }),
    client: {} as App['client'],
    logger,
  });
  frontDoor.command('/vpn', listener);
  return { frontDoor, lines };
}

async function serve(listener: SlashCommandListener) {
  const d = door(listener);
  const url = await listen((body, res) => {
    if (!d.frontDoor.answer(new URLSearchParams(body), res)) res.writeHead(404).end('not mine');
  });
  /** Fields as a form, or a body sent as it is. */
  const send = async (fields: Record<string, string> | string) => {
    const body = typeof fields === 'string' ? fields : new URLSearchParams(fields);
    const res = await fetch(url, { method: 'POST', body });
    return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
  };
  return { ...d, send };
}

const COMMAND = {
  command: '/vpn',
  text: 'status',
  team_id: 'T0FLATNET',
  user_id: 'U0ALICE',
  channel_id: 'C0NETOPS',
  response_url: 'http://127.0.0.1:9/unused',
  trigger_id: 't1',
};

describe('the slash command front door', () => {
  it('acks as Bolt does: JSON for an object, the text for a string, nothing for none', async () => {
    const answers: unknown[] = [
      { response_type: 'ephemeral', text: 'Started' },
      'plain',
      undefined,
    ];
    const { send } = await serve(async ({ ack }) => ack(answers.shift() as never));
    expect(await send(COMMAND)).toEqual({
      status: 200,
      type: 'application/json',
      body: '{"response_type":"ephemeral","text":"Started"}',
    });
    expect(await send(COMMAND)).toMatchObject({ status: 200, body: 'plain' });
    expect(await send(COMMAND)).toMatchObject({ status: 200, body: '' });
  });

  it('hands the listener the command as its fields', async () => {
    let seen: unknown;
    const { send } = await serve(async ({ command, ack }) => {
      seen = command;
      await ack();
    });
    await send(COMMAND);
    expect(seen).toEqual(COMMAND);
  });

  it('chooses the listener by the command it will read, should the field repeat', async () => {
    const seen: string[] = [];
    const { send } = await serve(async ({ command, ack }) => {
      seen.push(command.command);
      await ack();
    });
    expect((await send('command=%2Fvpn&command=%2Fother&team_id=T0FLATNET')).body).toBe('not mine');
    expect((await send('command=%2Fother&command=%2Fvpn&team_id=T0FLATNET')).body).toBe('');
    expect(seen).toEqual(['/vpn']);
  });

  it('leaves to Bolt what is not a slash command it listens for', async () => {
    const { send } = await serve(async ({ ack }) => ack());
    expect((await send({ ...COMMAND, command: '/other' })).body).toBe('not mine');
    expect((await send({ payload: '{"type":"block_actions"}' })).body).toBe('not mine');
    expect((await send({ ...COMMAND, payload: '{}' })).body).toBe('not mine');
    expect((await send({ ...COMMAND, ssl_check: '1' })).body).toBe('not mine');
  });

  it('refuses a command from another workspace without calling the listener', async () => {
    let called = false;
    const { send, lines } = await serve(async ({ ack }) => {
      called = true;
      await ack();
    });
    expect(await send({ ...COMMAND, team_id: 'T0STRANGER' })).toMatchObject({
      status: 200,
      body: FOREIGN_COMMAND_ANSWER,
    });
    expect(called).toBe(false);
    expect(lines.join('')).toContain('refused a Slack request from another workspace');
  });

  it('answers 500 to a listener that fails before its ack, logged once with a stack', async () => {
    const { send, lines } = await serve(async () => {
      throw new Error('broken before the ack');
    });
    expect((await send(COMMAND)).status).toBe(500);
    const logged = lines.filter((l) => l.includes('broken before the ack'));
    expect(logged).toHaveLength(1);
    expect(JSON.parse(logged[0]!).err.stack).toContain('Error: broken before the ack');
  });

  it('keeps the ack of a listener that fails after it, and logs the failure once', async () => {
    let failed!: () => void;
    const logged = new Promise<void>((r) => (failed = r));
    const { send, lines } = await serve(async ({ ack }) => {
      await ack('Started');
      setImmediate(failed);
      throw new Error('broken after the ack');
    });
    expect(await send(COMMAND)).toMatchObject({ status: 200, body: 'Started' });
    await logged;
    await new Promise((r) => setImmediate(r));
    expect(lines.filter((l) => l.includes('broken after the ack'))).toHaveLength(1);
  });

  it('answers 500 to a listener that returns without acking, and says so in the log', async () => {
    const { send, lines } = await serve(async () => undefined);
    expect((await send(COMMAND)).status).toBe(500);
    expect(lines.join('')).toContain('returned without acknowledging');
  });

  it('refuses a second ack', async () => {
    let second: unknown;
    const { send } = await serve(async ({ ack }) => {
      await ack('once');
      second = await ack('twice').catch((err: Error) => err.message);
    });
    expect((await send(COMMAND)).body).toBe('once');
    expect(second).toBe('a slash command was acknowledged twice');
  });

  it('responds with a JSON POST to the response_url, and throws when it is refused', async () => {
    const posted: { type?: string; body: string }[] = [];
    const responseUrl = await listen((body, res) => {
      posted.push({ body });
      res.writeHead(posted.length === 1 ? 200 : 404).end();
    });
    const outcomes: string[] = [];
    let done!: () => void;
    const finished = new Promise<void>((r) => (done = r));
    const { send } = await serve(async ({ ack, respond }) => {
      await ack();
      await respond({ text: 'later', replace_original: true });
      outcomes.push('ok');
      outcomes.push(
        await respond('again').then(
          () => 'ok',
          (err: Error) => err.message,
        ),
      );
      done();
    });
    await send({ ...COMMAND, response_url: responseUrl });
    await finished;
    expect(posted.map((p) => JSON.parse(p.body))).toEqual([
      { text: 'later', replace_original: true },
      { text: 'again' },
    ]);
    expect(outcomes).toEqual(['ok', 'the response_url refused the answer: 404']);
  });
});
