/**
 * What flatnet learned about a router after replacing its instance. The inventory file still
 * names the old instance until an operator edits it; the runtime merges these facts over the
 * inventory so that `/vpn status` and a second scale-up reach the new instance. One Redis hash
 * field per router, JSON; no secret (a host key is public).
 */
import type { Redis } from 'ioredis';
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
  /** Every instance this router was replaced from, oldest first: the facts apply only to an inventory that names one of them (or the new one). */
  replaces: z.array(z.string()).default([]),
});

export type RouterFacts = z.infer<typeof RouterFactsSchema>;

export interface RouterFactsStore {
  get(router: string): Promise<RouterFacts | undefined>;
  set(router: string, facts: RouterFacts): Promise<void>;
  all(): Promise<Record<string, RouterFacts>>;
}

export function createRouterFactsStore(redis: Redis, prefix: string): RouterFactsStore {
  const key = `${prefix}:router-facts`;
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
      await redis.hset(key, router, JSON.stringify(RouterFactsSchema.parse(facts)));
    },
    async all() {
      const raw = await redis.hgetall(key);
      const out: Record<string, RouterFacts> = {};
      for (const [router, text] of Object.entries(raw)) {
        const facts = parse(text);
        if (facts) out[router] = facts;
      }
      return out;
    },
  };
}

/** An in-memory store, for unit tests and the CLI's dry runs. */
export function memoryRouterFactsStore(): RouterFactsStore {
  const map = new Map<string, RouterFacts>();
  return {
    get: (router) => Promise.resolve(map.get(router)),
    set: (router, facts) => {
      map.set(router, RouterFactsSchema.parse(facts));
      return Promise.resolve();
    },
    all: () => Promise.resolve(Object.fromEntries(map)),
  };
}
