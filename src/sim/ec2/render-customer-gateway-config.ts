import { insideAddresses } from './vpn-tunnels.js';
import type { SimCustomerGateway, SimVpnConnection, SimVpnGateway } from './types.js';
import { escapeXml } from './xml.js';

/**
 * The CustomerGatewayConfiguration document AWS generates for a VPN connection (the "generic"
 * flavour): one <ipsec_tunnel> per tunnel, each with both ends' outside and inside addresses,
 * BGP (unless static), IKE with the pre-shared key, and IPsec parameters.
 */
export function renderCustomerGatewayConfig(
  conn: SimVpnConnection,
  cgw: SimCustomerGateway,
  vgw: SimVpnGateway,
): string {
  const e = escapeXml;
  const tunnels = conn.tunnels.map((t) => {
    const inside = insideAddresses(t.insideCidr);
    const insideBlock = (ip: string) =>
      `<tunnel_inside_address><ip_address>${ip}` +
      ('</ip_address><network_mask>255.255.255.252</network_mask>' +
        '<network_cidr>30</network_cidr></tunnel_inside_address>');
    const bgp = (asn: number) =>
      conn.staticRoutesOnly ? '' : `<bgp><asn>${asn}</asn><hold_time>30</hold_time></bgp>`;
    return [
      '  <ipsec_tunnel>',
      '    <customer_gateway><tunnel_outside_address><ip_address>' +
        `${e(cgw.ipAddress)}</ip_address></tunnel_outside_address>` +
        `${insideBlock(inside.cgw)}${bgp(cgw.bgpAsn)}</customer_gateway>`,
      '    <vpn_gateway><tunnel_outside_address><ip_address>' +
        `${e(t.outsideIp)}</ip_address></tunnel_outside_address>` +
        `${insideBlock(inside.vgw)}${bgp(vgw.amazonSideAsn)}</vpn_gateway>`,
      '    ' +
        ('<ike><authentication_protocol>sha1</authentication_protocol>' +
          '<encryption_protocol>aes-128-cbc</encryption_protocol>') +
        ('<lifetime>28800</lifetime><perfect_forward_secrecy>group2</perfect_forward_secrecy>' +
          '<mode>main</mode><pre_shared_key>' +
          `${e(t.preSharedKey)}</pre_shared_key></ike>`),
      '    ' +
        ('<ipsec><protocol>esp</protocol>' +
          '<authentication_protocol>hmac-sha1-96</authentication_protocol>' +
          '<encryption_protocol>aes-128-cbc</encryption_protocol>') +
        ('<lifetime>3600</lifetime><perfect_forward_secrecy>group2</perfect_forward_secrecy>' +
          '<mode>tunnel</mode><clear_df_bit>true</clear_df_bit>') +
        ('<fragmentation_before_encryption>true</fragmentation_before_encryption>' +
          '<tcp_mss_adjustment>1379</tcp_mss_adjustment>') +
        ('<dead_peer_detection><interval>10</interval>' +
          '<retries>3</retries></dead_peer_detection></ipsec>'),
      '  </ipsec_tunnel>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<vpn_connection id="${e(conn.vpnConnectionId)}">`,
    `  <customer_gateway_id>${e(conn.customerGatewayId)}</customer_gateway_id>`,
    `  <vpn_gateway_id>${e(conn.vpnGatewayId)}</vpn_gateway_id>`,
    '  <vpn_connection_type>ipsec.1</vpn_connection_type>',
    ...(conn.staticRoutesOnly
      ? ['  <vpn_connection_attributes>NoBGPVPNConnection</vpn_connection_attributes>']
      : []),
    ...tunnels,
    '</vpn_connection>',
  ].join('\n');
}
