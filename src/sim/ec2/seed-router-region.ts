import type { Ec2State } from './state.js';
import type {
  SimAddress,
  SimImage,
  SimInstance,
  SimRouteTable,
  SimSubnet,
  SimVpc,
} from './types.js';

export interface SeededRouterRegion {
  vpc: SimVpc;
  subnet: SimSubnet;
  router: SimInstance;
  address: SimAddress;
  routeTable: SimRouteTable;
  images: SimImage[];
}

/**
 * One region as flatnet finds it: a VPC with a VyOS router holding the Elastic IP, a route
 * table sending the remote networks to the router's interface, and two AMIs tagged for routers.
 * Used by the tests and as a building block of the demo world.
 */
export function seedRouterRegion(
  state: Ec2State,
  options: {
    region: string;
    name: string;
    vpcCidr?: string;
    remoteCidrs?: string[];
    type?: string;
  },
): SeededRouterRegion {
  const { region, name } = options;
  const vpcCidr = options.vpcCidr ?? '10.0.0.0/16';
  const base = vpcCidr.split('.').slice(0, 2).join('.');
  const vpc = state.addVpc({ region, cidrBlock: vpcCidr, tags: { Name: `${name}-vpc` } });
  const subnet = state.addSubnet({
    region,
    vpcId: vpc.vpcId,
    cidrBlock: `${base}.1.0/24`,
    tags: { Name: `${name}-public` },
  });
  const images = [
    state.addImage({
      region,
      name: 'vyos-1.4.0',
      creationDate: '2025-03-01T10:00:00.000Z',
      tags: { Role: 'VyattaBase' },
    }),
    state.addImage({
      region,
      name: 'vyos-1.4.3',
      creationDate: '2026-06-15T10:00:00.000Z',
      tags: { Role: 'VyattaBase' },
    }),
    state.addImage({
      region,
      name: 'vyos-1.5-rc',
      creationDate: '2026-09-01T10:00:00.000Z',
      tags: { Role: 'Experimental' },
    }),
  ];
  const router = state.addInstance({
    region,
    type: options.type ?? 'c5.large',
    imageId: images[1]?.imageId ?? '',
    subnetId: subnet.subnetId,
    privateIp: `${base}.1.10`,
    sourceDestCheck: false,
    tags: { Name: name, Role: 'vpn-router' },
  });
  const address = state.addAddress({ region, tags: { Name: `${name}-eip` } });
  state.associate(address.allocationId, { networkInterfaceId: router.networkInterfaceId });
  const routeTable = state.addRouteTable({
    region,
    vpcId: vpc.vpcId,
    subnetIds: [subnet.subnetId],
    routes: [
      { destination: '0.0.0.0/0', gatewayId: 'igw-0example' },
      ...(options.remoteCidrs ?? ['10.9.0.0/16']).map((destination) => ({
        destination,
        networkInterfaceId: router.networkInterfaceId,
      })),
    ],
    tags: { Name: `${name}-rt` },
  });
  return { vpc, subnet, router, address, routeTable, images };
}
