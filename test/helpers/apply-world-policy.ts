import { expect } from 'vitest';
import type { Inventory } from '../../src/config/inventory-schema.js';
import { planPolicy } from '../../src/policy/plan-policy.js';
import { readReachState } from '../../src/reach/read-reach-state.js';
import type { Runtime } from '../../src/wiring/create-runtime.js';

/**
 * The traffic policy of `inventory`, rendered for each router's real interfaces (flatnet's own
 * reading of EC2 and the routers) and typed into every router over SSH by flatnet's driver,
 * committed as VyOS would. Expects no refusal and a change on every router.
 */
export async function applyWorldPolicy(runtime: Runtime, inventory: Inventory): Promise<void> {
  const read = () =>
    readReachState({
      inventory: runtime.loaded.inventory,
      routers: runtime.routers,
      cloud: runtime.cloud,
    });
  let plan = planPolicy(inventory, await read());
  // The first SSH handshake with every router at once can outlast its 5 s on a machine loaded
  // by other tests; the pool's sessions are then open or opening, and a second read is warm.
  if (plan.refusals.length > 0 && plan.refusals.every((r) => r.includes('could not be read')))
    plan = planPolicy(inventory, await read());
  expect(plan.refusals).toEqual([]);
  for (const r of plan.routers) {
    expect(r.changes.length, r.router).toBeGreaterThan(0);
    await runtime.routers.router(r.router).applyConfig(r.changes);
  }
}
