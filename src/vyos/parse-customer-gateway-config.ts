/**
 * The CustomerGatewayConfiguration XML AWS generates for a VPN connection: two tunnels, each
 * with outside and inside addresses for both ends, IKE/IPsec parameters, a pre-shared key,
 * and BGP ASNs unless the connection is static-routes-only. Values are read as strings
 * (a key like `01234567` must keep its leading zero); the key never appears in an error.
 */
import { createRequire } from 'node:module';
import type { XMLParser as XmlParserClass } from 'fast-xml-parser';
import { CloudError } from '../errors.js';

export interface TunnelEndpoint {
  outsideAddress: string;
  insideAddress: string;
  insidePrefixLength: number;
  asn?: number;
  holdTimeSeconds?: number;
}

export interface VgwTunnel {
  customerGateway: TunnelEndpoint;
  vpnGateway: TunnelEndpoint;
  ike: {
    authentication: string;
    encryption: string;
    lifetimeSeconds: number;
    pfs: string;
    mode: string;
    presharedKey: string;
  };
  ipsec: {
    protocol: string;
    authentication: string;
    encryption: string;
    lifetimeSeconds: number;
    pfs: string;
    mode: string;
    tcpMssAdjustment?: number;
    dpdIntervalSeconds?: number;
    dpdRetries?: number;
  };
}

export interface CustomerGatewayConfig {
  vpnConnectionId: string;
  customerGatewayId?: string;
  vpnGatewayId?: string;
  staticRoutesOnly: boolean;
  tunnels: [VgwTunnel, VgwTunnel];
}

type Node = Record<string, unknown>;

let xmlParserClass: typeof XmlParserClass | undefined;

/**
 * fast-xml-parser, required on the first parse instead of imported at start-up: only
 * attach-vpc reads this XML, and every bot and worker would otherwise carry the parser
 * (≈ 8 MB of resident memory). `require` keeps this function synchronous for its callers.
 */
function loadXmlParserClass(): typeof XmlParserClass {
  xmlParserClass ??= (
    createRequire(import.meta.url)('fast-xml-parser') as { XMLParser: typeof XmlParserClass }
  ).XMLParser;
  return xmlParserClass;
}

function bad(problem: string): CloudError {
  return new CloudError(
    'InvalidCustomerGatewayConfiguration',
    `the VPN connection's CustomerGatewayConfiguration ${problem}`,
    'read it again with DescribeVpnConnections (it is present while the connection ' +
      'is pending or available); if it stays broken, recreate the VPN connection',
  );
}

function child(node: unknown, key: string): Node | undefined {
  const v = node && typeof node === 'object' ? (node as Node)[key] : undefined;
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Node) : undefined;
}

function text(node: unknown, path: string[], where: string): string {
  let cur: unknown = node;
  for (const key of path) cur = cur && typeof cur === 'object' ? (cur as Node)[key] : undefined;
  if (typeof cur === 'string' && cur.trim() !== '') return cur.trim();
  throw bad(`has no ${path.join('/')} in ${where}`);
}

function optionalNumber(node: unknown, path: string[]): number | undefined {
  let cur: unknown = node;
  for (const key of path) cur = cur && typeof cur === 'object' ? (cur as Node)[key] : undefined;
  return typeof cur === 'string' && /^\d+$/.test(cur.trim()) ? Number(cur.trim()) : undefined;
}

function number(node: unknown, path: string[], where: string): number {
  const n = optionalNumber(node, path);
  if (n === undefined) throw bad(`has no numeric ${path.join('/')} in ${where}`);
  return n;
}

function endpoint(node: Node | undefined, where: string, withBgp: boolean): TunnelEndpoint {
  if (!node) throw bad(`is missing ${where}`);
  const asn = optionalNumber(node, ['bgp', 'asn']);
  const hold = optionalNumber(node, ['bgp', 'hold_time']);
  if (withBgp && asn === undefined)
    throw bad(`has no bgp/asn in ${where} although the connection uses BGP`);
  return {
    outsideAddress: text(node, ['tunnel_outside_address', 'ip_address'], where),
    insideAddress: text(node, ['tunnel_inside_address', 'ip_address'], where),
    insidePrefixLength: number(node, ['tunnel_inside_address', 'network_cidr'], where),
    ...(asn !== undefined ? { asn } : {}),
    ...(hold !== undefined ? { holdTimeSeconds: hold } : {}),
  };
}

