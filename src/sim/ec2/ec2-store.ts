import type {
  Ec2Events,
  SimAddress,
  SimCustomerGateway,
  SimImage,
  SimInstance,
  SimNetworkInterface,
  SimRouteTable,
  SimSubnet,
  SimVpc,
  SimVpnConnection,
  SimVpnGateway,
} from './types.js';

/**
 * What the action helpers (routes, addresses, tags, VPN connections, instance lifecycle)
 * need from the emulated account: its resources, the NotFound lookup and the event bus.
 * `Ec2State` implements it; the helpers take this narrow view instead of importing
 * `Ec2State`, which delegates to them, so the emulator has no import cycle.
 */
export interface Ec2Store {
  readonly vpcs: Map<string, SimVpc>;
  readonly subnets: Map<string, SimSubnet>;
  readonly instances: Map<string, SimInstance>;
  readonly networkInterfaces: Map<string, SimNetworkInterface>;
  readonly addresses: Map<string, SimAddress>;
  readonly routeTables: Map<string, SimRouteTable>;
  readonly images: Map<string, SimImage>;
  readonly vpnGateways: Map<string, SimVpnGateway>;
  readonly customerGateways: Map<string, SimCustomerGateway>;
  readonly vpnConnections: Map<string, SimVpnConnection>;
  /**
   * Real AWS answers InvalidParameterValue for a missing route; the docs say InvalidRoute.NotFound.
   */
  missingRouteCode: 'InvalidParameterValue' | 'InvalidRoute.NotFound';
  bootMs: number;
  stopMs: number;
  readonly now: () => Date;
  /** A resource in this region, or the NotFound AWS answers (ids of another region included). */
  need<T extends { region: string }>(
    map: Map<string, T>,
    region: string,
    id: string,
    code: string,
    kind: string,
  ): T;
  emit<K extends keyof Ec2Events>(event: K, ...args: Ec2Events[K]): boolean;
  /** The next public address from the documentation ranges (Elastic IPs, VGW outside addresses). */
  allocatePublicIp(kind: 'elastic' | 'vgw'): string;
}
