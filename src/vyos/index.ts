/** The router driver's public surface: what runbooks, commands and the CLI import. */
export type {
  BgpNeighbor,
  BgpSummary,
  ConfigLine,
  IpRoute,
  IpsecSa,
  IpsecSaReport,
  LoadAverage,
  SystemUptime,
  WireguardPeerStatus,
  WireguardStatus,
} from './types.js';
export { assertPeerName, renderConfigLine } from './config-line.js';
export { redactSecrets } from './redact-secrets.js';
export {
  createRouterPool,
  type RouterPool,
  type RouterPoolOptions,
  type RouterEndpoint,
} from './router-pool.js';
export type { RouterClient, ApplyOptions, ApplyResult } from './router-client.js';
export { parseIpsecSa } from './parse-ipsec-sa.js';
export { parseWireguardSummary } from './parse-wireguard-summary.js';
export { parseBgpSummary } from './parse-bgp-summary.js';
export { parseIpRoute } from './parse-ip-route.js';
export { parseSystemUptime } from './parse-system-uptime.js';
export { parseLoadavg } from './parse-loadavg.js';
export { parseConfigCommands } from './parse-config-commands.js';
export {
  renderWireguardPeer,
  renderWireguardPeerRemoval,
  type WireguardPeerSpec,
} from './render-wireguard-peer.js';
export {
  renderIpsecPeer,
  renderIpsecPeerRemoval,
  ikeGroupName,
  espGroupName,
  type IpsecPeerSpec,
  type IkeSettings,
  type EspSettings,
  type IpsecRouting,
} from './render-ipsec-peer.js';
export {
  parseCustomerGatewayConfig,
  type CustomerGatewayConfig,
  type VgwTunnel,
} from './parse-customer-gateway-config.js';
export { renderVgwTunnels, type VgwTunnelsSpec } from './render-vgw-tunnels.js';
export { rewritePrivateAddress } from './rewrite-private-address.js';
export { renderWgQuick, PRIVATE_KEY_PLACEHOLDER, type WgQuickSpec } from './render-wg-quick.js';
export { renderSwanctl } from './render-swanctl.js';
export { renderRemoteVyos } from './render-remote-vyos.js';
export type { HubSide } from './mirror-ipsec-peer.js';
