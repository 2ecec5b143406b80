/**
 * One router read for reachability (and for `/vpn status`, which shares the reading): its
 * running configuration, its SAs, its routing table and, for each WireGuard interface its
 * configuration declares, the peers' handshakes. One session, and on a client that can, one
 * round trip: every command typed at once.
 */
import type { BgpSummary, ConfigLine, LoadAverage, ShaperSample } from '../vyos/types.js';
import type { ReachRouterClient } from './reach-ports.js';
import type { RouterReading } from './reach-state.js';
import { wireguardInterfaces } from './router-tables.js';

export interface ReadingOptions {
  /** Read `show ip route` (the monitor's quick probe does not need it). Default true. */
  routes?: boolean;
  /** Which WireGuard interfaces to ask about; default: every one the configuration declares. */
  wireguard?: readonly string[];
  /**
   * Without `wireguard`: the interfaces expected (the inventory's), asked in the same round
   * trip; one the configuration declares beyond them costs a second.
   */
  expectWireguard?: readonly string[];
  /**
   * Status only: the interfaces expected to carry an egress shaper (those of the last read),
   * whose counters are read in the same round trip; one the configuration shapes beyond them
   * costs a second.
   */
  expectShapers?: readonly string[];
}

/** What `/vpn status` reads besides the reading, in the same round trip. */
export interface StatusExtras {
  bgpSummary(): Promise<BgpSummary | null>;
  loadAverage(): Promise<LoadAverage>;
}

/**
 * The WireGuard interfaces each router's configuration declared at its last reading, asked in
 * the next reading's one exchange: a standby that mirrors its hub's wg0 (which the inventory
 * names only for the hub) cost every `/vpn status` a second round trip. Only a hint: the
 * configuration read in the same exchange says which interfaces there are.
 */
const declaredBefore = new WeakMap<object, readonly string[]>();

export async function readRouterReading(
  client: ReachRouterClient,
  options: ReadingOptions = {},
): Promise<RouterReading> {
  return (await readRouterReadingWith(client, options)).reading;
}

/** The reading and, when asked (`status`), BGP and load: one exchange on a pooled client. */
export async function readRouterReadingWith(
  client: ReachRouterClient & Partial<StatusExtras>,
  options: ReadingOptions,
  status = false,
): Promise<{
  reading: RouterReading;
  bgp?: BgpSummary | null;
  load?: LoadAverage;
  shapers?: ShaperSample[];
}> {
  const routesWanted = options.routes !== false;
  if (!client.readAtOnce) return readOneByOne(client, options, status);
  const expected = options.wireguard ?? options.expectWireguard ?? [];
  const guessed = options.wireguard
    ? []
    : (declaredBefore.get(client) ?? []).filter((i) => !expected.includes(i));
  const first = await client.readAtOnce({
    config: true,
    sas: true,
    routes: routesWanted,
    bgp: status,
    load: status,
    wireguard: expected,
    ...(guessed.length > 0 ? { wireguardIfAny: guessed } : {}),
    ...(status ? { shapers: options.expectShapers ?? [] } : {}),
  });
  const config = first.config ?? [];
  const declared = wireguardInterfaces(config);
  // A guessed interface counts only if the configuration read with it still declares it.
  const wireguard = [
    ...first.wireguard.slice(0, expected.length),
    ...first.wireguard.slice(expected.length).filter((w) => declared.includes(w.interface)),
  ];
  if (!options.wireguard) declaredBefore.set(client, declared);
  const wgMissing = options.wireguard
    ? []
    : declared.filter((i) => !wireguard.some((w) => w.interface === i));
  // Only what the configuration shapes now: an interface whose shaper was removed is dropped.
  const shaped = status ? shapedInterfaces(config) : [];
  const shapers = (first.shapers ?? []).filter((s) => shaped.includes(s.iface));
  const shapersMissing = shaped.filter((i) => !shapers.some((s) => s.iface === i));
  if (wgMissing.length > 0 || shapersMissing.length > 0) {
    const second = await client.readAtOnce({ wireguard: wgMissing, shapers: shapersMissing });
    wireguard.push(...second.wireguard);
    shapers.push(...(second.shapers ?? []));
  }
  return {
    reading: { config, sas: first.sas!, routes: first.routes ?? [], wireguard },
    ...(status ? { bgp: first.bgp ?? null, load: first.load!, shapers } : {}),
  };
}

async function readOneByOne(
  client: ReachRouterClient & Partial<StatusExtras>,
  options: ReadingOptions,
  status: boolean,
): Promise<{ reading: RouterReading; bgp?: BgpSummary | null; load?: LoadAverage }> {
  const config = await client.runningConfig();
  const sas = await client.ipsecReport();
  const routes = options.routes === false ? [] : await client.ipRoutes();
  const wireguard = [];
  for (const iface of options.wireguard ?? wireguardInterfaces(config))
    wireguard.push(await client.wireguard(iface));
  const reading = { config, sas, routes, wireguard };
  if (!status || !client.bgpSummary || !client.loadAverage) return { reading };
  return { reading, bgp: await client.bgpSummary(), load: await client.loadAverage() };
}

/** The interfaces with an egress shaper: `set qos interface <if> egress <policy>` (1.4). */
export function shapedInterfaces(config: readonly ConfigLine[]): string[] {
  return config
    .filter(
      (l) =>
        l.op === 'set' &&
        l.path[0] === 'qos' &&
        l.path[1] === 'interface' &&
        l.path[3] === 'egress' &&
        l.path[2] !== undefined,
    )
    .map((l) => l.path[2]!);
}
