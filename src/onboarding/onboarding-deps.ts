import type { RedisClient } from '../util/redis-client.js';
import type { Cloud } from '../aws/index.js';
import type { Inventory } from '../config/inventory-schema.js';
import type { ChatPort } from '../slack/chat-port.js';
import type { RouterClient } from '../vyos/router-client.js';
import type { ConfigLine } from '../vyos/types.js';
import { readHubConfig, type HubConfig } from './read-hub-config.js';
import type { HubVpcDeps } from './route-hub-vpc.js';

/** What the onboarding runbooks use: a subset of the runtime's RunbookDeps. */
export interface OnboardingDeps {
  inventory: Inventory;
  routers: { router(name: string): RouterClient };
  /** Instances, and the hub VPC's route tables (route-hub-vpc). */
  cloud: Pick<Cloud, 'describeInstance'> & HubVpcDeps['cloud'];
  redis: RedisClient;
  prefix: string;
  chat?: ChatPort;
  /** Where CLI runs write client files (default `.flatnet/out`). */
  clientFilesDir?: string;
  /** The commit-confirm window for peer changes. Default 5 minutes. */
  confirmMinutes?: number;
}

export interface RouterSnapshot {
  lines: ConfigLine[];
  hub: HubConfig;
}

export async function readRouter(
  deps: Pick<OnboardingDeps, 'routers' | 'inventory'>,
  router: string,
): Promise<RouterSnapshot> {
  const iface = deps.inventory.routers[router]?.wireguard?.interface ?? 'wg0';
  const lines = await deps.routers.router(router).runningConfig();
  return { lines, hub: readHubConfig(lines, iface) };
}
