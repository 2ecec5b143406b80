/**
 * `flatnet sim`: start the simulated world and its control API, print one JSON line saying
 * where everything is, and run until SIGINT/SIGTERM. Tools (the demo, a benchmark, a test)
 * wait for that line instead of sleeping.
 */
import { resolve } from 'node:path';
import { BadInputError } from '../../errors.js';
import { startControlServer } from './control-server.js';
import { startWorld, type WorldOptions } from './start-world.js';

export interface SimArguments {
  writeInventory?: string;
  routers: number;
  sshLatencyMs?: number;
  ec2LatencyMs?: number;
  bootMs?: number;
  tunnelUpMs?: number;
  dir: string;
  controlPort: number;
}

const NUMERIC = new Set([
  '--routers',
  '--ssh-latency-ms',
  '--ec2-latency-ms',
  '--boot-ms',
  '--tunnel-up-ms',
  '--control-port',
]);
const USAGE =
  'flatnet sim [--write-inventory PATH] [--routers N] ' +
  '[--ssh-latency-ms MS] [--ec2-latency-ms MS] [--boot-ms ' +
  'MS] [--tunnel-up-ms MS] [--dir DIR] [--control-port PORT]';

export function parseSimArguments(argv: readonly string[]): SimArguments {
  const args: SimArguments = { routers: 0, dir: '.flatnet/sim', controlPort: 0 };
  for (let i = 0; i < argv.length; i += 1) {
    const raw = argv[i]!;
    const [flag, inline] = raw.includes('=')
      ? [raw.slice(0, raw.indexOf('=')), raw.slice(raw.indexOf('=') + 1)]
      : [raw, undefined];
    if (flag === 'sim') continue; // tolerate being handed the sub-command too
    const value = inline ?? argv[++i];
    if (value === undefined) throw new BadInputError(`${flag} needs a value`, `usage: ${USAGE}`);
    if (NUMERIC.has(flag)) {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0)
        throw new BadInputError(
          `${flag} must be a whole number ≥ 0 (got "${value}")`,
          `usage: ${USAGE}`,
        );
      if (flag === '--routers') args.routers = n;
      else if (flag === '--ssh-latency-ms') args.sshLatencyMs = n;
      else if (flag === '--ec2-latency-ms') args.ec2LatencyMs = n;
      else if (flag === '--boot-ms') args.bootMs = n;
      else if (flag === '--tunnel-up-ms') args.tunnelUpMs = n;
      else args.controlPort = n;
    } else if (flag === '--write-inventory') {
      args.writeInventory = value;
    } else if (flag === '--dir') {
      args.dir = value;
    } else {
      throw new BadInputError(`unknown option ${flag}`, `usage: ${USAGE}`);
    }
  }
  return args;
}

/** Runs until a signal arrives; resolves once everything is closed. */
export async function runSim(
  argv: readonly string[],
  out: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
): Promise<void> {
  const args = parseSimArguments(argv);
  const options: WorldOptions = {
    dir: args.dir,
    extraSpokes: args.routers,
    sshLatencyMs: args.sshLatencyMs,
    ec2LatencyMs: args.ec2LatencyMs,
    bootMs: args.bootMs,
    tunnelUpMs: args.tunnelUpMs,
    inventoryPath: args.writeInventory,
  };
  const world = await startWorld(options);
  const control = await startControlServer(world, { port: args.controlPort });
  const inventory = args.writeInventory ? resolve(args.writeInventory) : world.writeInventory();
  out(
    JSON.stringify({
      ready: true,
      ec2: world.ec2Url,
      control: control.url,
      inventory,
      routers: world.routers().length,
    }),
  );
  await new Promise<void>((done) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await control.close();
  await world.close();
}
