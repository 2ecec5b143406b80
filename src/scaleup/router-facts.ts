/**
 * What flatnet learned about a router after replacing its instance. The inventory file still
 * names the old instance until an operator edits it; every run resolves its routers from these
 * facts, the inventory and EC2 (src/live), so `/vpn status` and a second scale-up reach the new
 * instance in every process at once. One Redis hash field per router, JSON, plus a version
 * bumped by each cutover; no secret (a host key is public).
 */
import type { RedisClient } from '../util/redis-client.js';
import { z } from 'zod';

export const RouterFactsSchema = z.strictObject({
  instanceId: z.string().regex(/^i-[0-9a-f]{8,17}$/),
  privateIp: z.string().min(7),
  networkInterfaceId: z.string().regex(/^eni-[0-9a-f]+$/),
  type: z.string().min(1),
  hostKey: z.string().regex(/^(ssh-ed25519|ecdsa-sha2-nistp256|ssh-rsa) [A-Za-z0-9+/=]+$/),
  sshHost: z.string().min(1),
  sshPort: z.number().int().min(1).max(65535),
  replacedAt: z.number().int(),
  runId: z.string().min(1),
  /**
   * Every instance this router was replaced from, oldest first: the facts apply only to an
   * inventory that names one of them (or the new one).
   */
  replaces: z.array(z.string()).default([]),
});

export type RouterFacts = z.infer<typeof RouterFactsSchema>;

export interface RouterFactsStore {
  get(router: string): Promise<RouterFacts | undefined>;
  /** Records a cutover and bumps the version, in one transaction. */
  set(router: string, facts: RouterFacts): Promise<void>;
  all(): Promise<Record<string, RouterFacts>>;
  /** Every router's facts and the version they were read at (0: no cutover recorded yet). */
  snapshot(): Promise<{ version: number; facts: Record<string, RouterFacts> }>;
}

export function createRouterFactsStore(redis: RedisClient, prefix: string): RouterFactsStore {
  const key = `${prefix}:router-facts`;
  // Bumped with every cutover: a run records the version its routers were resolved at.
  const versionKey = `${prefix}:router-facts:version`;
  const parseAll = (raw: Record<string, string>): Record<string, RouterFacts> => {
    const out: Record<string, RouterFacts> = {};
    for (const [router, text] of Object.entries(raw)) {
      const facts = parse(text);
      if (facts) out[router] = facts;
    }
    return out;
  };
  const parse = (raw: string): RouterFacts | undefined => {
    try {
      return RouterFactsSchema.parse(JSON.parse(raw));
    } catch {
      // A record written by another version, or damaged by hand: the inventory wins, which is
      // the older but safe truth (a wrong instance id fails loudly at the first describe).
      return undefined;
    }
  };
  return {
    async get(router) {
      const raw = await redis.hget(key, router);
      return raw === null ? undefined : parse(raw);
    },
    async set(router, facts) {
      const text = JSON.stringify(RouterFactsSchema.parse(facts));
      await redis.multi().hset(key, router, text).incr(versionKey).exec();
    },
    async all() {
      return parseAll(await redis.hgetall(key));
    },
    async snapshot() {
      const replies = await redis.multi().hgetall(key).get(versionKey).exec();
      const [facts, version] = (replies ?? []).map(([err, value]) => {
        if (err) throw err;
        return value;
      });
      return {
        version: Number(version ?? 0),
        facts: parseAll((facts ?? {}) as Record<string, string>),
      };
    },
  };
}

/** An in-memory store, for unit tests and the CLI's dry runs. */
export function memoryRouterFactsStore(): RouterFactsStore {
  const map = new Map<string, RouterFacts>();
  let version = 0;
  return {
    get: (router) => Promise.resolve(map.get(router)),
    set: (router, facts) => {
      map.set(router, RouterFactsSchema.parse(facts));
      version += 1;
      return Promise.resolve();
    },
    all: () => Promise.resolve(Object.fromEntries(map)),
    snapshot: () => Promise.resolve({ version, facts: Object.fromEntries(map) }),
  };
}
