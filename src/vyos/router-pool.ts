/**
 * One SSH session per router, opened on first use and reused. Commands on a router are
 * queued, because a VyOS shell is a single conversation (the Transit VPC's users learned this
 * when two pushes collided). A dropped session is replaced on the next command.
 */
import { FlatnetError, RouterError } from '../errors.js';
import type { Logger } from '../log.js';
import {
  openRouterSession,
  type RouterEndpoint,
  type RouterSession,
  type RouterSessionOptions,
} from './open-router-session.js';
import { createRouterClient, type RouterClient, type SessionRunner } from './router-client.js';

export type { RouterEndpoint } from './open-router-session.js';

export interface RouterPoolOptions {
  routers: Record<string, RouterEndpoint>;
  logger: Logger;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  /** Backoff for `Configuration system temporarily locked`. */
  lockRetryDelaysMs?: number[];
  /** Injected for tests; defaults to openRouterSession. */
  openSession?: (options: RouterSessionOptions) => Promise<RouterSession>;
}

export interface RouterPool {
  router(name: string): RouterClient;
  names(): string[];
  closeAll(): Promise<void>;
}

interface RouterSlot {
  session?: RouterSession;
  queue: Promise<unknown>;
  client: RouterClient;
}

export function createRouterPool(options: RouterPoolOptions): RouterPool {
  const open = options.openSession ?? openRouterSession;
  const slots = new Map<string, RouterSlot>();
  let closed = false;

  const connect = async (
    name: string,
    slot: RouterSlot,
  ): Promise<{ session: RouterSession; fresh: boolean }> => {
    if (slot.session?.isOpen) return { session: slot.session, fresh: false };
    const endpoint = options.routers[name]!;
    slot.session = await open({
      ...endpoint,
      name,
      connectTimeoutMs: options.connectTimeoutMs,
      commandTimeoutMs: options.commandTimeoutMs,
      logger: options.logger,
    });
    options.logger.debug({ router: name }, 'router session opened');
    return { session: slot.session, fresh: true };
  };

  const runnerFor =
    (name: string): SessionRunner =>
    (work, { idempotent }) => {
      const slot = slots.get(name)!;
      const task = slot.queue.then(async () => {
        if (closed)
          throw new FlatnetError(
            'INTERNAL',
            `the router pool is closed; ${name} cannot be reached`,
            'this happens only during shutdown',
          );
        const { session, fresh } = await connect(name, slot);
        try {
          return await work(session);
        } catch (err) {
          // A reused session may have died quietly (router rebooted, NAT timeout): a read is safe
          // to repeat once on a new session; a change is not.
          if (
            idempotent &&
            !fresh &&
            !session.isOpen &&
            err instanceof RouterError &&
            err.code === 'ROUTER_UNREACHABLE'
          ) {
            const again = await connect(name, slot);
            return await work(again.session);
          }
          throw err;
        }
      });
      slot.queue = task.catch(() => undefined);
      return task;
    };

  return {
    router(name: string): RouterClient {
      if (!Object.hasOwn(options.routers, name)) {
        const known = Object.keys(options.routers).sort();
        throw new FlatnetError(
          'UNKNOWN_TARGET',
          `there is no router named ${JSON.stringify(name.slice(0, 64))}`,
          known.length > 0
            ? `known routers: ${known.join(', ')}`
            : 'the inventory lists no routers: add them under routers:',
        );
      }
      let slot = slots.get(name);
      if (!slot) {
        const fresh: RouterSlot = {
          queue: Promise.resolve(),
          client: undefined as unknown as RouterClient,
        };
        fresh.client = createRouterClient(name, runnerFor(name), {
          logger: options.logger,
          ...(options.lockRetryDelaysMs ? { lockRetryDelaysMs: options.lockRetryDelaysMs } : {}),
        });
        slots.set(name, fresh);
        slot = fresh;
      }
      return slot.client;
    },
    names: () => Object.keys(options.routers),
    async closeAll() {
      closed = true;
      for (const slot of slots.values()) slot.session?.close();
      await Promise.all([...slots.values()].map((s) => s.queue));
    },
  };
}
