/**
 * The baseline `failover_hanat_baseline_ms` is measured against: the AWS HA-NAT monitor
 * script's way (nat_monitor.sh, "High Availability for Amazon VPC NAT Instances"), bench-only.
 * It pings the primary every 2 s with a 1 s timeout; after 3 misses in a row it replaces the
 * routes that point at the primary, one `ReplaceRoute` after another, then moves the Elastic
 * IP to the standby. Real AWS SDK against the EC2 emulator; no SSH to the routers (the script
 * has none: the standby's tunnels come up by themselves once it holds the Elastic IP).
 * The simulator has no ICMP, so a "ping" is the router's SSH server greeting (`SSH-2.0-…`)
 * within the timeout: a powered-off router answers neither (the simulator's refuses the
 * connection once accepted, so a bare TCP connect would not do).
 */
import { connect } from 'node:net';
import {
  AssociateAddressCommand,
  DescribeRouteTablesCommand,
  EC2Client,
  ReplaceRouteCommand,
} from '@aws-sdk/client-ec2';
import type { World } from '../src/sim/world/start-world.js';

export interface HaNatOptions {
  world: World;
  primary: string;
  standby: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  intervalMs?: number;
  misses?: number;
  pingTimeoutMs?: number;
  /** Told when the script decides to take over (the bench's phase log). */
  onTakeover?: (at: number) => void;
}

export interface HaNatMonitor {
  /** When the first ping was sent: the next ones follow every `intervalMs`. */
  startedAt: number;
  /** Resolves once the script has moved every route and the Elastic IP. */
  done: Promise<void>;
  stop(): void;
}

function ping(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const end = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => end(false));
    socket.once('data', (chunk: Buffer) => end(chunk.toString('latin1').startsWith('SSH-')));
    socket.once('close', () => end(false));
    socket.once('error', () => end(false));
  });
}

export async function startHaNatMonitor(options: HaNatOptions): Promise<HaNatMonitor> {
  const { world, intervalMs = 2000, misses = 3, pingTimeoutMs = 1000 } = options;
  const topo = world.topology.routers.find((r) => r.name === options.primary)!;
  const eniOf = (name: string) =>
    world.state.getInstance(world.router(name).instanceId)!.networkInterfaceId;
  const primaryEni = eniOf(options.primary);
  const standbyEni = eniOf(options.standby);
  const ec2 = new EC2Client({
    region: topo.region,
    endpoint: world.ec2Url,
    credentials: options.credentials,
  });
  // What the script is configured with: the route table entries that go to the primary.
  const tables = await ec2.send(new DescribeRouteTablesCommand({}));
  const routes = (tables.RouteTables ?? []).flatMap((t) =>
    (t.Routes ?? [])
      .filter((r) => r.NetworkInterfaceId === primaryEni)
      .map((r) => ({ table: t.RouteTableId!, destination: r.DestinationCidrBlock! })),
  );
  const { host, port } = world.router(options.primary);

  let stopped = false;
  const startedAt = Date.now();
  const done = (async () => {
    let missed = 0;
    for (let n = 1; !stopped && missed < misses; n++) {
      const next = startedAt + n * intervalMs;
      missed = (await ping(host, port, pingTimeoutMs)) ? 0 : missed + 1;
      if (missed < misses) await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
    }
    if (stopped) return;
    options.onTakeover?.(Date.now());
    for (const r of routes) {
      await ec2.send(
        new ReplaceRouteCommand({
          RouteTableId: r.table,
          DestinationCidrBlock: r.destination,
          NetworkInterfaceId: standbyEni,
        }),
      );
    }
    await ec2.send(
      new AssociateAddressCommand({
        AllocationId: topo.elasticIp!.allocationId,
        NetworkInterfaceId: standbyEni,
        AllowReassociation: true,
      }),
    );
  })();
  return {
    startedAt,
    done,
    stop() {
      stopped = true;
      void done.finally(() => ec2.destroy()).catch(() => undefined);
    },
  };
}
