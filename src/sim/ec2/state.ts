import { EventEmitter } from 'node:events';
import { cidrContains, intToIp, parseCidr } from './cidr.js';
import { Ec2ApiError, invalidParameter, notFound } from './ec2-error.js';
import { FaultInjector } from './faults.js';
import { newId } from './ids.js';
import { renderCustomerGatewayConfig } from './render-customer-gateway-config.js';
import type {
  Ec2Events,
  InstanceStateName,
  RouteState,
  SimAddress,
  SimCustomerGateway,
  SimImage,
  SimInstance,
  SimNetworkInterface,
  SimRoute,
  SimRouteTable,
  SimSubnet,
  SimVpc,
  SimVpnConnection,
  SimVpnGateway,
  Tags,
  TunnelStatusProvider,
} from './types.js';
import { readTelemetry, type TunnelTelemetry } from './vpn-tunnels.js';
import { createRoute, replaceRoute, routeState, routeTarget, type RouteRequest } from './routes.js';
import { createCustomerGateway, createVpnConnection, type VpnConnectionRequest } from './vpn-connections.js';

export interface Ec2StateOptions {
  /** pending → running delay. */
  bootMs?: number;
  /** stopping → stopped delay. */
  stopMs?: number;
  accountId?: string;
  now?: () => Date;
}

export interface RunInstancesRequest {
  imageId: string;
  type: string;
  subnetId: string;
  privateIp?: string;
  count?: number;
  clientToken?: string;
  tags?: Tags;
}

/** Public addresses come from reserved ranges (documentation, benchmarking), so emulated data never names a real host. */
const ELASTIC_IP_NET = '203.0.113.';
// Not 198.51.100.x: the simulated world gives the spokes' Elastic IPs from there, and a VGW
// outside address equal to a spoke's would make two tunnels claim one remote.
const VGW_OUTSIDE_NET = '198.19.100.';

/**
 * One emulated AWS account across every region. The seeding methods (`add*`) build a world;
 * the action methods implement the API's semantics and throw `Ec2ApiError` like AWS would.
 * Ids are unique account-wide, but a lookup in the wrong region is a NotFound, as in AWS.
 */
export class Ec2State extends EventEmitter<Ec2Events> {
  readonly faults = new FaultInjector();
  /** Added to every request, and per action (e.g. `{ RunInstances: 300 }`). */
  latencyMs = 0;
  readonly actionLatencyMs = new Map<string, number>();
  /** Real AWS answers InvalidParameterValue for a missing route; the docs say InvalidRoute.NotFound. */
  missingRouteCode: 'InvalidParameterValue' | 'InvalidRoute.NotFound' = 'InvalidParameterValue';
  bootMs: number;
  stopMs: number;
  readonly accountId: string;
  readonly now: () => Date;

  readonly vpcs = new Map<string, SimVpc>();
  readonly subnets = new Map<string, SimSubnet>();
  readonly instances = new Map<string, SimInstance>();
  readonly networkInterfaces = new Map<string, SimNetworkInterface>();
  readonly addresses = new Map<string, SimAddress>();
  readonly routeTables = new Map<string, SimRouteTable>();
  readonly images = new Map<string, SimImage>();
  readonly vpnGateways = new Map<string, SimVpnGateway>();
  readonly customerGateways = new Map<string, SimCustomerGateway>();
  readonly vpnConnections = new Map<string, SimVpnConnection>();
  /** region + client token → the launch it made and a fingerprint of its parameters. */
  private readonly clientTokens = new Map<string, { reservationId: string; instanceIds: string[]; fingerprint: string }>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private tunnelStatus: TunnelStatusProvider = () => 'DOWN';
  private elasticIpCount = 0;
  private vgwOutsideCount = 0;
  private closed = false;

  constructor(options: Ec2StateOptions = {}) {
    super();
    this.bootMs = options.bootMs ?? 1000;
    this.stopMs = options.stopMs ?? 500;
    this.accountId = options.accountId ?? '123456789012';
    this.now = options.now ?? (() => new Date());
  }

