/**
 * The last line of defence of a long-running process (bot, worker): an error nobody caught is
 * logged once, with its stack, instead of vanishing or killing the process with a raw dump.
 * - A rejected promise nobody awaited: logged, the process keeps serving (the rejection
 *   changed no state by itself; the code that dropped it is the bug to fix).
 * - An exception thrown out of an event handler: logged, then exit 70, because the handler
 *   stopped half-way and the process's state can no longer be trusted. Runs in flight are
 *   resumed by another worker (BullMQ stalled-job recovery).
 */
import type { Logger } from '../log.js';
import { EXIT } from '../exit-codes.js';

export function guardProcess(logger: Logger, exit: (code: number) => void = process.exit): void {
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'a promise was rejected and nobody handled it');
  });
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception: stopping (runs in flight resume on another worker)');
    exit(EXIT.internal);
  });
}
