/**
 * A flatnet inventory for the running world: the routers' real loopback SSH ports and pinned
 * host keys, the bot's key, the emulator's endpoint with dummy credentials, and the policies
 * of `examples/flatnet.yml`. `parseInventory` accepts it as is.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { stringify } from 'yaml';
import type { Topology } from './topology-types.js';

export interface InventoryRouterFacts {
  name: string;
  instanceId: string;
  /** Where the bot dials: 127.0.0.1 and the router's real port. */
  host: string;
  port: number;
  hostKey: string;
}

export interface InventoryInput {
  topology: Topology;
  routers: InventoryRouterFacts[];
  ec2Endpoint: string;
  /** Absolute path of the bot's private key. */
  privateKeyPath: string;
}

const approval = (expiryMinutes: number) => ({
  approvers: ['network-approvers'],
  distinctApprovers: 1,
  allowSelfApproval: false,
  expiryMinutes,
});

export function buildInventory(
  input: InventoryInput,
  inventoryDir: string,
): Record<string, unknown> {
  const { topology } = input;
  const regions: Record<string, { vpcs: { id: string; name: string; cidr: string }[] }> = {};
  for (const v of topology.vpcs)
    (regions[v.region] ??= { vpcs: [] }).vpcs.push({ id: v.id, name: v.name, cidr: v.cidr });
  const keyPath = relative(inventoryDir, input.privateKeyPath) || input.privateKeyPath;
  const routers: Record<string, unknown> = {};
  for (const facts of input.routers) {
    const r = topology.routers.find((x) => x.name === facts.name);
    if (!r) continue;
    routers[r.name] = {
      region: r.region,
      role: r.role,
      instanceId: facts.instanceId,
      ...(r.standby ? { standby: r.standby } : {}),
      ...(r.elasticIp ? { elasticIp: { ...r.elasticIp } } : {}),
      subnetId: r.subnetId,
      ladder: r.ladder,
      ...(r.asn !== undefined ? { asn: r.asn } : {}),
      ssh: {
        host: facts.host,
        port: facts.port,
        user: 'vyos',
        privateKeyPath: keyPath,
        hostKey: facts.hostKey,
      },
      ...(r.role === 'hub'
        ? {
            wireguard: {
              interface: topology.wireguard.interface,
              pool: topology.wireguard.pool,
              port: topology.wireguard.port,
              endpoint: `${topology.hub.publicIp}:${topology.wireguard.port}`,
              publicKey: topology.wireguard.publicKey,
            },
          }
        : {}),
    };
  }
  return {
    version: 1,
    hub: { region: topology.hub.region, asn: topology.hub.asn },
    network: { aggregates: topology.network },
    aws: {
      endpoint: input.ec2Endpoint,
      // The emulator does not check signatures; the SDK still wants something to sign with.
      credentials: {
        accessKeyId: 'AKIAFLATNETSIMULATOR',
        secretAccessKey: 'flatnet-simulator-not-a-secret',
      },
      waiter: { minDelaySeconds: 0.1, maxWaitSeconds: 120 },
    },
    regions,
    routers,
    slack: { channel: 'C0NETOPS' },
    groups: { 'network-approvers': ['U0BOB', 'U0CAROL'], developers: ['U0ALICE'] },
    policies: {
      scaleup: approval(30),
      scaledown: approval(30),
      failover: approval(15),
      failback: approval(30),
      'add-peer': {
        approvers: ['network-approvers'],
        selfService: ['developers', 'network-approvers'],
      },
      'remove-peer': { approvers: ['network-approvers'], selfService: ['network-approvers'] },
      'attach-vpc': { approvers: ['network-approvers'], distinctApprovers: 1 },
    },
    ipsec: {
      ike: { encryption: 'aes256', hash: 'sha256', dhGroup: 14, lifetime: 28800 },
      esp: { encryption: 'aes256', hash: 'sha256', dhGroup: 14, lifetime: 3600 },
    },
    monitor: { loadThreshold: 2, intervalSeconds: 60 },
    timeouts: { sshConnectMs: 5000, sshCommandMs: 20000, statusPerRouterMs: 15000 },
  };
}

export function renderInventory(input: InventoryInput, inventoryPath: string): string {
  const header = [
    '# flatnet inventory for the local simulator, written by `flatnet sim`.',
    '# Ports and host keys change every time the simulator starts: write it again after a restart.',
    '',
  ].join('\n');
  return (
    header +
    stringify(buildInventory(input, dirname(resolve(inventoryPath))), {
      lineWidth: 0,
      // The spokes share one ladder array: written out, not as an anchor and 500 aliases.
      aliasDuplicateObjects: false,
    })
  );
}

export function writeInventoryFile(input: InventoryInput, inventoryPath: string): string {
  const path = resolve(inventoryPath);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, renderInventory(input, path), { mode: 0o600 });
  return path;
}
