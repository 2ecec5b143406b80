/**
 * Slack's side of Socket Mode (docs.slack.dev/apis/events-api/using-socket-mode), enough for
 * Bolt's own SocketModeReceiver to talk to it unchanged:
 *
 * - `apps.connections.open` with the app-level token (xapp-…) hands out a one-use ticket URL,
 *   `ws://HOST:PORT/link/?ticket=…&app_id=…` (Slack's is `wss://wss-primary.slack.com/link/…`;
 *   on loopback there is no TLS). A bot token gets `not_allowed_token_type`, as on Slack.
 * - On connect Slack sends `hello`; every command, button and view submission then arrives as
 *   an envelope `{envelope_id, type, payload, accepts_response_payload}` and must be acked with
 *   `{envelope_id, payload?}` within 3 s, or the person sees `operation_timeout`.
 * - With no connection open, Slack cannot deliver and the person sees `dispatch_failed` at
 *   once: a slash command is never queued for later.
 * - Slack pings every connection (the client disconnects when no ping came for 30 s) and, from
 *   time to time, asks the app to reconnect with `{"type":"disconnect","reason":
 *   "refresh_requested"}`.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { BotReply } from './bot-reply.js';

export type EnvelopeType = 'slash_commands' | 'interactive';

export interface SocketGatewayOptions {
  appId: string;
  ackTimeoutMs: number;
  /** How often Slack pings each connection (default 10 s; Bolt gives up after 30 s without). */
  pingIntervalMs?: number;
}

interface PendingAck {
  resolve(reply: BotReply): void;
  timer: NodeJS.Timeout;
}

const HOST_NAME = 'applink-flatnet-sim';

export class SocketModeGateway {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly tickets = new Set<string>();
  private readonly open = new Set<WebSocket>();
  private readonly pending = new Map<string, PendingAck>();
  private readonly waiters: (() => void)[] = [];
  private next = 0;
  /** Every connection the app opened so far (a reconnect counts again). */
  connectionsOpened = 0;

  constructor(private readonly options: SocketGatewayOptions) {}

  /** `apps.connections.open`: a one-use ticket URL on the emulator's own port. */
  issueUrl(baseUrl: string): string {
    const ticket = randomBytes(16).toString('hex');
    this.tickets.add(ticket);
    const ws = baseUrl.replace(/^http/, 'ws');
    return `${ws}/link/?ticket=${ticket}&app_id=${this.options.appId}`;
  }

  /** Takes the HTTP server's upgrades to `/link/`; anything else is refused. */
  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(req.url ?? '/', 'http://local');
      const ticket = url.searchParams.get('ticket') ?? '';
      if (url.pathname !== '/link/' || !this.tickets.delete(ticket)) {
        socket.end('HTTP/1.1 401 Unauthorized\r\nconnection: close\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.welcome(ws));
    });
  }

  get openConnections(): number {
    return this.open.size;
  }

  /** Resolves once at least one connection is open (the app connected or reconnected). */
  async waitForConnection(): Promise<void> {
    if (this.open.size > 0) return;
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** One envelope to one open connection; resolves with the ack or Slack's error. */
  deliver(
    type: EnvelopeType,
    payload: unknown,
    acceptsResponsePayload: boolean,
  ): Promise<BotReply> {
    const sockets = [...this.open];
    const socket = sockets[this.next++ % Math.max(sockets.length, 1)];
    if (!socket) return Promise.resolve({ status: 0, body: '', error: 'dispatch_failed' });
    const envelopeId = randomBytes(12).toString('hex');
    return new Promise<BotReply>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(envelopeId);
        resolve({ status: 0, body: '', error: 'operation_timeout' });
      }, this.options.ackTimeoutMs);
      this.pending.set(envelopeId, { resolve, timer });
      socket.send(
        JSON.stringify({
          envelope_id: envelopeId,
          payload,
          type,
          accepts_response_payload: acceptsResponsePayload,
        }),
      );
    });
  }

  /** Slack asks every connection to reconnect (it sends this every few hours). */
  requestRefresh(): void {
    const message = JSON.stringify({
      type: 'disconnect',
      reason: 'refresh_requested',
      debug_info: { host: HOST_NAME },
    });
    for (const socket of this.open) socket.send(message);
  }

  /** The network drops every connection without a close frame (a cable pulled). */
  dropConnections(): void {
    for (const socket of this.open) socket.terminate();
    this.open.clear();
  }

  close(): void {
    for (const { timer, resolve } of this.pending.values()) {
      clearTimeout(timer);
      resolve({ status: 0, body: '', error: 'dispatch_failed' });
    }
    this.pending.clear();
    this.dropConnections();
    this.wss.close();
  }

  private welcome(ws: WebSocket): void {
    this.open.add(ws);
    this.connectionsOpened += 1;
    const ping = setInterval(() => ws.ping(), this.options.pingIntervalMs ?? 10_000);
    ws.on('close', () => {
      clearInterval(ping);
      this.open.delete(ws);
    });
    ws.on('error', () => ws.terminate());
    ws.on('message', (data, isBinary) => {
      if (!isBinary) this.receiveAck(data.toString());
    });
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.open.size,
        debug_info: { host: HOST_NAME, approximate_connection_time: 18060 },
        connection_info: { app_id: this.options.appId },
      }),
    );
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** `{envelope_id, payload?}` from the app; an unknown or late ack is ignored, as Slack does. */
  private receiveAck(text: string): void {
    let ack: { envelope_id?: unknown; payload?: unknown };
    try {
      ack = JSON.parse(text) as typeof ack;
    } catch {
      return;
    }
    if (typeof ack.envelope_id !== 'string') return;
    const waiting = this.pending.get(ack.envelope_id);
    if (!waiting) return;
    this.pending.delete(ack.envelope_id);
    clearTimeout(waiting.timer);
    const payload = ack.payload ?? {};
    waiting.resolve({ status: 200, body: JSON.stringify(payload), json: payload });
  }
}
