/**
 * Each atomic change of a run is one small Lua script in src/runbook/lua/, named for what it
 * does (the BullMQ habit): shared pieces are pulled in with `--- @include "name"` from
 * lua/includes/, and each script is defined on a connection with ioredis `defineCommand`
 * (EVALSHA, and the source again only after Redis forgot it: a restart or SCRIPT FLUSH).
 */
import { readFileSync } from 'node:fs';
import type { RedisClient } from '../util/redis-client.js';

const INCLUDE = /^--- @include "([\w-]+)"$/gm;

/** A script's source (`<dir>/<name>.lua`) with its includes (`<dir>/includes/*.lua`) in place. */
export function luaSource(dir: URL, name: string): string {
  const text = readFileSync(new URL(`${name}.lua`, dir), 'utf8');
  return text.replace(INCLUDE, (_line, include: string) =>
    readFileSync(new URL(`includes/${include}.lua`, dir), 'utf8'),
  );
}

const commandName = (name: string): string =>
  'flatnet' + name.replace(/(^|-)(\w)/g, (_m, _dash, c: string) => c.toUpperCase());

export interface LuaScripts<N extends string> {
  /** Runs a script on this connection (each is defined there on first use). */
  run(redis: RedisClient, name: N, keys: string[], args: Array<string | number>): Promise<unknown>;
}

/**
 * The scripts of one folder, each with how many of its arguments are keys: a number, or
 * `'many'` for a script that takes as many as it is given (the leases of a run that holds
 * several routers); Redis is then told the count with each call.
 */
export function luaScripts<N extends string>(
  dir: URL,
  numberOfKeys: Record<N, number | 'many'>,
): LuaScripts<N> {
  const names = Object.keys(numberOfKeys) as N[];
  // Read once, at start-up: a missing file fails the process at once, not the first run.
  const sources = new Map(names.map((name) => [name, luaSource(dir, name)]));
  const definedOn = new WeakSet<RedisClient>();
  return {
    async run(redis, name, keys, args) {
      const fixed = numberOfKeys[name];
      if (fixed !== 'many' && keys.length !== fixed)
        throw new Error(`script ${name} takes ${numberOfKeys[name]} keys, got ${keys.length}`);
      if (!definedOn.has(redis)) {
        for (const n of names)
          redis.defineCommand(commandName(n), {
            ...(numberOfKeys[n] === 'many' ? {} : { numberOfKeys: numberOfKeys[n] }),
            lua: sources.get(n) ?? luaSource(dir, n),
          });
        definedOn.add(redis);
      }
      const command: unknown = Reflect.get(redis, commandName(name));
      if (typeof command !== 'function') throw new Error(`script ${name} is not defined on Redis`);
      const count = fixed === 'many' ? [keys.length] : [];
      return (await command.call(redis, ...count, ...keys, ...args)) as unknown;
    },
  };
}

/** The run's transitions (src/runbook/lua/). */
export const RUN_SCRIPTS = luaScripts(new URL('./lua/', import.meta.url), {
  'create-run': 6,
  'save-run': 'many',
  'append-event': 2,
  'decide-approval': 3,
  'expire-approval': 3,
  'cancel-run': 3,
  'acquire-target-lock': 1,
  'acquire-target-locks': 'many',
  'renew-target-lock': 1,
});

export const runScript = RUN_SCRIPTS.run;
