/**
 * The scale-up's configuration copy in the simulator: the reference hub's
 * `show configuration commands` applied to a freshly booted router through the real driver
 * (one `set` per exchange, then commit and save), at 0 ms of round trip so only the emulator
 * and the SSH transport count. It was 8.3 s when sshd's side of the WAN link let Nagle hold
 * every small write for a delayed ACK (~46 ms a line); 0.2-0.3 s without. Not an issue target:
 * the ceiling catches that kind of regression (every scale-up test and bench pays the copy).
 */
import { buildReferenceTopology } from '../src/sim/world/reference-topology.js';
import { renderBaseConfig, renderRouterConfig } from '../src/sim/world/render-router-config.js';
import { generateUserKey } from '../src/sim/vyos/start-vyos-router.js';
import { parseConfigCommands } from '../src/vyos/parse-config-commands.js';
import { startOneSimRouter } from './one-sim-router.js';
import type { BenchResult } from './result.js';

const CEILING_MS = 1000;

async function copyOnce(lines: string[]): Promise<number> {
  const sim = await startOneSimRouter('new-hub', (key) => renderBaseConfig(key));
  try {
    const config = parseConfigCommands(lines.join('\n'));
    // The session is opened first, as the copy step's host-key scan has done by then.
    await sim.router.bgpSummary();
    const started = performance.now();
    const applied = await sim.router.applyConfig(config, { save: true });
    const ms = performance.now() - started;
    if (!applied.committed) throw new Error('the reference hub configuration was not committed');
    return ms;
  } finally {
    await sim.close();
  }
}

export async function benchConfigCopy(): Promise<BenchResult[]> {
  const topology = buildReferenceTopology({ botPublicKey: generateUserKey().publicKey });
  const aws = { vgwOutsideIps: [['198.51.100.201', '198.51.100.202']] };
  const lines = renderRouterConfig(topology, 'hub-tokyo-a', aws);
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) runs.push(await copyOnce(lines));
  const median = runs.sort((a, b) => a - b)[1]!;
  console.log(`  ${lines.length} set lines; runs ${runs.map((r) => r.toFixed(0)).join(', ')} ms`);
  return [
    { name: 'sim_config_copy_ms', value: Math.round(median), unit: 'ms', target: CEILING_MS },
  ];
}
