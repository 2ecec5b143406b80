/**
 * A stand-in for the configuration AWS would generate, for a dry run that has no VPN
 * connection to read: AWS's default tunnel options, documentation addresses (192.0.2.0/24)
 * for the VGW's outside addresses and a placeholder key. It shows the shape and the number
 * of lines the hub would get; the real run reads the real values.
 */
import type { CustomerGatewayConfig, VgwTunnel } from '../vyos/parse-customer-gateway-config.js';
import type { AttachPlan } from './attach-vpc-steps.js';

export const PLACEHOLDER_PRESHARED_KEY = 'placeholder_key_from_aws';

function tunnel(plan: AttachPlan, n: 1 | 2): VgwTunnel {
  const inside = n === 1 ? 252 : 253;
  return {
    customerGateway: {
      outsideAddress: plan.hubPublicIp,
      insideAddress: `169.254.${inside}.2`,
      insidePrefixLength: 30,
      asn: plan.hubAsn,
      holdTimeSeconds: 30,
    },
    vpnGateway: {
      outsideAddress: `192.0.2.${n}`,
      insideAddress: `169.254.${inside}.1`,
      insidePrefixLength: 30,
      asn: plan.vgwAsn ?? 64512,
      holdTimeSeconds: 30,
    },
    ike: {
      authentication: 'sha1',
      encryption: 'aes-128-cbc',
      lifetimeSeconds: 28800,
      pfs: 'group2',
      mode: 'main',
      presharedKey: PLACEHOLDER_PRESHARED_KEY,
    },
    ipsec: {
      protocol: 'esp',
      authentication: 'hmac-sha1-96',
      encryption: 'aes-128-cbc',
      lifetimeSeconds: 3600,
      pfs: 'group2',
      mode: 'tunnel',
      tcpMssAdjustment: 1379,
      dpdIntervalSeconds: 10,
      dpdRetries: 3,
    },
  };
}

export function placeholderConfig(plan: AttachPlan): CustomerGatewayConfig {
  return {
    vpnConnectionId: 'vpn-new',
    vpnGatewayId: plan.vgwId,
    staticRoutesOnly: false,
    tunnels: [tunnel(plan, 1), tunnel(plan, 2)],
  };
}