  /** Stop every pending transition timer; the state stays readable. */
  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** State transitions still scheduled (boots, stops): zero after close. */
  get pendingTransitions(): number {
    return this.timers.size;
  }

  setTunnelStatusProvider(provider: TunnelStatusProvider): void {
    this.tunnelStatus = provider;
  }

  // ---- seeding ---------------------------------------------------------------------------

  addVpc(v: { region: string; cidrBlock: string; tags?: Tags; vpcId?: string }): SimVpc {
    parseCidr(v.cidrBlock);
    const vpc: SimVpc = { vpcId: v.vpcId ?? newId('vpc'), region: v.region, cidrBlock: v.cidrBlock, tags: { ...v.tags } };
    this.vpcs.set(vpc.vpcId, vpc);
    return vpc;
  }

  addSubnet(s: { region: string; vpcId: string; cidrBlock: string; availabilityZone?: string; tags?: Tags; subnetId?: string }): SimSubnet {
    this.need(this.vpcs, s.region, s.vpcId, 'InvalidVpcID.NotFound', 'vpc ID');
    parseCidr(s.cidrBlock);
    const subnet: SimSubnet = {
      subnetId: s.subnetId ?? newId('subnet'),
      region: s.region,
      vpcId: s.vpcId,
      cidrBlock: s.cidrBlock,
      availabilityZone: s.availabilityZone ?? `${s.region}a`,
      tags: { ...s.tags },
    };
    this.subnets.set(subnet.subnetId, subnet);
    return subnet;
  }

  /** An instance with its primary ENI. `state` defaults to running; `pending` boots after `bootMs`. */
  addInstance(i: { region: string; type: string; imageId: string; subnetId: string; privateIp?: string; tags?: Tags; state?: InstanceStateName; sourceDestCheck?: boolean }): SimInstance {
    const instance = this.createInstance(i.region, { ...i, tags: i.tags ?? {} }, newId('r'), i.state ?? 'running');
    if (i.sourceDestCheck !== undefined) instance.sourceDestCheck = i.sourceDestCheck;
    return instance;
  }

  addAddress(a: { region: string; publicIp?: string; tags?: Tags; allocationId?: string }): SimAddress {
    const address: SimAddress = {
      allocationId: a.allocationId ?? newId('eipalloc'),
      region: a.region,
      publicIp: a.publicIp ?? this.allocatePublicIp('elastic'),
      tags: { ...a.tags },
    };
    this.addresses.set(address.allocationId, address);
    return address;
  }

  /** Seeding shortcut for AssociateAddress with reassociation allowed. */
  associate(allocationId: string, target: { instanceId?: string; networkInterfaceId?: string }): SimAddress {
    const address = this.addresses.get(allocationId);
    if (!address) throw new Error(`no Elastic IP ${allocationId} in the emulator`);
    this.associateAddress(address.region, { allocationId, ...target, allowReassociation: true });
    return address;
  }

  addRouteTable(t: { region: string; vpcId: string; routes?: Omit<SimRoute, 'origin'>[]; subnetIds?: string[]; main?: boolean; tags?: Tags; routeTableId?: string }): SimRouteTable {
    const vpc = this.need(this.vpcs, t.region, t.vpcId, 'InvalidVpcID.NotFound', 'vpc ID');
    const table: SimRouteTable = {
      routeTableId: t.routeTableId ?? newId('rtb'),
      region: t.region,
      vpcId: t.vpcId,
      // Every VPC route table carries the implicit local route.
      routes: [{ destination: vpc.cidrBlock, gatewayId: 'local', origin: 'CreateRouteTable' }, ...(t.routes ?? []).map((r) => ({ destination: r.destination, ...this.routeTarget(t.region, r), origin: 'CreateRoute' as const }))],
      subnetIds: [...(t.subnetIds ?? [])],
      main: t.main ?? false,
      tags: { ...t.tags },
    };
    this.routeTables.set(table.routeTableId, table);
    return table;
  }

