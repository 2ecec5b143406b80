/** What `GET /state` shows: every router with its instance, Elastic IP and tunnels. No keys. */
import type { FarEnd } from './check-tunnel.js';
import type { World } from './start-world.js';

export interface RouterStateView {
  name: string;
  instanceId: string;
  instanceState: string;
  type?: string;
  privateIp?: string;
  publicIp?: string;
  power: string;
  ssh: { host: string; port: number };
  load: [number, number, number];
  tunnels: { peer: string; up: boolean; establishing: boolean; reason: string; far?: string }[];
}

export function describeFar(world: World, far: FarEnd | undefined): string | undefined {
  if (!far) return undefined;
  switch (far.kind) {
    case 'router':
      return `${world.model.routers.get(far.instanceId)?.name ?? far.instanceId} (${far.peer})`;
    case 'vpn':
      return `${far.vpnConnectionId} tunnel ${far.tunnelIndex + 1}`;
    case 'office':
      return 'office';
    case 'external':
      return far.address;
  }
}

export function describeWorld(world: World): {
  routers: RouterStateView[];
  elasticIps: { allocationId: string; publicIp: string; holder?: string }[];
} {
  const now = Date.now();
  const routers = world.routers().map((r): RouterStateView => {
    const inst = world.state.getInstance(r.instanceId);
    const publicIp = [...world.state.addresses.values()].find(
      (a) => a.instanceId === r.instanceId,
    )?.publicIp;
    return {
      name: r.name,
      instanceId: r.instanceId,
      instanceState: inst?.state ?? 'gone',
      type: inst?.type,
      privateIp: inst?.privateIp,
      publicIp,
      power: r.handle.router.power,
      ssh: { host: r.host, port: r.port },
      load: r.record.load,
      tunnels: world.model.tunnelsOf(r.instanceId).map((t) => ({
        peer: t.peer,
        up: world.model.isUp(t, now),
        establishing: t.ok && !world.model.isUp(t, now),
        reason: t.reason,
        far: describeFar(world, t.far),
      })),
    };
  });
  const elasticIps = [...world.state.addresses.values()].map((a) => ({
    allocationId: a.allocationId,
    publicIp: a.publicIp,
    holder: a.instanceId
      ? (world.model.routers.get(a.instanceId)?.name ?? a.instanceId)
      : undefined,
  }));
  return { routers, elasticIps };
}
