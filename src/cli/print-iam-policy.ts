/** `flatnet iam-policy [--config F]`: the least-privilege policy for the inventory's regions. */
import { buildIamPolicy } from '../aws/iam-policy.js';
import { loadInventory } from '../config/load-inventory.js';
import type { Inventory } from '../config/inventory-schema.js';
import { EXIT } from '../exit-codes.js';
import { inventoryPath } from './load-runtime.js';
import type { ParsedArgs } from './parse-args.js';
import type { CliOutput } from './run-slash-command.js';

/** Every region flatnet may change something in: the hub's, each router's, each VPC's. */
export function inventoryRegions(inventory: Inventory): string[] {
  return [
    inventory.hub.region,
    ...Object.keys(inventory.regions),
    ...Object.values(inventory.routers).map((r) => r.region),
  ];
}

export function printIamPolicy(args: ParsedArgs, io: CliOutput): number {
  const { inventory } = loadInventory(inventoryPath(args));
  io.out(`${JSON.stringify(buildIamPolicy(inventoryRegions(inventory)), null, 2)}`);
  return EXIT.succeeded;
}