  addImage(i: { region: string; name: string; creationDate?: string | Date; tags?: Tags; imageId?: string }): SimImage {
    const created = i.creationDate ?? this.now();
    const image: SimImage = {
      imageId: i.imageId ?? newId('ami'),
      region: i.region,
      name: i.name,
      creationDate: typeof created === 'string' ? created : created.toISOString(),
      ownerId: this.accountId,
      tags: { ...i.tags },
    };
    this.images.set(image.imageId, image);
    return image;
  }

  addVpnGateway(g: { region: string; vpcId?: string; amazonSideAsn?: number; tags?: Tags; vpnGatewayId?: string }): SimVpnGateway {
    if (g.vpcId) this.need(this.vpcs, g.region, g.vpcId, 'InvalidVpcID.NotFound', 'vpc ID');
    const vgw: SimVpnGateway = { vpnGatewayId: g.vpnGatewayId ?? newId('vgw'), region: g.region, amazonSideAsn: g.amazonSideAsn ?? 64512, vpcId: g.vpcId, tags: { ...g.tags } };
    this.vpnGateways.set(vgw.vpnGatewayId, vgw);
    return vgw;
  }

  addCustomerGateway(c: { region: string; ipAddress: string; bgpAsn?: number; tags?: Tags }): SimCustomerGateway {
    return this.createCustomerGateway(c.region, { ipAddress: c.ipAddress, bgpAsn: c.bgpAsn ?? 65000, tags: c.tags ?? {} });
  }

  addVpnConnection(c: { region: string; customerGatewayId: string; vpnGatewayId: string; staticRoutesOnly?: boolean; tunnels?: { insideCidr?: string; preSharedKey?: string }[]; tags?: Tags }): SimVpnConnection {
    return this.createVpnConnection(c.region, { ...c, staticRoutesOnly: c.staticRoutesOnly ?? false, tunnels: c.tunnels ?? [], tags: c.tags ?? {} });
  }

  // ---- read accessors ----------------------------------------------------------------------

  getInstance(instanceId: string): SimInstance | undefined {
    return this.instances.get(instanceId);
  }

  getAddress(allocationId: string): SimAddress | undefined {
    return this.addresses.get(allocationId);
  }

  getNetworkInterface(id: string): SimNetworkInterface | undefined {
    return this.networkInterfaces.get(id);
  }

  routeTable(routeTableId: string): SimRouteTable | undefined {
    return this.routeTables.get(routeTableId);
  }

  /** The target of a destination in a table, with its computed state. */
  route(routeTableId: string, destination: string): (SimRoute & { state: RouteState }) | undefined {
    const r = this.routeTables.get(routeTableId)?.routes.find((x) => x.destination === destination);
    return r && { ...r, state: this.routeState(r) };
  }

  listVpnConnections(region?: string): SimVpnConnection[] {
    return this.inRegion(this.vpnConnections, region);
  }

  inRegion<T extends { region: string }>(map: Map<string, T>, region: string | undefined): T[] {
    return [...map.values()].filter((x) => region === undefined || x.region === region);
  }

  /** A route is a blackhole once its target instance is not running or its ENI is gone. */
  routeState(route: SimRoute): RouteState {
    return routeState(this, route);
  }

  telemetry(conn: SimVpnConnection): TunnelTelemetry[] {
    return readTelemetry(conn, this.tunnelStatus, this.now());
  }

  customerGatewayConfiguration(conn: SimVpnConnection): string {
    const cgw = this.customerGateways.get(conn.customerGatewayId);
    const vgw = this.vpnGateways.get(conn.vpnGatewayId);
    if (!cgw || !vgw) throw new Error(`VPN connection ${conn.vpnConnectionId} lost its gateways`);
    return renderCustomerGatewayConfig(conn, cgw, vgw);
  }

