/**
 * How a parsed command becomes a run: the contract between commands/ and the runbooks in
 * jobs/. It lives above the engine (src/runbook), which knows neither commands nor the
 * inventory, and beside the grammar whose `Command` it takes.
 */
import type { Inventory } from '../config/inventory-schema.js';
import type { PlannedRun } from '../runbook/run-request.js';
import type { RunOrigin } from '../runbook/types.js';
import type { Command } from './command.js';

/**
 * Per-kind checks and parameters for a command that starts a run. Each runbook in jobs/
 * exports one; it validates against the inventory and the caller's rights and may throw a
 * FlatnetError whose message and hint go back to the person who typed the command.
 */
export interface RunRequestPlanner {
  /**
   * Checks against the inventory only (no Redis, no router, no AWS): Slack's command waits for
   * them, so they must cost the event loop next to nothing.
   */
  plan(
    command: Command,
    ctx: {
      inventory: Inventory;
      requester: string;
      /** Where the command came from: Slack wants its answer within 3 s, a terminal waits. */
      origin?: RunOrigin;
    },
  ): Promise<PlannedRun> | PlannedRun;
  /**
   * A check that reads the world before the run may exist (add-peer's key against every
   * router's), or undefined when this run needs none. From Slack it runs after the command is
   * acknowledged, so it may take as long as the routers take; it throws a FlatnetError to
   * refuse. `what` says what is being checked, for the acknowledgement.
   */
  checkBeforeRun?(planned: PlannedRun): { what: string; run(): Promise<void> } | undefined;
}
