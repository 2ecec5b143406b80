/**
 * `show ip route` over SSH from the simulated world: each router prints the routing table the
 * world forwards by (its configuration, its tunnels, BGP), and the driver reads it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/wiring/create-runtime.js';
import type { World } from '../../src/sim/world/start-world.js';
import { startWorldRuntime, type WorldRuntime } from '../helpers/world-runtime.js';
import { waitFor } from '../helpers/wait-for.js';

describe('show ip route in the simulated world', () => {
  let stack: WorldRuntime | undefined;
  let world: World;
  let runtime: Runtime;

  beforeAll(async () => {
    stack = await startWorldRuntime('show-ip-route');
    ({ world, runtime } = stack);
  });
  afterAll(async () => {
    await stack?.close();
  });

  it(
    'shows the hub its connected networks, the DHCP ' +
      'default and what BGP learned over each VTI',
    async () => {
      const routes = await runtime.routers.router('hub-tokyo-a').ipRoutes();
      const of = (prefix: string) => routes.find((r) => r.prefix === prefix);
      expect(of('10.0.1.0/24')).toMatchObject({ protocol: 'connected', iface: 'eth0' });
      expect(of('0.0.0.0/0')).toMatchObject({ protocol: 'static', distance: 210, iface: 'eth0' });
      expect(of('10.10.0.0/16')).toMatchObject({ protocol: 'bgp', distance: 20, iface: 'vti1' });
      expect(of('10.60.0.0/16')).toMatchObject({ protocol: 'bgp', nextHop: '169.254.200.1' });
      expect(of('10.250.0.0/24')).toMatchObject({ protocol: 'connected', iface: 'wg0' });
    },
  );

  it('loses the VTI and what BGP learned over it when the spoke stops', async () => {
    world.setRouterDown('spoke-virginia', true, 'instance');
    try {
      await waitFor(async () => {
        const routes = await runtime.routers.router('hub-tokyo-a').ipRoutes();
        return !routes.some((r) => r.prefix === '10.10.0.0/16' || r.prefix === '169.254.1.0/30');
      }, 'the hub to forget spoke-virginia');
      const routes = await runtime.routers.router('hub-tokyo-a').ipRoutes();
      expect(routes.find((r) => r.prefix === '10.20.0.0/16')).toMatchObject({ iface: 'vti2' });
    } finally {
      const id = world.router('spoke-virginia').instanceId;
      await waitFor(() => world.state.getInstance(id)?.state === 'stopped', 'the spoke to stop');
      world.setRouterDown('spoke-virginia', false, 'instance');
    }
  });
});
