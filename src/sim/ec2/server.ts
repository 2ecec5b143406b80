import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ACTION_HANDLERS } from './actions/index.js';
import { Ec2ApiError } from './ec2-error.js';
import { newRequestId } from './ids.js';
import { QueryParams } from './query.js';
import { Ec2State } from './state.js';
import { renderError, renderResponse } from './xml.js';

export interface Ec2Emulator {
  /** Give this to `EC2Client({ endpoint })` or `AWS_ENDPOINT_URL_EC2`. */
  url: string;
  state: Ec2State;
  close(): Promise<void>;
}

const DEFAULT_REGION = 'us-east-1';
const MAX_BODY = 1024 * 1024;

/**
 * The region a SigV4-signed request is for: `Credential=AKID/20261125/us-east-1/ec2/aws4_request`.
 */
export function regionOf(authorization: string | undefined): string {
  const m = /Credential=[^/,\s]+\/\d{8}\/([a-z0-9-]+)\/ec2\/aws4_request/.exec(authorization ?? '');
  return m?.[1] ?? DEFAULT_REGION;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY)
        reject(new Ec2ApiError('RequestEntityTooLarge', 'Request body too large.', 413));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * An HTTP endpoint speaking the EC2 Query protocol, so the real `@aws-sdk/client-ec2` talks to
 * it unchanged. Signatures are not verified. A state passed in is left open on close (its owner
 * closes it); a state the emulator created is closed with it.
 */
export async function startEc2Emulator(
  options: { state?: Ec2State; host?: string; port?: number } = {},
): Promise<Ec2Emulator> {
  const state = options.state ?? new Ec2State();
  const ownsState = options.state === undefined;
  const delays = new Set<NodeJS.Timeout>();

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        delays.delete(t);
        resolve();
      }, ms);
      delays.add(t);
    });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = newRequestId();
    const region = regionOf(req.headers.authorization);
    let action = 'Unknown';
    let status = 200;
    let body: string;
    let code: string | undefined;
    try {
      const url = new URL(req.url ?? '/', 'http://emulator');
      const params = QueryParams.parse(
        req.method === 'POST' ? await readBody(req) : url.search.slice(1),
      );
      action = params.action ?? 'Unknown';
      state.emit('request-received', { action, region, requestId });
      const delay = state.latencyMs + (state.actionLatencyMs.get(action) ?? 0);
      if (delay > 0) await sleep(delay);
      const handler = ACTION_HANDLERS[action];
      if (!handler)
        throw new Ec2ApiError(
          'InvalidAction',
          `The action ${action} is not valid for this web service.`,
        );
      const fault = state.faults.take(action, region);
      if (fault) throw fault;
      body = renderResponse(action, requestId, handler({ state, region, params }));
    } catch (err) {
      const e =
        err instanceof Ec2ApiError
          ? err
          : new Ec2ApiError('InternalError', 'An internal error has occurred.', 500);
      if (!(err instanceof Ec2ApiError))
        process.emitWarning(`EC2 emulator: ${action} failed: ${String(err)}`);
      status = e.status;
      code = e.code;
      body = renderError(e.code, e.message, requestId);
    }
    res.writeHead(status, {
      'content-type': 'text/xml;charset=UTF-8',
      'x-amzn-requestid': requestId,
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
    state.emit('request', { action, region, status, code, requestId });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.destroy(err instanceof Error ? err : new Error(String(err)));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    state,
    close: async () => {
      for (const t of delays) clearTimeout(t);
      delays.clear();
      if (ownsState) state.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
