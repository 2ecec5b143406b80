/**
 * `flatnet check --config F`: is this inventory ready for production? Lists every inventory
 * problem (not just the first), then tests each router over SSH (pinned host key, login,
 * a prompt) and in EC2 (the instance exists and runs), with one verdict line per router.
 */
import { loadInventory } from '../config/load-inventory.js';
import { describeError, InventoryError } from '../errors.js';
import { connectCloud, connectRouters } from '../wiring/connect-to-network.js';
import { mapBounded } from '../util/map-bounded.js';
import { EXIT } from '../exit-codes.js';
import { cliLogger, inventoryPath } from './load-runtime.js';
import type { ParsedArgs } from './parse-args.js';
import type { CliOutput } from './run-slash-command.js';

export async function runCheck(args: ParsedArgs, io: CliOutput): Promise<number> {
  const file = inventoryPath(args);
  let loaded;
  try {
    loaded = loadInventory(file);
  } catch (err) {
    if (err instanceof InventoryError) {
      io.out(`✖ ${file}: ${err.problems.length} problem${err.problems.length === 1 ? '' : 's'}`);
      for (const p of err.problems) io.out(`  • ${p}`);
      if (err.hint) io.out(`  → ${err.hint}`);
      return EXIT.badInput;
    }
    throw err;
  }
  const { inventory } = loaded;
  io.out(
    `✔ ${file}: inventory valid (${Object.keys(inventory.routers).length} ` +
      `routers in ${Object.keys(inventory.regions).length} regions)`,
  );
  const logger = cliLogger();
  const routers = connectRouters(loaded, logger);
  const cloud = connectCloud(loaded, logger);
  try {
    const verdicts = await mapBounded(
      Object.entries(inventory.routers),
      16,
      async ([name, entry]) => {
        const problems: string[] = [];
        try {
          await routers.router(name).loadAverage();
        } catch (err) {
          problems.push(`SSH: ${describeError(err).replace(/\n/g, ' — ')}`);
        }
        try {
          const instance = await cloud.describeInstance(entry.region, entry.instanceId);
          if (instance.state !== 'running')
            problems.push(`EC2: ${entry.instanceId} is ${instance.state}`);
          if (instance.sourceDestCheck)
            problems.push(
              'EC2: source/destination check is on for ' +
                `${entry.instanceId} — the router cannot forward; disable it`,
            );
        } catch (err) {
          problems.push(`EC2: ${describeError(err).replace(/\n/g, ' — ')}`);
        }
        return { name, problems };
      },
    );
    for (const v of verdicts) {
      io.out(
        v.problems.length === 0
          ? `✔ ${v.name}: SSH ok (host key pinned), EC2 instance running`
          : `✖ ${v.name}: ${v.problems.join('; ')}`,
      );
    }
    const bad = verdicts.filter((v) => v.problems.length > 0).length;
    io.out(
      bad === 0
        ? 'All routers reachable: flatnet is ready.'
        : `${bad} of ${verdicts.length} routers need attention (see above).`,
    );
    return bad === 0 ? EXIT.succeeded : EXIT.failed;
  } finally {
    await routers.closeAll();
    cloud.close();
  }
}
