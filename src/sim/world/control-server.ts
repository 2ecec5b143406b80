/**
 * A small HTTP JSON API on loopback to push the simulated world around during a demo or a
 * test: take routers and tunnels down, set load, slow EC2 or SSH, inject EC2 faults, read and
 * reset the forwarding timeline. Documented in README.md beside this file.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FaultSpec } from '../ec2/faults.js';
import { describeWorld } from './describe-world.js';
import { PING, type TraceFlow } from './reach/trace.js';
import type { World } from './start-world.js';

export interface ControlServer {
  url: string;
  close(): Promise<void>;
}

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 64 * 1024)
      throw new HttpProblem(413, 'request body too large', 'send a JSON object under 64 KiB');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // fall through to the error below
  }
  throw new HttpProblem(
    400,
    'the body is not a JSON object',
    'send e.g. {"ms":200} with content-type application/json',
  );
}

function nonNegative(body: Record<string, unknown>, field: string): number {
  const v = body[field];
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
    throw new HttpProblem(400, `"${field}" must be a number ≥ 0`, `send {"${field}": 200}`);
  return v;
}

function lookup<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw new HttpProblem(
      404,
      err instanceof Error ? err.message : String(err),
      'GET /state lists the routers and their peers',
    );
  }
}

export async function startControlServer(
  world: World,
  options: { host?: string; port?: number } = {},
): Promise<ControlServer> {
  async function route(
    method: string,
    path: string[],
    req: IncomingMessage,
    query: URLSearchParams,
  ): Promise<unknown> {
    const [a, b, c, d, e] = path;
    if (method === 'GET' && a === 'state' && b === undefined)
      return { ...describeWorld(world), paths: world.timeline().paths };
    if (method === 'GET' && a === 'reach' && b === undefined) {
      const from = query.get('from');
      const to = query.get('to');
      if (!from || !to)
        throw new HttpProblem(
          400,
          'from and to are required',
          'GET /reach?from=us-east-1/production&to=office (labels: GET /reach/matrix)',
        );
      const answer = world.reach(from, to, flowOf(query));
      if ('error' in answer)
        throw new HttpProblem(404, answer.error, 'GET /reach/matrix lists them');
      return answer;
    }
    if (method === 'GET' && a === 'reach' && b === 'matrix' && c === undefined)
      return world.reachMatrix();
    if (method === 'GET' && a === 'traffic' && b === undefined) return world.traffic();
    if (method === 'DELETE' && a === 'sites' && b !== undefined && c === undefined) {
      if (!world.removeSite(b))
        throw new HttpProblem(404, `no installed site ${b}`, 'GET /reach/matrix lists the sites');
      return { ok: true };
    }
    if (method === 'GET' && a === 'timeline' && b === undefined)
      return { ...world.timeline(), outage: world.outageMs() };
    // Where a router launched after start answers SSH (a scale-up's new instance), by private IP or
    // instance id.
    if (method === 'GET' && a === 'ssh' && b !== undefined) {
      const endpoint = world.resolveSsh(decodeURIComponent(b));
      if (!endpoint)
        throw new HttpProblem(404, `no router answers at ${b}`, 'GET /state lists the routers');
      return endpoint;
    }
    if (method !== 'POST')
      throw new HttpProblem(
        404,
        `no route ${method} /${path.join('/')}`,
        'see src/sim/world/README.md',
      );
    const body = await readJson(req);
    if (a === 'traffic' && b === undefined) {
      const { from, to, bits } = body;
      if (typeof from !== 'string' || typeof to !== 'string' || typeof bits !== 'number')
        throw new HttpProblem(
          400,
          'from, to (endpoint labels) and bits (bit/s, 0 to stop) are required',
          'POST /traffic {"from":"ap-northeast-1/hub","to":"us-east-1/production","bits":3e8}',
        );
      const query = new URLSearchParams();
      if (typeof body.protocol === 'string') query.set('protocol', body.protocol);
      if (typeof body.port === 'number') query.set('port', String(body.port));
      try {
        return world.offerTraffic(from, to, bits, flowOf(query));
      } catch (err) {
        throw new HttpProblem(
          404,
          err instanceof Error ? err.message : String(err),
          'GET /reach/matrix lists the endpoints',
        );
      }
    }
    if (a === 'timeline' && b === 'reset' && c === undefined) {
      world.resetTimeline();
      return { ok: true };
    }
    if (a === 'routers' && b !== undefined) {
      const router = lookup(() => world.router(b));
      if ((c === 'down' || c === 'up') && d === undefined) {
        const how = body.how === 'power' ? 'power' : 'instance';
        try {
          world.setRouterDown(router.instanceId, c === 'down', how);
        } catch (err) {
          throw new HttpProblem(
            409,
            err instanceof Error ? err.message : String(err),
            'wait for the instance to finish its transition, then retry',
          );
        }
        return { ok: true, router: router.name, instanceId: router.instanceId, how };
      }
      if (c === 'tunnels' && d !== undefined && (e === 'down' || e === 'up') && path.length === 5) {
        world.setTunnelForced(router.instanceId, d, e);
        return { ok: true, router: router.name, peer: d, forced: e };
      }
      if (c === 'load' && d === undefined) {
        const load = body.load;
        if (
          !Array.isArray(load) ||
          load.length !== 3 ||
          !load.every((x) => typeof x === 'number' && x >= 0)
        ) {
          throw new HttpProblem(
            400,
            '"load" must be three numbers ≥ 0 (1, 5 and 15 minutes)',
            'send {"load":[2.5,2.1,1.4]}',
          );
        }
        world.setLoad(router.instanceId, load as [number, number, number]);
        return { ok: true, router: router.name, load };
      }
    }
    if (a === 'ec2' && b === 'latency' && c === undefined) {
      world.setEc2Latency(nonNegative(body, 'ms'));
      return { ok: true };
    }
    if (a === 'ec2' && b === 'faults' && c === undefined) {
      if (body.clear === true) {
        world.state.faults.clear();
        return { ok: true, remaining: 0 };
      }
      if (typeof body.code !== 'string')
        throw new HttpProblem(
          400,
          '"code" is required',
          'send {"action":"RunInstances","code":"InsufficientInstanceCapacity","times":1}',
        );
      world.state.faults.inject(body as unknown as FaultSpec);
      return { ok: true, remaining: world.state.faults.remaining };
    }
    if (a === 'ssh' && b === 'latency' && c === undefined) {
      world.setSshLatency(nonNegative(body, 'ms'));
      return { ok: true };
    }
    if (a === 'sites' && b === undefined) {
      const { name, publicIp, lan, script, backupIp } = body;
      const lines =
        typeof script === 'string'
          ? script.split(/\r?\n/)
          : Array.isArray(script) && script.every((l) => typeof l === 'string')
            ? (script as string[])
            : undefined;
      if (
        typeof name !== 'string' ||
        typeof publicIp !== 'string' ||
        typeof lan !== 'string' ||
        !lines ||
        (backupIp !== undefined && typeof backupIp !== 'string')
      )
        throw new HttpProblem(
          400,
          '"name", "publicIp", "lan" and "script" are required',
          'send {"name":"branch-1","publicIp":"198.18.7.10","lan":"172.16.7.0/24",' +
            '"script":"set vpn ipsec …"}',
        );
      try {
        world.installSite({
          name,
          publicIp,
          lan,
          script: lines.map((l) => l.trim()).filter(Boolean),
          ...(typeof backupIp === 'string' ? { backupIp } : {}),
        });
      } catch (err) {
        throw new HttpProblem(400, err instanceof Error ? err.message : String(err));
      }
      return { ok: true, endpoint: `site/${name}` };
    }
    if (a === 'wireguard' && b === 'clients' && c === undefined) {
      if (typeof body.name !== 'string' || typeof body.config !== 'string')
        throw new HttpProblem(
          400,
          '"name" and "config" are required',
          'send {"name":"alice","config":"[Interface]\\nPrivateKey = …"}',
        );
      try {
        world.installWireguardClient(body.name, body.config);
      } catch (err) {
        throw new HttpProblem(400, err instanceof Error ? err.message : String(err));
      }
      return { ok: true, endpoint: `wg/${body.name}` };
    }
    if (a === 'wireguard' && b === 'active' && c === undefined) {
      if (typeof body.publicKey !== 'string')
        throw new HttpProblem(
          400,
          '"publicKey" is required',
          'send {"publicKey":"…=","active":true}',
        );
      world.setWireguardActive(body.publicKey, body.active !== false);
      return { ok: true };
    }
    throw new HttpProblem(
      404,
      `no route ${method} /${path.join('/')}`,
      'see src/sim/world/README.md',
    );
  }

  const send = (res: ServerResponse, status: number, value: unknown): void => {
    const text = JSON.stringify(value);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://control');
    const path = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    route(req.method ?? 'GET', path, req, url.searchParams)
      .then((value) => send(res, 200, value))
      .catch((err: unknown) => {
        if (err instanceof HttpProblem)
          send(res, err.status, { error: err.message, hint: err.hint });
        else send(res, 500, { error: err instanceof Error ? err.message : String(err) });
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The probe of `GET /reach`: `protocol=icmp` (default, a ping) or `tcp`/`udp` with `port`. The
 * reply comes from that port to an ephemeral one.
 */
function flowOf(query: URLSearchParams): TraceFlow {
  const protocol = query.get('protocol') ?? 'icmp';
  const port = query.get('port');
  if (protocol === 'icmp' && port === null) return PING;
  if ((protocol === 'tcp' || protocol === 'udp') && port !== null && /^\d{1,5}$/.test(port)) {
    const dstPort = Number(port);
    if (dstPort >= 1 && dstPort <= 65535)
      return { protocol, dstPort, srcPort: EPHEMERAL_PORT, state: 'new' };
  }
  throw new HttpProblem(
    400,
    `no probe protocol=${protocol}${port === null ? '' : ` port=${port}`}`,
    'give protocol=icmp, or protocol=tcp|udp with port=1-65535',
  );
}

/** The client side of a probe connection (Linux's ephemeral range starts at 32768). */
const EPHEMERAL_PORT = 40000;
