import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FlatnetError, describeError } from '../../errors.js';
import { buildPageState } from './build-page-state.js';
import { readRawBody } from './read-request-body.js';
import type { SlackStore } from './slack-store.js';
import type { StoreChange } from './types.js';

/** The page's own files: an allowlist, so no path from the URL ever reaches the file system. */
const PAGE_FILES: Record<string, string> = {
  '/': 'index.html',
  '/index.html': 'index.html',
  '/page/style.css': 'style.css',
  '/page/app.js': 'app.js',
  '/page/render-mrkdwn.js': 'render-mrkdwn.js',
  '/page/render-blocks.js': 'render-blocks.js',
  '/page/knobs.js': 'knobs.js',
};

const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
};

const PAGE_DIR = new URL('./page/', import.meta.url);

/** What the page asks the emulator to do on a person's behalf. */
export interface PageActions {
  send(input: { user: string; channel: string; text: string; threadTs?: string }): Promise<unknown>;
  click(input: {
    user: string;
    channel?: string;
    messageTs: string;
    actionId: string;
    value?: string;
  }): Promise<unknown>;
  submit(input: {
    user: string;
    viewId: string;
    values: Record<string, Record<string, string | undefined>>;
  }): Promise<unknown>;
  closeView(input: { user: string; viewId: string }): Promise<unknown>;
}

export class PageServer {
  private readonly listeners = new Set<ServerResponse>();
  /** The simulated world's control API (src/sim/world/control-server.ts), when there is a world. */
  private controlUrl: string | undefined;
  private readonly onChange = (change: StoreChange): void => {
    const line = `data: ${JSON.stringify(change)}\n\n`;
    for (const res of this.listeners) res.write(line);
  };

  constructor(
    private readonly store: SlackStore,
    private readonly actions: PageActions,
    private readonly workspace: string,
  ) {
    store.on('change', this.onChange);
  }

  /** Answers the request if it is the page's; returns false to let the caller route it. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const page = PAGE_FILES[url.pathname];
    if (req.method === 'GET' && page) {
      const body = await readFile(new URL(page, PAGE_DIR));
      res.writeHead(200, {
        'content-type': CONTENT_TYPES[page.split('.').pop() ?? ''] ?? 'text/plain',
        'cache-control': 'no-store',
      });
      res.end(body);
      return true;
    }
    if (req.method === 'GET' && url.pathname.startsWith('/files/'))
      return (this.sendFile(res, url), true);
    if (req.method === 'GET' && url.pathname === '/sim/state') {
      // An unknown or missing user (a stale bookmark) falls back to the first person.
      const asked = this.store.users.get(url.searchParams.get('user') ?? '');
      const me =
        asked && !asked.isBot
          ? asked.id
          : ([...this.store.users.values()].find((u) => !u.isBot)?.id ?? '');
      this.sendJson(res, 200, buildPageState(this.store, me, this.workspace));
      return true;
    }
    if (req.method === 'GET' && url.pathname === '/sim/events') {
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      res.write(': connected\n\n');
      this.listeners.add(res);
      req.on('close', () => this.listeners.delete(res));
      return true;
    }
    if (url.pathname.startsWith('/control/')) {
      await this.relayToWorld(req, res, url);
      return true;
    }
    if (req.method === 'POST' && url.pathname.startsWith('/sim/')) {
      await this.act(req, res, url.pathname.slice('/sim/'.length));
      return true;
    }
    return false;
  }

  private async act(req: IncomingMessage, res: ServerResponse, action: string): Promise<void> {
    try {
      const input = JSON.parse((await readRawBody(req)).toString('utf8') || '{}') as never;
      let result: unknown;
      if (action === 'send') result = await this.actions.send(input);
      else if (action === 'click') result = await this.actions.click(input);
      else if (action === 'submit') result = await this.actions.submit(input);
      else if (action === 'close-view') result = await this.actions.closeView(input);
      else return this.sendJson(res, 404, { ok: false, error: `no page action ${action}` });
      this.sendJson(res, 200, { ok: true, result });
    } catch (err) {
      this.sendJson(res, err instanceof FlatnetError ? 400 : 500, {
        ok: false,
        error: describeError(err),
      });
    }
  }

  setControlUrl(url: string | undefined): void {
    this.controlUrl = url;
  }

  /**
   * The page's "break things" panel talks to the world's control API through here: same
   * origin, so the control API needs no CORS (which would let any web page the demo's user
   * visits drive it). GET and POST only, JSON both ways, the answer relayed as it came.
   */
  private async relayToWorld(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (!this.controlUrl)
      return this.sendJson(res, 404, {
        error: 'this Slack emulator runs without a simulated world',
        hint: '`npm run demo` starts one and connects its control API here',
      });
    if (req.method !== 'GET' && req.method !== 'POST')
      return this.sendJson(res, 405, {
        error: `${req.method ?? ''} is not relayed`,
        hint: 'GET or POST',
      });
    const body = req.method === 'POST' ? (await readRawBody(req)).toString('utf8') : undefined;
    const target = `${this.controlUrl}${url.pathname.slice('/control'.length)}${url.search}`;
    try {
      const answer = await fetch(target, {
        method: req.method,
        ...(body !== undefined ? { body, headers: { 'content-type': 'application/json' } } : {}),
      });
      res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(await answer.text());
    } catch (err) {
      this.sendJson(res, 502, {
        error: `the world's control API did not answer: ${describeError(err)}`,
      });
    }
  }

  private sendFile(res: ServerResponse, url: URL): void {
    const id = url.pathname.split('/')[2] ?? '';
    const file = this.store.files.get(id);
    if (!file || !file.completed)
      return this.sendJson(res, 404, { ok: false, error: 'file_not_found' });
    const inline = file.mimetype.startsWith('image/') || file.mimetype.startsWith('text/');
    res.writeHead(200, {
      'content-type': file.mimetype,
      'content-length': String(file.bytes.length),
      'content-disposition':
        `${inline && !url.searchParams.has('download') ? 'inline' : 'attachment'}; ` +
        `filename="${file.name.replace(/"/g, '')}"`,
    });
    res.end(file.bytes);
  }

  private sendJson(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  }

  close(): void {
    this.store.off('change', this.onChange);
    for (const res of this.listeners) res.end();
    this.listeners.clear();
  }
}
