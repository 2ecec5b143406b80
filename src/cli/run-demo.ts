/** Placeholder until the demo lands: start the simulated world. */
import type { ParsedArgs } from './parse-args.js';
import type { CliOutput } from './run-slash-command.js';

export async function runDemo(_args: ParsedArgs, io: CliOutput): Promise<number> {
  io.err('flatnet demo: starting the simulated world (the local Slack comes next); try `flatnet run --config .flatnet/sim.yml "/vpn status"` in another terminal');
  const { runSim } = await import('../sim/world/run-sim.js');
  await runSim(['--write-inventory', '.flatnet/sim.yml']);
  return 0;
}
