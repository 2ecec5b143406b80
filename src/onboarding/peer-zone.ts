/**
 * A site peer's VTI in the traffic policy's zone (src/policy/zone-tunnel.ts): put there in the
 * commit that adds the peer, taken out in the one that removes it, on the hub and its standby
 * alike (each from its own configuration). A policy-based site has no VTI: its packets come in
 * and go out by the outside interface, already in its zone; a WireGuard peer joins an interface
 * that the apply zoned (or that its add-peer zones, when it was made later).
 */
import { unzoneTunnelLines } from '../policy/zone-tunnel.js';
import type { ConfigLine } from '../vyos/types.js';
import type { HubConfig } from './read-hub-config.js';

/** The lines that take a site peer's VTI out of flatnet's zones before the VTI is deleted. */
export function unzonePeerTunnel(
  current: readonly ConfigLine[],
  hub: HubConfig,
  peer: string,
): ConfigLine[] {
  const vti = hub.ipsec.find((p) => p.name === peer)?.vti;
  return vti ? unzoneTunnelLines(current, [vti]) : [];
}
