import { describe, expect, it } from 'vitest';
import { probeStatusDeps } from '../../jobs/monitor.js';
import { collectStatus } from '../../jobs/status.js';
import type { StatusRouterClient, StatusRouters } from '../../src/status/status-ports.js';
import { parseConfigCommands } from '../../src/vyos/parse-config-commands.js';
import { theReferenceFleet } from '../support/inventory-builder.js';

/**
 * Routers whose every read waits for the test to let it go, counting how many routers are
 * being read at the same moment.
 */
function countingRouters() {
  let reading = 0;
  let most = 0;
  const waiting: (() => void)[] = [];
  const read = async <T>(value: T): Promise<T> => {
    reading++;
    most = Math.max(most, reading);
    await new Promise<void>((resolve) => waiting.push(resolve));
    reading--;
    return value;
  };
  const client: StatusRouterClient = {
    runningConfig: () => read(parseConfigCommands('set system host-name r')),
    ipsecReport: () => Promise.resolve({ processRunning: true, sas: [] }),
    bgpSummary: () => Promise.resolve(null),
    wireguard: () => Promise.resolve({ interface: 'wg0', peers: [] }),
    loadAverage: () => Promise.resolve({ load1: 0.1, load5: 0.1, load15: 0.1 }),
    ipRoutes: () => Promise.resolve([]),
  };
  const routers: StatusRouters = { router: () => client };
  return {
    routers,
    most: () => most,
    /** Let every waiting read finish, until no read is left. */
    async drain(done: Promise<unknown>): Promise<void> {
      let finished = false;
      void done.then(() => (finished = true));
      while (!finished) {
        waiting.splice(0).forEach((go) => go());
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    },
  };
}

const noCloud = { describeVpnConnections: () => Promise.resolve([]) };

describe('the monitor probes probeConcurrency routers at once', () => {
  it('never reads more routers at once than the setting allows', async () => {
    const inventory = theReferenceFleet().withMonitor({ probeConcurrency: 3 }).build();
    const fleet = countingRouters();
    const round = collectStatus(probeStatusDeps(inventory, fleet.routers, noCloud), '*');
    await fleet.drain(round);
    expect((await round).routers).toHaveLength(7);
    expect(fleet.most()).toBe(3);
  });

  it('reads every router of a fleet at once by default (256 at a time)', async () => {
    const inventory = theReferenceFleet().build();
    expect(inventory.monitor.probeConcurrency).toBe(256);
    const fleet = countingRouters();
    const round = collectStatus(probeStatusDeps(inventory, fleet.routers, noCloud), '*');
    await fleet.drain(round);
    expect(fleet.most()).toBe(7);
  });

  it('gives each probe the monitor timeout, not the status one, and leaves the VGWs out', () => {
    const inventory = theReferenceFleet()
      .withTimeouts({ statusPerRouterMs: 9000 })
      .withMonitor({ probeTimeoutMs: 1200 })
      .build();
    const deps = probeStatusDeps(inventory, countingRouters().routers, noCloud);
    expect(deps.inventory.timeouts.statusPerRouterMs).toBe(1200);
    expect(deps.inventory.regions).toEqual({});
    expect(Object.keys(deps.inventory.routers)).toHaveLength(7);
  });
});