  /** A resource in this region, or the NotFound AWS answers (ids of another region included). */
  need<T extends { region: string }>(map: Map<string, T>, region: string, id: string, code: string, kind: string): T {
    const item = map.get(id);
    if (!item || item.region !== region) throw notFound(code, kind, id);
    return item;
  }

  // ---- instances -----------------------------------------------------------------------------

  runInstances(region: string, req: RunInstancesRequest): { reservationId: string; instances: SimInstance[] } {
    const count = req.count ?? 1;
    const fingerprint = JSON.stringify([req.imageId, req.type, req.subnetId, req.privateIp ?? null, count]);
    if (req.clientToken !== undefined) {
      const seen = this.clientTokens.get(`${region} ${req.clientToken}`);
      if (seen) {
        if (seen.fingerprint !== fingerprint) {
          throw new Ec2ApiError('IdempotentParameterMismatch', `The client token '${req.clientToken}' was already used with different parameters.`);
        }
        const instances = seen.instanceIds.map((id) => this.instances.get(id)).filter((x): x is SimInstance => x !== undefined);
        if (instances.every((x) => x.state === 'terminated')) {
          throw new Ec2ApiError('IdempotentInstanceTerminated', `The instance launched with client token '${req.clientToken}' has been terminated.`);
        }
        return { reservationId: seen.reservationId, instances };
      }
    }
    this.need(this.images, region, req.imageId, 'InvalidAMIID.NotFound', 'image id');
    if (count !== 1 && req.privateIp) throw new Ec2ApiError('InvalidParameterCombination', 'PrivateIpAddress can only be used when launching a single instance.');
    const reservationId = newId('r');
    const instances: SimInstance[] = [];
    for (let n = 0; n < count; n += 1) {
      instances.push(this.createInstance(region, { ...req, tags: req.tags ?? {} }, reservationId, 'pending', req.clientToken));
    }
    if (req.clientToken !== undefined) {
      this.clientTokens.set(`${region} ${req.clientToken}`, { reservationId, instanceIds: instances.map((i) => i.instanceId), fingerprint });
    }
    return { reservationId, instances };
  }

  stopInstance(region: string, instanceId: string): { previous: InstanceStateName; current: InstanceStateName } {
    const inst = this.need(this.instances, region, instanceId, 'InvalidInstanceID.NotFound', 'instance ID');
    const previous = inst.state;
    if (previous === 'terminated' || previous === 'shutting-down') {
      throw new Ec2ApiError('IncorrectInstanceState', `The instance '${instanceId}' is not in a state from which it can be stopped.`);
    }
    if (previous === 'pending' || previous === 'running') {
      this.transition(inst, 'stopping');
      this.later(this.stopMs, () => inst.state === 'stopping' && this.transition(inst, 'stopped'));
    }
    return { previous, current: inst.state };
  }

  startInstance(region: string, instanceId: string): { previous: InstanceStateName; current: InstanceStateName } {
    const inst = this.need(this.instances, region, instanceId, 'InvalidInstanceID.NotFound', 'instance ID');
    const previous = inst.state;
    if (previous === 'stopping' || previous === 'terminated' || previous === 'shutting-down') {
      throw new Ec2ApiError('IncorrectInstanceState', `The instance '${instanceId}' is not in a state from which it can be started.`);
    }
    if (previous === 'stopped') this.boot(inst);
    return { previous, current: inst.state };
  }

  /** Move an instance to a state now (the world's "pull the plug"); emits `instance-state`. */
  setInstanceState(instanceId: string, to: InstanceStateName): void {
    const inst = this.instances.get(instanceId);
    if (!inst) throw new Error(`no instance ${instanceId} in the emulator`);
    this.transition(inst, to);
  }

  // ---- addresses and routes -------------------------------------------------------------------

