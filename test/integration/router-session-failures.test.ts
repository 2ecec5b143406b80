/**
 * The session's refusals and deadlines, against tiny ssh2 servers written here: one that
 * accepts a shell and prints nothing, one that presents an unpinned key, one that drops.
 */
import { createServer, type AddressInfo, type Socket } from 'node:net';
import ssh2 from 'ssh2';
import { afterEach, describe, expect, it } from 'vitest';
import { RouterError } from '../../src/errors.js';
import { createLogger } from '../../src/log.js';
import { openRouterSession } from '../../src/vyos/open-router-session.js';
import { createRouterPool } from '../../src/vyos/router-pool.js';
import { generateHostKey, generateUserKey } from '../../src/sim/vyos/generate-keys.js';

const { Server } = ssh2;

interface Tiny {
  port: number;
  hostKeyLine: string;
  close(): Promise<void>;
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
});

/** An SSH server whose shell does whatever `onShell` says with the channel. */
async function startTinyServer(onShell: (channel: ssh2.ServerChannel) => void): Promise<Tiny> {
  const host = generateHostKey();
  const clients = new Set<ssh2.Connection>();
  const server = new Server({ hostKeys: [host.privateKey] }, (client) => {
    clients.add(client);
    client.on('error', () => undefined);
    client.on('close', () => clients.delete(client));
    client.on('authentication', (ctx) => ctx.accept());
    client.on('ready', () => {
      client.on('session', (accept) => {
        const session = accept();
        session.on('pty', (ok) => ok?.());
        session.on('shell', (ok) => onShell(ok()));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const tiny: Tiny = {
    port: (server.address() as AddressInfo).port,
    hostKeyLine: host.publicKey,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of clients) c.end();
        server.close(() => resolve());
      }),
  };
  closers.push(tiny.close);
  return tiny;
}

const userKey = generateUserKey();
const base = (tiny: Tiny, hostKey = tiny.hostKeyLine) => ({
  name: 'hub-tokyo-a',
  host: '127.0.0.1',
  port: tiny.port,
  user: 'vyos',
  privateKey: userKey.privateKey,
  hostKey,
  connectTimeoutMs: 5000,
  commandTimeoutMs: 400,
});

describe('router session failures', () => {
  it(
    'a router that never prints a prompt is a ' +
      'TIMEOUT that says what it waited for, not a hang',
    async () => {
      const tiny = await startTinyServer((ch) => ch.write('Welcome to VyOS\r\n'));
      const err = await openRouterSession(base(tiny)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RouterError);
      expect((err as RouterError).code).toBe('TIMEOUT');
      expect((err as RouterError).message).toMatch(
        /hub-tokyo-a did not show a prompt within 400 ms: waited for the op-mode prompt .* last output: "Welcome to VyOS"/,
      );
    },
  );

  it(
    'a command whose prompt never comes back ' + 'times out and the secret in it stays hidden',
    async () => {
      const tiny = await startTinyServer((ch) => {
        ch.write('vyos@hub:~$ ');
        ch.on('data', (d: Buffer) => {
          // Lines typed ahead in one write are read one at a time, as readline does.
          for (const typed of d.toString().split('\n')) {
            const line = typed.trim();
            if (line === '') continue;
            // Answer the terminal setup, then go silent after echoing a secret-bearing line.
            if (line.startsWith('set terminal')) ch.write(`${line}\r\nvyos@hub:~$ `);
            else if (line === 'configure') ch.write('configure\r\n[edit]\r\nvyos@hub# ');
            else ch.write(`${line}\r\n`);
          }
        });
      });
      // A roomier deadline than the silent-router test: the setup commands must not be the ones
      // that time out on a loaded machine; only the unanswered `set` line may.
      const pool = createRouterPool({
        routers: { 'hub-tokyo-a': base(tiny) },
        logger: createLogger({ level: 'silent' }),
        connectTimeoutMs: 5000,
        commandTimeoutMs: 1500,
      });
      closers.push(() => pool.closeAll());
      const err = await pool
        .router('hub-tokyo-a')
        .applyConfig([
          {
            op: 'set',
            path: ['vpn', 'ipsec', 'authentication', 'psk', 'X', 'secret'],
            value: 'TopSecret_123456',
          },
        ])
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RouterError);
      expect((err as RouterError).code).toBe('TIMEOUT');
      expect((err as RouterError).message).toContain(
        "waited for the prompt after `set vpn ipsec authentication psk X secret '[redacted]'`",
      );
      expect((err as RouterError).forHumans).not.toContain('TopSecret_123456');
      expect((err as RouterError).forHumans).toContain('[redacted]');
    },
  );

  it('refuses a changed host key and says how to pin the key it saw', async () => {
    const tiny = await startTinyServer((ch) => ch.write('vyos@hub:~$ '));
    const other = generateHostKey().publicKey;
    const err = await openRouterSession(base(tiny, other)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RouterError);
    const e = err as RouterError;
    expect(e.code).toBe('HOST_KEY');
    expect(e.message).toMatch(
      /presented host key SHA256:[A-Za-z0-9+/]{43}, which is not the pinned key: it CHANGED/,
    );
    expect(e.hint).toBe(
      `pin it: set routers.hub-tokyo-a.ssh.hostKey to '${tiny.hostKeyLine}' after ` +
        `checking it out of band (ssh-keyscan -t ed25519 -p ${tiny.port} 127.0.0.1)`,
    );
  });

  it('refuses an unpinned router the same way', async () => {
    const tiny = await startTinyServer((ch) => ch.write('vyos@hub:~$ '));
    const err = (await openRouterSession(base(tiny, '')).catch((e: unknown) => e)) as RouterError;
    expect(err.code).toBe('HOST_KEY');
    expect(err.message).toContain('not pinned');
    expect(err.hint).toContain(tiny.hostKeyLine);
  });

  it('an unreachable port is ROUTER_UNREACHABLE', async () => {
    const tiny = await startTinyServer(() => undefined);
    const port = tiny.port;
    await tiny.close();
    closers.pop();
    const err = (await openRouterSession({ ...base(tiny), port }).catch(
      (e: unknown) => e,
    )) as RouterError;
    expect(err).toBeInstanceOf(RouterError);
    expect(err.code).toBe('ROUTER_UNREACHABLE');
    expect(err.message).toContain(`127.0.0.1:${port}`);
  });

  it('the pool names the known routers for an unknown one', () => {
    const pool = createRouterPool({
      routers: {
        'hub-tokyo-a': { host: '127.0.0.1', port: 1, user: 'v', privateKey: '', hostKey: '' },
      },
      logger: createLogger({ level: 'silent' }),
      connectTimeoutMs: 100,
      commandTimeoutMs: 100,
    });
    expect(() => pool.router('hub-osaka')).toThrow(/no router named "hub-osaka"/);
    try {
      pool.router('hub-osaka');
    } catch (err) {
      expect((err as RouterError).code).toBe('UNKNOWN_TARGET');
      expect((err as RouterError).hint).toBe('known routers: hub-tokyo-a');
    }
  });

  it(
    'a far side that drops the connection mid-handshake ' +
      'is one wording, however the drop shows',
    async () => {
      // Half the accepts end politely (FIN: ssh2 says "Connection lost before handshake"), half
      // are reset (RST: the socket says "read ECONNRESET"): an operator sees one sentence.
      let accepted = 0;
      const sockets = new Set<Socket>();
      const server = createServer((sock) => {
        sockets.add(sock);
        accepted += 1;
        if (accepted % 2 === 0) sock.resetAndDestroy();
        else sock.end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      closers.push(
        () =>
          new Promise<void>((resolve) => {
            for (const sock of sockets) sock.destroy();
            server.close(() => resolve());
          }),
      );
      const port = (server.address() as AddressInfo).port;
      const messages = new Set<string>();
      for (let i = 0; i < 4; i++) {
        const err = await openRouterSession({
          ...base({ port, hostKeyLine: userKey.publicKey, close: async () => undefined }),
        }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(RouterError);
        expect((err as RouterError).code).toBe('ROUTER_UNREACHABLE');
        messages.add((err as RouterError).message);
      }
      expect([...messages]).toEqual([
        `cannot reach hub-tokyo-a at 127.0.0.1:${port}: the ` +
          'connection was closed before the SSH handshake finished',
      ]);
    },
  );
});
