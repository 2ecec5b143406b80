/**
 * `kill -HUP <pid>` makes a bot or a worker take its inventory file again, as daemons do; the
 * file is also watched. A reload that finds problems keeps the inventory in force (the log and
 * the ops channel say what is wrong and where). Returns a function that stops listening.
 */
import type { Runtime } from '../wiring/create-runtime.js';

export function reloadOnSighup(runtime: Pick<Runtime, 'reloadInventory'>): () => void {
  const onHup = () => void runtime.reloadInventory();
  process.on('SIGHUP', onHup);
  return () => process.off('SIGHUP', onHup);
}
