/**
 * Put the reference topology into the EC2 emulator: VPCs, subnets, AMIs tagged
 * `Role=VyattaBase`, one instance per router with its Elastic IP, route tables pointing the
 * remote networks at the routers' interfaces, the VGWs and the shared-services VPN connection.
 */
import { newId } from '../ec2/ids.js';
import type { Ec2State } from '../ec2/state.js';
import type { SimInstance } from '../ec2/types.js';
import { addressInVpc } from './spoke-address-plan.js';
import type { Topology } from './topology-types.js';

export interface SeededEc2 {
  /** Router name → the instance the emulator created for it. */
  instances: Map<string, SimInstance>;
  /** Per VPN connection of the topology, the outside addresses AWS picked for its tunnels. */
  vgwOutsideIps: string[][];
  vpnConnectionIds: string[];
  /** Region → AMI ids tagged VyattaBase. */
  images: Map<string, string[]>;
}

export function seedEc2State(state: Ec2State, topology: Topology): SeededEc2 {
  for (const vpc of topology.vpcs) {
    state.addVpc({
      region: vpc.region,
      cidrBlock: vpc.cidr,
      vpcId: vpc.id,
      tags: { Name: vpc.name },
    });
    for (const s of vpc.subnets) {
      state.addSubnet({
        region: vpc.region,
        vpcId: vpc.id,
        cidrBlock: s.cidr,
        subnetId: s.id,
        tags: { Name: `${vpc.name}-${s.name}` },
      });
    }
  }
  const images = new Map<string, string[]>();
  for (const image of topology.images) {
    const ami = state.addImage({
      region: image.region,
      name: image.name,
      creationDate: image.creationDate,
      tags: { Role: 'VyattaBase', Version: image.version },
    });
    images.set(image.region, [...(images.get(image.region) ?? []), ami.imageId]);
  }
  const instances = new Map<string, SimInstance>();
  for (const r of topology.routers) {
    const instance = state.addInstance({
      region: r.region,
      type: r.type,
      // The routers run the newer image (listed first per region).
      imageId: images.get(r.region)?.[0] ?? '',
      subnetId: r.subnetId,
      privateIp: r.privateIp,
      sourceDestCheck: false,
      tags: { Name: r.name, Role: 'vpn-router', FlatnetRole: r.role },
    });
    instances.set(r.name, instance);
    if (r.elasticIp) {
      state.addAddress({
        region: r.region,
        publicIp: r.elasticIp.publicIp,
        allocationId: r.elasticIp.allocationId,
        tags: { Name: `${r.name}-eip` },
      });
      state.associate(r.elasticIp.allocationId, {
        networkInterfaceId: instance.networkInterfaceId,
      });
    }
  }
  // A spoke's Staging VPC reaches its router through a second ENI attached from that VPC
  // (multi-VPC ENI attachment): its route table targets that ENI, VyOS sees it as eth1.
  const legs = new Map<string, string>();
  for (const vpc of topology.vpcs) {
    if (vpc.reach.kind !== 'spoke') continue;
    const inst = instances.get(vpc.reach.router);
    if (!inst || inst.vpcId === vpc.id) continue;
    const eni = {
      networkInterfaceId: newId('eni'),
      region: vpc.region,
      subnetId: vpc.subnets[0]!.id,
      vpcId: vpc.id,
      privateIp: addressInVpc(vpc.cidr, 256 + 10),
      instanceId: inst.instanceId,
      attachmentId: newId('eni-attach'),
      deviceIndex: 1,
    };
    state.networkInterfaces.set(eni.networkInterfaceId, eni);
    legs.set(`${vpc.id} ${vpc.reach.router}`, eni.networkInterfaceId);
  }
  for (const g of topology.vgws) {
    state.addVpnGateway({
      region: g.region,
      vpcId: g.vpcId,
      amazonSideAsn: g.asn,
      vpnGatewayId: g.id,
      tags: { Name: `${topology.vpcs.find((v) => v.id === g.vpcId)?.name ?? g.vpcId}-vgw` },
    });
  }
  topology.vpcs.forEach((vpc, i) => {
    const eniOf = (router: string): string => {
      const inst = instances.get(router);
      if (!inst) throw new RangeError(`route in ${vpc.name} names unknown router ${router}`);
      return legs.get(`${vpc.id} ${router}`) ?? inst.networkInterfaceId;
    };
    const routes: { destination: string; networkInterfaceId?: string; gatewayId?: string }[] = [
      { destination: '0.0.0.0/0', gatewayId: `igw-0a1b2c3d4e5f${String(i + 1).padStart(5, '0')}` },
      ...vpc.routes.map((r) => ({
        destination: r.destination,
        networkInterfaceId: eniOf(r.router),
      })),
    ];
    // The VPC attached by hand before flatnet: its operator turned route propagation on, so
    // its table learns whatever the VGW learns by BGP from the hub.
    const propagatingVgws =
      vpc.reach.kind === 'vgw' && vpc.name === 'shared-services' ? [vpc.reach.vgwId] : [];
    state.addRouteTable({
      propagatingVgws,
      region: vpc.region,
      vpcId: vpc.id,
      routeTableId: vpc.routeTableId,
      subnetIds: vpc.subnets.map((s) => s.id),
      main: true,
      routes,
      tags: { Name: `${vpc.name}-rt` },
    });
  });
  const vgwOutsideIps: string[][] = [];
  const vpnConnectionIds: string[] = [];
  for (const c of topology.vpnConnections) {
    const cgw = state.addCustomerGateway({
      region: c.region,
      ipAddress: c.customerGatewayIp,
      bgpAsn: c.customerGatewayAsn,
      tags: { Name: 'hub-tokyo' },
    });
    const conn = state.addVpnConnection({
      region: c.region,
      customerGatewayId: cgw.customerGatewayId,
      vpnGatewayId: c.vgwId,
      tunnels: c.tunnels,
      tags: { Name: c.name },
    });
    vgwOutsideIps.push(conn.tunnels.map((t) => t.outsideIp));
    vpnConnectionIds.push(conn.vpnConnectionId);
  }
  return { instances, vgwOutsideIps, vpnConnectionIds, images };
}
