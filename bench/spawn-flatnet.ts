/**
 * Start the compiled CLI as its own process (as production runs it) and wait for its ready line.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';

let built = false;
export function buildOnce(): void {
  if (built) return;
  const build = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');
  // tsc copies no Lua: put the scripts beside the compiled code, as the Dockerfile does.
  for (const dir of ['src/runbook/lua', 'src/onboarding/lua'])
    cpSync(dir, `dist/${dir}`, { recursive: true });
  built = true;
}

export function spawnFlatnet(
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...profileFlags(args[0]), 'dist/src/cli.js', ...args], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`flatnet ${args[0]} not ready after 30 s: ${seen}`)),
      30_000,
    );
    child.stderr!.on('data', (d: Buffer) => {
      seen += d.toString();
      const match = ready.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match });
      }
    });
    child.once('exit', (code) =>
      reject(new Error(`flatnet ${args[0]} exited with ${code}: ${seen}`)),
    );
  });
}

/**
 * `FLATNET_BENCH_CPU_PROF=bot` (or `worker`, or `bot,worker`): that process runs under
 * `node --cpu-prof`, its profile written to `FLATNET_BENCH_CPU_PROF_DIR` (default `profiles/`)
 * when the bench stops it, for Chrome DevTools or `bench/profile-summary.ts`.
 */
function profileFlags(command: string | undefined): string[] {
  const wanted = (process.env.FLATNET_BENCH_CPU_PROF ?? '').split(',');
  if (!command || !wanted.includes(command)) return [];
  const dir = process.env.FLATNET_BENCH_CPU_PROF_DIR ?? 'profiles';
  return [
    '--cpu-prof',
    `--cpu-prof-dir=${dir}`,
    `--cpu-prof-name=${command}-${Date.now()}.cpuprofile`,
  ];
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
}

/**
 * CPU time (user + system) a process has used so far, in ms, from /proc (at the kernel's
 * clock tick, 10 ms): read before and after a measurement, what the process spent on it.
 */
export function cpuMs(pid: number): number {
  // Fields after the command name: state is 3rd, utime the 14th and stime the 15th (proc(5)).
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** `flatnet sim` in a child process, once it printed where everything is. */
export async function startSimProcess(
  args: string[],
): Promise<{ child: ChildProcess; inventory: string; control: string }> {
  const child = spawn(process.execPath, ['dist/src/cli.js', 'sim', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let seen = '';
    child.stdout!.on('data', (d: Buffer) => {
      seen += d.toString();
      const line = seen.split('\n').find((l) => l.startsWith('{"ready":true'));
      if (line) {
        const ready = JSON.parse(line) as { inventory: string; control: string };
        resolve({ child, inventory: ready.inventory, control: ready.control });
      }
    });
    child.once('exit', (code) => reject(new Error(`flatnet sim exited with ${code}: ${seen}`)));
  });
}

/** A TCP port free right now (`flatnet bot --port` takes 1–65535, not 0). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