  associateAddress(
    region: string,
    req: { allocationId: string; instanceId?: string; networkInterfaceId?: string; privateIp?: string; allowReassociation: boolean },
  ): { associationId: string } {
    const address = this.need(this.addresses, region, req.allocationId, 'InvalidAllocationID.NotFound', 'allocation ID');
    let eni: SimNetworkInterface;
    if (req.networkInterfaceId) {
      eni = this.need(this.networkInterfaces, region, req.networkInterfaceId, 'InvalidNetworkInterfaceID.NotFound', 'network interface ID');
    } else if (req.instanceId) {
      const inst = this.need(this.instances, region, req.instanceId, 'InvalidInstanceID.NotFound', 'instance ID');
      eni = this.networkInterfaces.get(inst.networkInterfaceId) as SimNetworkInterface;
    } else {
      throw new Ec2ApiError('MissingParameter', 'Either an instance ID or a network interface ID must be specified.');
    }
    const privateIp = req.privateIp ?? eni.privateIp;
    const already = address.networkInterfaceId === eni.networkInterfaceId && address.privateIp === privateIp;
    if (address.associationId && !already && !req.allowReassociation) {
      throw new Ec2ApiError('Resource.AlreadyAssociated', `resource ${req.allocationId} is already associated with associate-id ${address.associationId}`);
    }
    const previousNetworkInterfaceId = address.networkInterfaceId;
    // One public address per private address: whatever held this private IP lets go of it.
    for (const other of this.addresses.values()) {
      if (other !== address && other.networkInterfaceId === eni.networkInterfaceId && other.privateIp === privateIp) this.disassociate(other);
    }
    address.associationId = newId('eipassoc');
    address.networkInterfaceId = eni.networkInterfaceId;
    address.instanceId = eni.instanceId;
    address.privateIp = privateIp;
    this.emit('address-associated', {
      allocationId: address.allocationId,
      region,
      publicIp: address.publicIp,
      instanceId: eni.instanceId,
      networkInterfaceId: eni.networkInterfaceId,
      previousNetworkInterfaceId,
    });
    return { associationId: address.associationId };
  }

  private disassociate(address: SimAddress): void {
    delete address.associationId;
    delete address.networkInterfaceId;
    delete address.instanceId;
    delete address.privateIp;
  }

  routeTarget(region: string, t: { networkInterfaceId?: string; instanceId?: string; gatewayId?: string }): Omit<SimRoute, 'destination' | 'origin'> {
    return routeTarget(this, region, t);
  }

  replaceRoute(region: string, req: RouteRequest): void {
    replaceRoute(this, region, req);
  }

  createRoute(region: string, req: RouteRequest): void {
    createRoute(this, region, req);
  }

  createTags(region: string, resourceIds: string[], tags: Tags): void {
    const targets = resourceIds.map((id) => this.taggable(region, id));
    for (const t of targets) Object.assign(t.tags, tags);
  }

  private taggable(region: string, id: string): { tags: Tags } {
    const kinds: [string, Map<string, { region: string; tags: Tags }>, string][] = [
      ['i', this.instances, 'InvalidInstanceID.NotFound'],
      ['ami', this.images, 'InvalidAMIID.NotFound'],
      ['eipalloc', this.addresses, 'InvalidAllocationID.NotFound'],
      ['rtb', this.routeTables, 'InvalidRouteTableID.NotFound'],
      ['vpc', this.vpcs, 'InvalidVpcID.NotFound'],
      ['subnet', this.subnets, 'InvalidSubnetID.NotFound'],
      ['vgw', this.vpnGateways, 'InvalidVpnGatewayID.NotFound'],
      ['cgw', this.customerGateways, 'InvalidCustomerGatewayID.NotFound'],
      ['vpn', this.vpnConnections, 'InvalidVpnConnectionID.NotFound'],
    ];
    const prefix = id.split('-')[0];
    const kind = kinds.find(([p]) => p === prefix);
    if (!kind) throw new Ec2ApiError('InvalidID', `The ID '${id}' is not valid`);
    return this.need(kind[1], region, id, kind[2], 'ID');
  }

  // ---- VPN -----------------------------------------------------------------------------------

  createCustomerGateway(region: string, req: { ipAddress: string; bgpAsn: number; tags: Tags }): SimCustomerGateway {
    return createCustomerGateway(this, region, req);
  }

