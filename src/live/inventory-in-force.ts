/**
 * The inventory in force, reloadable without a restart (SIGHUP, or the file changing on
 * disk). A reload is validated first, all of it (schema, references, key files readable);
 * on any problem the inventory in force stays, and the log and the ops channel say what is
 * wrong and where. Runs in flight keep the inventory they were planned with: each snapshot
 * names its inventory by a digest, and the last few inventories stay known by that digest.
 */
import { createHash } from 'node:crypto';
import { unwatchFile, watchFile } from 'node:fs';
import type { LoadedInventory } from '../config/load-inventory.js';
import { loadInventory } from '../config/load-inventory.js';
import { describeError, InventoryError } from '../errors.js';
import type { Logger } from '../log.js';
import type { ChatPort } from '../slack/chat-port.js';
import type { RouterEndpoint } from '../vyos/router-pool.js';

export interface InventoryGeneration {
  loaded: LoadedInventory;
  /** The bot's SSH login per router, read from the key files this inventory names. */
  logins: Record<string, RouterEndpoint>;
  /** sha256 of the validated inventory: how a run names the inventory it was planned with. */
  digest: string;
}

export type ReloadResult =
  { ok: true; changed: boolean; digest: string } | { ok: false; problems: string[] };

export interface InventoryInForce {
  current(): InventoryGeneration;
  /** The generation with this digest if still known, else the current one. */
  byDigest(digest: string | undefined): InventoryGeneration;
  reload(): Promise<ReloadResult>;
  /**
   * Reload when the file changes on disk (polled: editors replace files rather than write them).
   */
  watch(intervalMs?: number): void;
  close(): void;
}

const KEEP = 8;

export function digestOf(loaded: LoadedInventory): string {
  return createHash('sha256').update(JSON.stringify(loaded.inventory)).digest('hex').slice(0, 16);
}

export function createInventoryInForce(options: {
  loaded: LoadedInventory;
  readLogins: (loaded: LoadedInventory) => Record<string, RouterEndpoint>;
  logger: Logger;
  /** Where the ops channel is told about a reload that failed or took effect. */
  chat?: ChatPort;
  load?: (file: string) => LoadedInventory;
}): InventoryInForce {
  const load = options.load ?? loadInventory;
  const make = (loaded: LoadedInventory): InventoryGeneration => ({
    loaded,
    logins: options.readLogins(loaded),
    digest: digestOf(loaded),
  });
  let current = make(options.loaded);
  const known = new Map([[current.digest, current]]);
  let watching: string | undefined;

  const tell = async (text: string): Promise<void> => {
    if (!options.chat) return;
    await options.chat
      .postMessage({ channel: current.loaded.inventory.slack.channel, text })
      .catch((err: unknown) =>
        options.logger.warn({ err: describeError(err) }, 'could not tell the ops channel'),
      );
  };

  const reload = async (): Promise<ReloadResult> => {
    const file = current.loaded.file;
    let next: InventoryGeneration;
    try {
      next = make(load(file));
    } catch (err) {
      const problems = err instanceof InventoryError ? err.problems : [describeError(err)];
      options.logger.error(
        { file, problems },
        'inventory reload refused: the inventory in force stays',
      );
      await tell(
        `:warning: flatnet did not reload ${file}: ` +
          'the inventory in force stays until it is fixed.\n' +
          problems.map((p) => `• ${p}`).join('\n'),
      );
      return { ok: false, problems };
    }
    if (next.digest === current.digest) return { ok: true, changed: false, digest: next.digest };
    current = next;
    known.set(next.digest, next);
    while (known.size > KEEP) known.delete(known.keys().next().value!);
    const routers = Object.keys(next.loaded.inventory.routers).length;
    options.logger.info({ file, digest: next.digest, routers }, 'inventory reloaded');
    await tell(`flatnet reloaded ${file} (${routers} routers): the next runs use it.`);
    return { ok: true, changed: true, digest: next.digest };
  };

  return {
    current: () => current,
    byDigest: (digest) => (digest ? known.get(digest) : undefined) ?? current,
    reload,
    watch(intervalMs = 2_000) {
      if (watching) return;
      watching = current.loaded.file;
      watchFile(watching, { interval: intervalMs, persistent: false }, (now, before) => {
        if (now.mtimeMs === before.mtimeMs && now.size === before.size) return;
        void reload();
      });
    },
    close() {
      if (watching) unwatchFile(watching);
      watching = undefined;
    },
  };
}
