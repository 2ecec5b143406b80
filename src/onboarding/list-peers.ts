/**
 * `/vpn peers`: every peer of every router (WireGuard and site-to-site IPsec), read from the
 * routers themselves, with its address or subnets and its last handshake or SA state. A
 * router that does not answer is one line, not a failed run.
 */
import type { Inventory } from '../config/inventory-schema.js';
import { describeError } from '../errors.js';
import { formatDuration } from '../util/format-time.js';
import { mapBounded, withTimeout } from '../util/map-bounded.js';
import type { RouterClient } from '../vyos/router-client.js';
import type { PeerLine, RouterPeers } from '../report/peer-report.js';
import { peerPrefixes, readHubConfig } from './read-hub-config.js';

async function readOne(
  router: string,
  client: RouterClient,
  inventory: Inventory,
): Promise<RouterPeers> {
  const iface = inventory.routers[router]?.wireguard?.interface ?? 'wg0';
  const hub = readHubConfig(await client.runningConfig(), iface);
  const peers: PeerLine[] = [];
  if (hub.wireguard.peers.length > 0) {
    const status = await client.wireguard(iface);
    for (const p of hub.wireguard.peers) {
      const live = status.peers.find((s) => s.publicKey === p.publicKey);
      const seconds = live?.latestHandshakeSeconds;
      peers.push({
        router,
        name: p.name,
        kind: 'wireguard',
        reach: p.allowedIps.join(', '),
        state:
          seconds === undefined
            ? 'never connected'
            : `handshake ${formatDuration(seconds * 1000, 'compact')} ago`,
        up: seconds !== undefined && seconds < 180,
      });
    }
  }
  if (hub.ipsec.length > 0) {
    const report = await client.ipsecReport();
    const prefixes = peerPrefixes(hub);
    for (const p of hub.ipsec) {
      const sas = report.sas.filter((s) => s.peer === p.name);
      const up = sas.find((s) => s.state === 'up');
      const subnets = prefixes.filter((x) => x.peer === p.name).map((x) => x.prefix);
      peers.push({
        router,
        name: p.name,
        kind: 'ipsec',
        reach: [p.remoteAddress ?? '?', ...(subnets.length > 0 ? [subnets.join(', ')] : [])].join(
          ' → ',
        ),
        state: !report.processRunning
          ? 'IPsec not running'
          : up
            ? (
                'up ' +
                (up.uptimeSeconds !== undefined
                  ? formatDuration(up.uptimeSeconds * 1000, 'compact')
                  : '')
              ).trim()
            : sas.length > 0
              ? 'down'
              : 'no SA',
        up: up !== undefined,
      });
    }
  }
  return { router, peers };
}

export async function listPeers(
  deps: { inventory: Inventory; routers: { router(name: string): RouterClient } },
  routers: string[],
): Promise<RouterPeers[]> {
  const timeoutMs = deps.inventory.timeouts.statusPerRouterMs;
  return mapBounded(routers, 16, async (router) => {
    try {
      return await withTimeout(
        readOne(router, deps.routers.router(router), deps.inventory),
        timeoutMs,
        () => new Error(`no answer within ${timeoutMs} ms`),
      );
    } catch (err) {
      return { router, peers: [], error: describeError(err).split('\n')[0] ?? 'unreachable' };
    }
  });
}