  createVpnConnection(region: string, req: VpnConnectionRequest): SimVpnConnection {
    return createVpnConnection(this, region, req);
  }

  // ---- internals -------------------------------------------------------------------------------

  private createInstance(
    region: string,
    req: { type: string; imageId: string; subnetId: string; privateIp?: string; tags: Tags },
    reservationId: string,
    state: InstanceStateName,
    clientToken?: string,
  ): SimInstance {
    const subnet = this.need(this.subnets, region, req.subnetId, 'InvalidSubnetID.NotFound', 'subnet ID');
    if (!/^[a-z][a-z0-9-]*\.[a-z0-9]+$/.test(req.type)) throw invalidParameter(`Invalid value '${req.type}' for InstanceType.`);
    const privateIp = req.privateIp ?? this.freeAddress(subnet);
    if (!cidrContains(subnet.cidrBlock, privateIp)) {
      throw new Ec2ApiError('InvalidParameterValue', `Address ${privateIp} does not fall within the subnet's address range`);
    }
    if (this.addressInUse(subnet.subnetId, privateIp)) throw new Ec2ApiError('InvalidIPAddress.InUse', `Address ${privateIp} is in use.`);
    const instanceId = newId('i');
    const eni: SimNetworkInterface = { networkInterfaceId: newId('eni'), region, subnetId: subnet.subnetId, vpcId: subnet.vpcId, privateIp, instanceId };
    const inst: SimInstance = {
      instanceId,
      region,
      reservationId,
      type: req.type,
      imageId: req.imageId,
      subnetId: subnet.subnetId,
      vpcId: subnet.vpcId,
      privateIp,
      networkInterfaceId: eni.networkInterfaceId,
      sourceDestCheck: true,
      clientToken,
      tags: { ...req.tags },
      state,
      launchTime: this.now(),
    };
    this.networkInterfaces.set(eni.networkInterfaceId, eni);
    this.instances.set(instanceId, inst);
    if (state === 'pending') this.later(this.bootMs, () => inst.state === 'pending' && this.transition(inst, 'running'));
    return inst;
  }

  private boot(inst: SimInstance): void {
    this.transition(inst, 'pending');
    this.later(this.bootMs, () => inst.state === 'pending' && this.transition(inst, 'running'));
  }

  private transition(inst: SimInstance, to: InstanceStateName): void {
    const from = inst.state;
    if (from === to) return;
    inst.state = to;
    if (to === 'running' || to === 'pending') inst.launchTime = this.now();
    this.emit('instance-state', { instanceId: inst.instanceId, region: inst.region, from, to });
  }

  private later(ms: number, fn: () => void): void {
    if (this.closed) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private addressInUse(subnetId: string, ip: string): boolean {
    for (const eni of this.networkInterfaces.values()) if (eni.subnetId === subnetId && eni.privateIp === ip) return true;
    return false;
  }

  private freeAddress(subnet: SimSubnet): string {
    const { base, size } = parseCidr(subnet.cidrBlock);
    // AWS reserves the first four addresses and the last one of every subnet.
    for (let n = base + 4; n < base + size - 1; n += 1) {
      if (!this.addressInUse(subnet.subnetId, intToIp(n))) return intToIp(n);
    }
    throw new Ec2ApiError('InsufficientFreeAddressesInSubnet', `The subnet ${subnet.subnetId} has no free addresses.`);
  }

  /** The next public address from the documentation ranges (Elastic IPs, VGW outside addresses). */
  allocatePublicIp(kind: 'elastic' | 'vgw'): string {
    const n = kind === 'elastic' ? ++this.elasticIpCount : ++this.vgwOutsideCount;
    if (n > 254) throw new Error(`the emulator ran out of documentation addresses for ${kind} IPs`);
    return `${kind === 'elastic' ? ELASTIC_IP_NET : VGW_OUTSIDE_NET}${n}`;
  }
}
