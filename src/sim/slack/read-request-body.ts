import type { IncomingMessage } from 'node:http';

/** At most this much per request: a QR code PNG or a config file, never a disk image. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

export async function readRawBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new Error(`request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

export type ApiArgs = Record<string, unknown>;

/**
 * The arguments of a Web API call. The WebClient sends a form (objects JSON-encoded in a
 * field), other clients send JSON; multipart arrives for binary uploads. All end up as one
 * flat record; `jsonArg` decodes the JSON-in-a-form-field case.
 */
export async function parseApiArgs(raw: Buffer, contentType: string | undefined): Promise<ApiArgs> {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (raw.length === 0) return {};
  if (type === 'application/json') {
    const parsed: unknown = JSON.parse(raw.toString('utf8'));
    return parsed && typeof parsed === 'object' ? (parsed as ApiArgs) : {};
  }
  if (type === 'multipart/form-data') {
    const form = await new Request('http://local/', {
      method: 'POST',
      headers: { 'content-type': contentType ?? '' },
      body: raw,
    }).formData();
    const args: ApiArgs = {};
    for (const [key, value] of form.entries()) {
      args[key] = typeof value === 'string' ? value : Buffer.from(await value.arrayBuffer());
    }
    return args;
  }
  return Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
}

/** A field that is an object or array: JSON in a form body, already decoded in a JSON body. */
export function jsonArg(args: ApiArgs, key: string): unknown {
  const value = args[key];
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

export function stringArg(args: ApiArgs, key: string): string | undefined {
  const value = args[key];
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : String(value as string | number | boolean);
}

export function boolArg(args: ApiArgs, key: string): boolean {
  const value = args[key];
  return value === true || value === 'true' || value === '1';
}
