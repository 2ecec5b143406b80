/** The VyOS emulator's public surface: start a router, seed it, shape its live state. */
export {
  startVyosRouter,
  applySetLines,
  generateHostKey,
  generateUserKey,
} from './start-vyos-router.js';
export type { StartVyosRouterOptions, VyosRouterHandle, SshKeyPair } from './start-vyos-router.js';
export { VyosRouter, COMMIT_LOCKED } from './vyos-router.js';
export type { VyosRouterSettings, CommitOutcome, PowerState } from './vyos-router.js';
export { defaultLiveState, createDefaultLiveState } from './live-state.js';
export type {
  RouterLiveState,
  IpsecSaState,
  WireguardPeerState,
  BgpNeighborState,
} from './live-state.js';
export { ConfigTree } from './config-tree.js';
export { deriveWireguardPublicKey, generateWireguardKeyPair } from './wireguard-keys.js';
export { listChildSas } from './show-ipsec-sa.js';
export type { VyosVersion } from './show-system-status.js';
