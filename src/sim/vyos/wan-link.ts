/**
 * The network between flatnet and a router, as a TCP proxy in front of the emulated SSH server:
 * every byte takes half the round-trip time to cross, in each direction, and a new connection
 * costs its TCP handshake before the server sees it. So SSH costs what it costs on a WAN: the
 * key exchange, the authentication and each channel request are round trips of their own, and
 * a client that waits for every answer pays for every wait (RFC 4253 §7, RFC 4252, RFC 4254 §5).
 *
 * Timeline of a connection opened at t0 with round trip R (RFC 793 §3.4): the SYN reaches the
 * router at t0 + R/2, the SYN-ACK the client at t0 + R, the client's ACK (with its first data)
 * the router at t0 + 1.5 R, when `accept()` hands the socket to sshd, which sends its banner
 * at once (the client reads it at t0 + 2 R). On loopback the client's socket is connected at
 * once and writes at t0, so its bytes are held until they could have left (t0 + R).
 */
import net from 'node:net';

/** The round trip now: read for every chunk, so a change applies to open connections too. */
export type RoundTrip = () => number;

/**
 * Bytes from one side delivered to the other after a delay, in order. With no delay and
 * nothing queued a chunk goes through at once (tests at zero latency pay no timer).
 */
class DelayedPipe {
  private readonly queue: { due: number; chunk: Buffer | 'end' }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private target: net.Socket | undefined;

  constructor(private readonly deliver: (chunk: Buffer | 'end', to: net.Socket) => void) {}

  send(chunk: Buffer | 'end', due: number): void {
    if (this.target && this.queue.length === 0 && due <= performance.now()) {
      this.deliver(chunk, this.target);
      return;
    }
    this.queue.push({ due, chunk });
    this.schedule();
  }

  /** The far socket is there: deliver what is due. */
  connect(target: net.Socket): void {
    this.target = target;
    this.schedule();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.queue.length = 0;
  }

  private schedule(): void {
    if (this.timer || !this.target) return;
    const next = this.queue[0];
    if (!next) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        const now = performance.now();
        while (this.target && this.queue[0] && this.queue[0].due <= now + 0.5)
          this.deliver(this.queue.shift()!.chunk, this.target);
        this.schedule();
      },
      Math.max(0, next.due - performance.now()),
    );
  }
}

const deliver = (chunk: Buffer | 'end', to: net.Socket): void => {
  if (to.destroyed) return;
  if (chunk === 'end') to.end();
  else to.write(chunk);
};

/**
 * Carry `client` (accepted by the router's public listener) to the SSH server listening on
 * `inner`, each direction delayed by half of `roundTrip()`. `listening()` is asked when the
 * handshake completes: a router switched off meanwhile answers nothing.
 */
export function carryOverWan(
  client: net.Socket,
  inner: net.AddressInfo,
  roundTrip: RoundTrip,
  listening: () => boolean,
): void {
  const opened = performance.now();
  const rtt = roundTrip();
  const toRouter = new DelayedPipe(deliver);
  const toClient = new DelayedPipe(deliver);
  toClient.connect(client);
  // Nothing the client sends can leave before its handshake completed (t0 + R).
  const outbound = (chunk: Buffer | 'end') =>
    toRouter.send(chunk, Math.max(performance.now(), opened + rtt) + roundTrip() / 2);
  client.on('data', (chunk: Buffer) => outbound(chunk));
  client.on('end', () => outbound('end'));

  let server: net.Socket | undefined;
  const teardown = () => {
    toRouter.stop();
    toClient.stop();
    client.destroy();
    server?.destroy();
  };
  client.on('error', teardown);
  client.on('close', () => {
    // A reset reaches the router half a round trip later, after what was already in flight.
    if (!server) return teardown();
    outbound('end');
    setTimeout(() => server?.destroy(), rtt / 2 + 1).unref();
  });

  const accept = () => {
    if (client.destroyed) return;
    if (!listening()) return teardown();
    server = net.connect({ host: inner.address, port: inner.port });
    server.setNoDelay(true);
    server.on('connect', () => toRouter.connect(server!));
    server.on('data', (chunk: Buffer) => toClient.send(chunk, performance.now() + roundTrip() / 2));
    server.on('end', () => toClient.send('end', performance.now() + roundTrip() / 2));
    server.on('error', teardown);
    server.on('close', () => {
      toClient.send('end', performance.now() + roundTrip() / 2);
      setTimeout(() => client.destroy(), roundTrip() / 2 + 1).unref();
    });
  };
  // sshd accepts when the client's ACK arrives, one and a half round trips after the SYN.
  if (rtt > 0) setTimeout(accept, rtt * 1.5);
  else accept();
}
