/** /healthz for orchestrators; /metrics and the dashboard come with the operations issue. */
import type { Router } from 'express';
import type { Runtime } from './create-runtime.js';

export function mountOpsRoutes(router: Router, options: { runtime: Runtime; dashboardPassword?: string }): void {
  router.get('/healthz', (_req, res) => {
    options.runtime.redis
      .ping()
      .then(() => res.json({ ok: true, redis: 'up' }))
      .catch(() => res.status(503).json({ ok: false, redis: 'down' }));
  });
}
