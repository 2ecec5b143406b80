/**
 * The scale-up's configuration copy in the simulator: the reference hub's
 * `show configuration commands` applied to a freshly booted router through the real driver
 * (one `set` per exchange, then commit and save), at 0 ms of round trip so only the emulator
 * and the SSH transport count. It was 8.3 s when sshd's side of the WAN link let Nagle hold
 * every small write for a delayed ACK (~46 ms a line); 0.2-0.3 s without. Not an issue target:
 * the ceiling catches that kind of regression (every scale-up test and bench pays the copy).
 */
import { createLogger } from '../src/log.js';
import { buildReferenceTopology } from '../src/sim/world/reference-topology.js';
import { renderBaseConfig, renderRouterConfig } from '../src/sim/world/render-router-config.js';
import {
  generateHostKey,
  generateUserKey,
  startVyosRouter,
} from '../src/sim/vyos/start-vyos-router.js';
import { parseConfigCommands } from '../src/vyos/parse-config-commands.js';
import { createRouterPool } from '../src/vyos/router-pool.js';
import type { BenchResult } from './result.js';

const CEILING_MS = 1000;

async function copyOnce(lines: string[], userKey: { privateKey: string; publicKey: string }) {
  const hostKey = generateHostKey();
  const sim = await startVyosRouter({
    name: 'new-hub',
    hostKey: hostKey.privateKey,
    authorizedKeys: [userKey.publicKey],
    baseConfig: renderBaseConfig(userKey.publicKey),
  });
  const pool = createRouterPool({
    routers: {
      'new-hub': {
        host: sim.host,
        port: sim.port,
        user: 'vyos',
        privateKey: userKey.privateKey,
        hostKey: hostKey.publicKey,
      },
    },
    logger: createLogger({ level: 'warn' }),
    connectTimeoutMs: 30_000,
    commandTimeoutMs: 30_000,
  });
  try {
    const config = parseConfigCommands(lines.join('\n'));
    // The session is opened first, as the copy step's host-key scan has done by then.
    await pool.router('new-hub').bgpSummary();
    const started = performance.now();
    const applied = await pool.router('new-hub').applyConfig(config, { save: true });
    const ms = performance.now() - started;
    if (!applied.committed) throw new Error('the reference hub configuration was not committed');
    return ms;
  } finally {
    await pool.closeAll();
    await sim.close();
  }
}

export async function benchConfigCopy(): Promise<BenchResult[]> {
  const userKey = generateUserKey();
  const topology = buildReferenceTopology({ botPublicKey: userKey.publicKey });
  const aws = { vgwOutsideIps: [['198.51.100.201', '198.51.100.202']] };
  const lines = renderRouterConfig(topology, 'hub-tokyo-a', aws);
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) runs.push(await copyOnce(lines, userKey));
  const median = runs.sort((a, b) => a - b)[1]!;
  console.log(`  ${lines.length} set lines; runs ${runs.map((r) => r.toFixed(0)).join(', ')} ms`);
  return [
    { name: 'sim_config_copy_ms', value: Math.round(median), unit: 'ms', target: CEILING_MS },
  ];
}
