/**
 * `/vpn sync-standby`'s steps, declared once (the checklist is jobs/sync-standby.ts). What the
 * steps save is plain data, shown in `/router history`: counts, addresses, the difference as
 * an operator reads it (secrets masked) and the lines that undo it, never a line that carries
 * a secret (a pre-shared key, a private key).
 */
import { z } from 'zod';
import { configLineSchema } from '../vyos/config-line-schema.js';
import type { Cloud } from '../aws/index.js';
import type { Inventory } from '../config/inventory-schema.js';
import { idsOf, stepRef } from '../runbook/step-ref.js';
import type { RouterClient } from '../vyos/router-client.js';

export interface SyncStandbyDeps {
  inventory: Inventory;
  cloud: Pick<Cloud, 'describeInstance' | 'describeAddress'>;
  routers: { router(name: string): RouterClient };
  /** The standby's commit-confirm window: it rolls back by itself unless flatnet confirms. */
  confirmMinutes?: number;
}

const configLine = configLineSchema;

const comparedFacts = z.object({
  primary: z.string(),
  standby: z.string(),
  region: z.string(),
  primaryIp: z.string(),
  standbyIp: z.string(),
  deletes: z.number(),
  sets: z.number(),
  /** The first lines of the difference, secrets masked: what the approver sees. */
  shown: z.array(z.string()),
  /** sha256 of the whole difference as shown: the apply refuses a difference nobody approved. */
  digest: z.string(),
});
export type ComparedFacts = z.infer<typeof comparedFacts>;

const applied = z.object({
  committed: z.boolean(),
  /** What puts the standby back as it was (no secret line: see `secretsKept`). */
  undo: z.array(configLine),
  /** Secret-bearing lines the undo cannot restore (flatnet keeps no secret), by node. */
  secretsKept: z.array(z.string()),
});
export type AppliedToStandby = z.infer<typeof applied>;

export const SYNC_STANDBY_STEPS = {
  compare: stepRef('compare-configs', comparedFacts),
  apply: stepRef('apply-to-standby', applied),
  verify: stepRef('verify-standby'),
} as const;
export const SYNC_STANDBY_STEP_IDS = idsOf(SYNC_STANDBY_STEPS);
