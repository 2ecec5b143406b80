/**
 * One SSH session per router, opened on first use and reused. Commands on a router are
 * queued, because a VyOS shell is a single conversation (the Transit VPC's users learned this
 * when two pushes collided). A dropped session is replaced on the next command.
 */
import { findRouter } from '../util/find-router.js';
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
  /** Is a session to the router open now (a command would not wait for an SSH handshake)? */
  isOpen(name: string): boolean;
  /**
   * The same pool seen through other endpoints (one run's resolved routers): sessions are
   * shared per name and endpoint, so runs that agree on where a router is share its session.
   */
  withEndpoints(routers: Record<string, RouterEndpoint>): RouterPool;
  /**
   * Close the sessions to endpoints a router no longer has (its instance was replaced or
   * moved), once their queued commands are done: the pool holds no session to a gone instance.
   */
  retireStale(current: Record<string, RouterEndpoint>): void;
  closeAll(): Promise<void>;
}

interface RouterSlot {
  name: string;
  endpoint: RouterEndpoint;
  session?: RouterSession;
  queue: Promise<unknown>;
  client: RouterClient;
}

/** One session per router name and where it is reached (a replacement gets its own). */
const slotKey = (name: string, e: RouterEndpoint): string =>
  `${name}|${e.host}|${e.port}|${e.hostKey}`;

export function createRouterPool(options: RouterPoolOptions): RouterPool {
  const open = options.openSession ?? openRouterSession;
  const slots = new Map<string, RouterSlot>();
  let closed = false;

  const connect = async (
    name: string,
    slot: Omit<RouterSlot, 'client'>,
  ): Promise<{ session: RouterSession; fresh: boolean }> => {
    if (slot.session?.isOpen) return { session: slot.session, fresh: false };
    slot.session = await open({
      ...slot.endpoint,
      name,
      connectTimeoutMs: options.connectTimeoutMs,
      commandTimeoutMs: options.commandTimeoutMs,
      logger: options.logger,
    });
    options.logger.debug({ router: name }, 'router session opened');
    return { session: slot.session, fresh: true };
  };

  const runnerFor =
    (slot: Omit<RouterSlot, 'client'>): SessionRunner =>
    (work, { idempotent }) => {
      const { name } = slot;
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

  // Retired slots stay known until shutdown: a run in flight may still use its client.
  const retired = new Set<RouterSlot>();
  const view = (routers: Record<string, RouterEndpoint>): RouterPool => ({
    router(name: string): RouterClient {
      const endpoint = findRouter(routers, name);
      const key = slotKey(name, endpoint);
      let slot = slots.get(key);
      if (!slot) {
        // The client's runner and the slot share one object: the session and queue it updates.
        const state: Omit<RouterSlot, 'client'> = { name, endpoint, queue: Promise.resolve() };
        const fresh: RouterSlot = Object.assign(state, {
          client: createRouterClient(name, runnerFor(state), {
            logger: options.logger,
            ...(options.lockRetryDelaysMs ? { lockRetryDelaysMs: options.lockRetryDelaysMs } : {}),
          }),
        });
        slots.set(key, fresh);
        slot = fresh;
      }
      return slot.client;
    },
    names: () => Object.keys(routers),
    isOpen(name) {
      const endpoint = Object.hasOwn(routers, name) ? routers[name] : undefined;
      return endpoint !== undefined && !!slots.get(slotKey(name, endpoint))?.session?.isOpen;
    },
    withEndpoints: (others) => view(others),
    retireStale(current) {
      for (const [key, slot] of slots) {
        const now = Object.hasOwn(current, slot.name) ? current[slot.name] : undefined;
        if (!now || slotKey(slot.name, now) === key) continue;
        slots.delete(key);
        retired.add(slot);
        // A run still in flight on the old endpoint finishes its queued commands first.
        void slot.queue.then(() => {
          slot.session?.close();
          options.logger.info(
            { router: slot.name, host: slot.endpoint.host, port: slot.endpoint.port },
            'router session closed: the router is reached elsewhere now',
          );
        });
      }
    },
    async closeAll() {
      closed = true;
      const all = [...slots.values(), ...retired];
      for (const slot of all) slot.session?.close();
      await Promise.all(all.map((s) => s.queue));
    },
  });
  return view(options.routers);
}
