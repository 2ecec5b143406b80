/**
 * The seam between the world and the VyOS SSH emulator: the world only needs a router it can
 * power off and on, whose configuration and events it can read, listening on loopback.
 */
import type { VyosRouter } from '../vyos/vyos-router.js';
import type { RouterLiveState } from '../vyos/live-state.js';

export interface RouterServerSettings {
  name: string;
  hostName?: string;
  host: string;
  port: number;
  /** The router's host private key (OpenSSH format). */
  hostKey: string;
  /** Public key lines allowed to log in as vyos. */
  authorizedKeys: string[];
  baseConfig: string[];
  version?: '1.3' | '1.4' | '1.5';
  live?: RouterLiveState;
  minuteMs?: number;
  rebootMs?: number;
  /** Round-trip time of the network to the router, in ms. */
  roundTripMs?: number;
  hardwareModel?: string;
  cores?: number;
}

export interface RouterServerHandle {
  host: string;
  port: number;
  router: VyosRouter;
  powerOff(): void;
  powerOn(): void;
  close(): Promise<void>;
}

export type StartRouterServer = (settings: RouterServerSettings) => Promise<RouterServerHandle>;
