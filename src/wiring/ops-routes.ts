/**
 * The bot's operations endpoints, on the same HTTP server as /slack/events (or the ops port in
 * Socket Mode):
 * - /healthz: Redis answers (orchestrators restart the bot when it does not);
 * - /metrics: Prometheus text (runs by kind and outcome, step durations, tunnels per router,
 *   queue depth), read from Redis at scrape time so worker processes are counted too;
 * - /admin/queues: the BullMQ dashboard, only when a password is configured, behind HTTP
 *   basic auth (user `flatnet`). Its packages (≈ 30 MB of resident memory) are imported only
 *   then, so a bot without a dashboard never carries them.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import type { RequestHandler, Router } from 'express';
import { createMetricsRegistry } from '../metrics/create-metrics-registry.js';
import type { Runtime } from './create-runtime.js';

export const DASHBOARD_PATH = '/admin/queues';
export const DASHBOARD_USER = 'flatnet';

/** Compares digests, so neither the length nor the content of the password leaks through timing. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export function basicAuth(user: string, password: string, realm: string): RequestHandler {
  return (req, res, next) => {
    const header = req.headers.authorization ?? '';
    const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header);
    const decoded = match ? Buffer.from(match[1] ?? '', 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    const ok =
      colon >= 0 &&
      decoded.slice(0, colon) === user &&
      sameSecret(decoded.slice(colon + 1), password);
    if (ok) return next();
    res.setHeader('WWW-Authenticate', `Basic realm="${realm}", charset="UTF-8"`);
    res
      .status(401)
      .type('text/plain')
      .send(
        `The queue dashboard needs a login: user "${user}" ` +
          'and the password in FLATNET_DASHBOARD_PASSWORD.',
      );
  };
}

/** Resolves once every route is mounted: mount before the server starts listening. */
export async function mountOpsRoutes(
  router: Router,
  options: { runtime: Runtime; dashboardPassword?: string },
): Promise<void> {
  const { runtime } = options;
  router.get('/healthz', (_req, res) => {
    runtime.redis
      .ping()
      .then(() => res.json({ ok: true, redis: 'up' }))
      .catch(() => res.status(503).json({ ok: false, redis: 'down' }));
  });

  const metrics = createMetricsRegistry({
    redis: runtime.redis,
    prefix: runtime.deps.prefix,
    queue: runtime.queue.queue,
  });
  router.get('/metrics', (_req, res) => {
    metrics
      .render()
      .then((text) => res.type(metrics.contentType).send(text))
      // Redis down: say so plainly; Prometheus marks the target down, which is the truth.
      .catch((err: unknown) =>
        res
          .status(503)
          .type('text/plain')
          .send(`metrics unavailable: ${(err as Error).message}`),
      );
  });

  if (!options.dashboardPassword) return;
  const [{ createBullBoard }, { BullMQAdapter }, { ExpressAdapter }] = await Promise.all([
    import('@bull-board/api'),
    import('@bull-board/api/bullMQAdapter'),
    import('@bull-board/express'),
  ]);
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(DASHBOARD_PATH);
  // Read-only: retrying or deleting a run's job by hand would bypass the engine's record of the
  // run (its cursor, approvals, audit trail). Runs are changed through Slack or `flatnet approve`.
  createBullBoard({
    queues: [new BullMQAdapter(runtime.queue.queue, { readOnlyMode: true })],
    serverAdapter,
  });
  router.use(
    DASHBOARD_PATH,
    basicAuth(DASHBOARD_USER, options.dashboardPassword, 'flatnet queues'),
    serverAdapter.getRouter() as Router,
  );
}
