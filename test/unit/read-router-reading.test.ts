/**
 * A router's reading in one exchange: the WireGuard interfaces its configuration declared last
 * time are asked with it, so a standby that mirrors its hub's wg0 (not in its inventory entry)
 * does not cost every status a second round trip; an interface that is gone costs nothing.
 */
import { describe, expect, it } from 'vitest';
import type { ReachRouterClient } from '../../src/reach/reach-ports.js';
import { readRouterReadingWith } from '../../src/reach/read-router-reading.js';
import type { RouterReadRequest } from '../../src/vyos/router-client.js';
import { parseConfigCommands } from '../../src/vyos/parse-config-commands.js';

/** A router whose configuration declares `interfaces`, answering as the pool's client does. */
function standby() {
  const exchanges: RouterReadRequest[] = [];
  let interfaces = ['wg0'];
  const client: ReachRouterClient = {
    async readAtOnce(request) {
      exchanges.push(request);
      const known = (i: string) => interfaces.includes(i);
      for (const i of request.wireguard ?? [])
        if (!known(i)) throw new Error(`Unable to access interface ${i}: No such device`);
      const asked = [...(request.wireguard ?? []), ...(request.wireguardIfAny ?? [])];
      return {
        ...(request.config
          ? {
              config: parseConfigCommands(
                interfaces.map((i) => `set interfaces wireguard ${i} port '51820'`).join('\n'),
              ),
              sas: { processRunning: true, sas: [] },
              routes: [],
            }
          : {}),
        wireguard: asked.filter(known).map((i) => ({ interface: i, peers: [] })),
      };
    },
    runningConfig: () => Promise.reject(new Error('read at once')),
    ipsecReport: () => Promise.reject(new Error('read at once')),
    wireguard: () => Promise.reject(new Error('read at once')),
    ipRoutes: () => Promise.reject(new Error('read at once')),
  };
  return { client, exchanges, drop: () => (interfaces = []) };
}

describe('a router reading in one exchange', () => {
  it('asks next time, in the same exchange, for the interfaces it declared', async () => {
    const router = standby();
    const first = await readRouterReadingWith(router.client, { expectWireguard: [] });
    expect(first.reading.wireguard.map((w) => w.interface)).toEqual(['wg0']);
    expect(router.exchanges).toHaveLength(2);
    const second = await readRouterReadingWith(router.client, { expectWireguard: [] });
    expect(second.reading).toEqual(first.reading);
    expect(router.exchanges).toHaveLength(3);
    expect(router.exchanges[2]).toMatchObject({ wireguard: [], wireguardIfAny: ['wg0'] });
  });

  it('drops a guessed interface no longer declared, without a second exchange', async () => {
    const router = standby();
    await readRouterReadingWith(router.client, { expectWireguard: [] });
    router.drop();
    const after = await readRouterReadingWith(router.client, { expectWireguard: [] });
    expect(after.reading.wireguard).toEqual([]);
    expect(router.exchanges).toHaveLength(3);
  });
});
