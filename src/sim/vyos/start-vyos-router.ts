/**
 * The SSH face of an emulated VyOS router: an ssh2 server on loopback that accepts only the
 * authorized public keys, answers `pty`/`shell` with the VyOS CLI and `exec` with one op
 * command, and follows the router's power state (off or rebooting: connections are cut).
 */
import net from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import ssh2 from 'ssh2';
import type { AuthContext, Connection, ParsedKey, ServerChannel } from 'ssh2';
import { VyosRouter, type VyosRouterSettings } from './vyos-router.js';
import { runExecCommand, VyosShell } from './shell.js';
import { ConfigTree } from './config-tree.js';
import { BadInputError } from '../../errors.js';
import { tokenizeCliLine } from './parse-cli-words.js';
import { carryOverWan } from './wan-link.js';
import { ptyReads } from './pty-reads.js';

export { generateHostKey, generateUserKey, type SshKeyPair } from './generate-keys.js';

export interface StartVyosRouterOptions extends VyosRouterSettings {
  host?: string;
  port?: number;
  /** Host private key, PEM or OpenSSH. */
  hostKey: string;
  /** OpenSSH public key lines (`ssh-ed25519 AAAA… comment`). */
  authorizedKeys: string[];
  username?: string;
}

export interface VyosRouterHandle {
  readonly host: string;
  readonly port: number;
  readonly router: VyosRouter;
  /** A stopped instance: every session dropped, new connections refused. */
  powerOff(): void;
  powerOn(): void;
  close(): Promise<void>;
}

function parseAuthorizedKeys(lines: string[]): ParsedKey[] {
  return lines.map((line, index) => {
    const parsed = ssh2.utils.parseKey(line.trim());
    if (parsed instanceof Error) {
      throw new BadInputError(
        `authorizedKeys[${index}] is not an OpenSSH public key (${parsed.message})`,
        'Pass authorized_keys lines like "ssh-ed25519 AAAA…".',
      );
    }
    return Array.isArray(parsed) ? (parsed[0] as ParsedKey) : parsed;
  });
}

function keyMatches(ctx: AuthContext, allowed: ParsedKey): boolean {
  if (ctx.method !== 'publickey') return false;
  const offered = ctx.key.data;
  const known = allowed.getPublicSSH();
  if (
    ctx.key.algo !== allowed.type ||
    offered.length !== known.length ||
    !timingSafeEqual(offered, known)
  )
    return false;
  // Without a signature the client only asks whether the key would do; with one, it must verify.
  return !ctx.signature || allowed.verify(ctx.blob as Buffer, ctx.signature, ctx.hashAlgo) === true;
}

export async function startVyosRouter(options: StartVyosRouterOptions): Promise<VyosRouterHandle> {
  const router = new VyosRouter(options);
  const username = options.username ?? 'vyos';
  const allowed = parseAuthorizedKeys(options.authorizedKeys);
  const connections = new Set<Connection>();
  let sessionIds = 0;

  const sshServer = new ssh2.Server(
    { hostKeys: [options.hostKey], ident: 'OpenSSH_9.2p1 Debian-2+deb12u3' },
    (client) => {
      connections.add(client);
      const id = ++sessionIds;
      const detach = router.attachSession({ drop: () => client.end() });
      client.on('error', () => {});
      client.on('close', () => {
        connections.delete(client);
        detach();
        router.emit('session', { id, username, state: 'closed' });
      });
      client.on('authentication', (ctx) => {
        if (ctx.username === username && allowed.some((key) => keyMatches(ctx, key)))
          return ctx.accept();
        ctx.reject(['publickey']);
      });
      client.on('ready', () => {
        router.emit('session', { id, username, state: 'opened' });
        client.on('session', (acceptSession) => {
          const session = acceptSession();
          session.on('pty', (accept) => accept?.());
          session.on('window-change', (accept) => accept?.());
          session.on('env', (accept) => accept?.());
          session.on('shell', (accept) => {
            const stream: ServerChannel = accept();
            const pty = ptyReads((chunk) => stream.write(chunk));
            const shell = new VyosShell(
              router,
              {
                write: (text) => pty.write(text),
                close: (code) => {
                  pty.flush();
                  stream.exit(code);
                  stream.end();
                },
              },
              username,
            );
            stream.on('data', (data: Buffer) => shell.feed(data.toString('utf8')));
            stream.on('close', () => {
              pty.drop();
              shell.abandon();
            });
            shell.start();
          });
          session.on('exec', (accept, _reject, info) => {
            const stream: ServerChannel = accept();
            const words = tokenizeCliLine(info.command);
            const result =
              words.length > 0 ? runExecCommand(router, info.command) : { output: '', exitCode: 0 };
            stream.write(result.output);
            stream.exit(result.exitCode);
            stream.end();
          });
        });
      });
    },
  );

  // sshd itself listens on a loopback port of its own; the router's address is a WAN link in
  // front of it (wan-link.ts), so a powered-off or rebooting router refuses at the TCP level
  // while keeping its port (a test or the world holds on to it).
  // Its socket carries the same many small writes as the public one: without setNoDelay,
  // Nagle and delayed ACKs add ~40 ms to every command (a 178-line config copy took 8.3 s).
  // Not kinder than a router: OpenSSH's sshd sets TCP_NODELAY on an interactive session
  // (packet.c ssh_packet_set_interactive → set_nodelay), which a VyOS login is.
  const sshd = net.createServer((socket) => {
    socket.setNoDelay(true);
    sshServer.injectSocket(socket);
  });
  const inner = await new Promise<net.AddressInfo>((resolve, reject) => {
    sshd.once('error', reject);
    sshd.listen(0, '127.0.0.1', () => resolve(sshd.address() as net.AddressInfo));
  });
  const listener = net.createServer((socket) => {
    // A CLI conversation is many small writes: without this, Nagle and delayed ACKs add
    // ~40 ms to every command on loopback.
    socket.setNoDelay(true);
    if (router.power !== 'on') {
      socket.destroy();
      return;
    }
    carryOverWan(
      socket,
      inner,
      () => router.roundTripMs,
      () => router.power === 'on',
    );
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(options.port ?? 0, host, () => resolve());
  });
  const address = listener.address() as net.AddressInfo;

  return {
    host,
    port: address.port,
    router,
    powerOff: () => router.powerOff(),
    powerOn: () => router.powerOn(),
    close: async () => {
      router.dispose();
      for (const client of connections) client.end();
      await Promise.all([
        new Promise<void>((resolve) => listener.close(() => resolve())),
        new Promise<void>((resolve) => sshd.close(() => resolve())),
      ]);
    },
  };
}

/** Replace the router's active (and saved) configuration with these `set` lines. */
export function applySetLines(
  router: VyosRouter,
  lines: readonly string[],
  options: { save?: boolean } = { save: true },
): void {
  const tree = ConfigTree.fromSetLines([...router.active.toSetLines(), ...lines]);
  router.active = tree;
  if (options.save !== false) router.saved = tree.clone();
}