function tunnel(node: Node, index: number, withBgp: boolean): VgwTunnel {
  const where = `tunnel ${index + 1}`;
  const ike = child(node, 'ike');
  const ipsec = child(node, 'ipsec');
  if (!ike || !ipsec) throw bad(`is missing the ike or ipsec block of ${where}`);
  const mss = optionalNumber(ipsec, ['tcp_mss_adjustment']);
  const dpdInterval = optionalNumber(ipsec, ['dead_peer_detection', 'interval']);
  const dpdRetries = optionalNumber(ipsec, ['dead_peer_detection', 'retries']);
  return {
    customerGateway: endpoint(
      child(node, 'customer_gateway'),
      `${where} customer_gateway`,
      withBgp,
    ),
    vpnGateway: endpoint(child(node, 'vpn_gateway'), `${where} vpn_gateway`, withBgp),
    ike: {
      authentication: text(ike, ['authentication_protocol'], `${where} ike`),
      encryption: text(ike, ['encryption_protocol'], `${where} ike`),
      lifetimeSeconds: number(ike, ['lifetime'], `${where} ike`),
      pfs: text(ike, ['perfect_forward_secrecy'], `${where} ike`),
      mode: text(ike, ['mode'], `${where} ike`),
      presharedKey: text(ike, ['pre_shared_key'], `${where} ike`),
    },
    ipsec: {
      protocol: text(ipsec, ['protocol'], `${where} ipsec`),
      authentication: text(ipsec, ['authentication_protocol'], `${where} ipsec`),
      encryption: text(ipsec, ['encryption_protocol'], `${where} ipsec`),
      lifetimeSeconds: number(ipsec, ['lifetime'], `${where} ipsec`),
      pfs: text(ipsec, ['perfect_forward_secrecy'], `${where} ipsec`),
      mode: text(ipsec, ['mode'], `${where} ipsec`),
      ...(mss !== undefined ? { tcpMssAdjustment: mss } : {}),
      ...(dpdInterval !== undefined ? { dpdIntervalSeconds: dpdInterval } : {}),
      ...(dpdRetries !== undefined ? { dpdRetries } : {}),
    },
  };
}

export function parseCustomerGatewayConfig(xml: string): CustomerGatewayConfig {
  if (typeof xml !== 'string' || !xml.includes('<vpn_connection'))
    throw bad('is not the expected XML (no <vpn_connection> element)');
  const XMLParser = loadXmlParserClass();
  let doc: Node;
  try {
    const parser = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '@_',
      parseTagValue: false,
      isArray: (name) => name === 'ipsec_tunnel',
    });
    doc = parser.parse(xml) as Node;
  } catch (err) {
    throw bad(`is not well-formed XML (${(err as Error).message.split('\n')[0]})`);
  }
  const conn = child(doc, 'vpn_connection');
  if (!conn) throw bad('has no <vpn_connection> element');
  const vpnConnectionId = typeof conn['@_id'] === 'string' ? conn['@_id'] : '';
  if (!/^vpn-[0-9a-f]+$/.test(vpnConnectionId))
    throw bad('has no vpn-… id attribute on <vpn_connection>');
  const attrs = conn['vpn_connection_attributes'];
  const staticRoutesOnly = typeof attrs === 'string' && /NoBGPVPNConnection/i.test(attrs);
  const tunnels = Array.isArray(conn['ipsec_tunnel']) ? (conn['ipsec_tunnel'] as Node[]) : [];
  if (tunnels.length !== 2) throw bad(`has ${tunnels.length} tunnels where AWS always generates 2`);
  const cgw = conn['customer_gateway_id'];
  const vgw = conn['vpn_gateway_id'];
  return {
    vpnConnectionId,
    ...(typeof cgw === 'string' ? { customerGatewayId: cgw.trim() } : {}),
    ...(typeof vgw === 'string' ? { vpnGatewayId: vgw.trim() } : {}),
    staticRoutesOnly,
    tunnels: [tunnel(tunnels[0]!, 0, !staticRoutesOnly), tunnel(tunnels[1]!, 1, !staticRoutesOnly)],
  };
}
