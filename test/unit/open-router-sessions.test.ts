import { describe, expect, it } from 'vitest';
import type { Logger } from '../../src/log.js';
import type { FleetKeyCache } from '../../src/onboarding/fleet-key-cache.js';
import type { KnownWireguardKey } from '../../src/onboarding/check-key-in-fleet.js';
import { parseConfigCommands } from '../../src/vyos/parse-config-commands.js';
import { readKeysInBackground } from '../../src/wiring/routers-in-force.js';

describe("routers' keys read at start for the --pubkey check", () => {
  it(
    'reaches every named router without waiting, keeps the public keys of one that answers ' +
      'and logs one that does not',
    async () => {
      const asked: string[] = [];
      const warned: string[] = [];
      const kept = new Map<string, readonly KnownWireguardKey[]>();
      let answer: (lines: ReturnType<typeof parseConfigCommands>) => void = () => undefined;
      const routers = {
        router: (name: string) => ({
          runningConfig: () => {
            asked.push(name);
            return name === 'spoke-oregon'
              ? Promise.reject(new Error('connection refused'))
              : new Promise<ReturnType<typeof parseConfigCommands>>((r) => (answer = r));
          },
        }),
      };
      const cache: FleetKeyCache = {
        remember: async (router, keys) => void kept.set(router, keys),
        recall: async () => new Map(),
      };
      const logger = {
        warn: (fields: { router: string; err: Error }, message: string) =>
          warned.push(`${fields.router}: ${message}: ${fields.err.message}`),
      } as unknown as Logger;

      // Returns at once although the hub has not answered yet.
      readKeysInBackground(routers, ['hub-tokyo-a', 'spoke-oregon'], logger, cache);
      expect(asked).toEqual(['hub-tokyo-a', 'spoke-oregon']);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warned).toEqual([
        'spoke-oregon: router did not give its WireGuard keys: connection refused',
      ]);
      const key = 'x'.repeat(43) + '=';
      answer(parseConfigCommands(`set interfaces wireguard wg0 peer lab public-key '${key}'`));
      await new Promise((resolve) => setImmediate(resolve));
      expect(kept.get('hub-tokyo-a')).toEqual([
        { router: 'hub-tokyo-a', iface: 'wg0', peer: 'lab', publicKey: key },
      ]);
    },
  );
});
