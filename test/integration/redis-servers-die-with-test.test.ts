/**
 * Issue 17: a test's Redis servers never outlive the test process, however it ends — a
 * normal exit, a crash, SIGTERM from the pool, or SIGKILL after a hook timed out (the case an
 * `exit` handler cannot cover: the kernel's parent-death signal does). Each case runs a
 * process that starts a server with the helper and ends; the server must be gone after.
 */
import { execFile, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../src/util/wait-for.js';
import { removeServerDir, withRedis } from '../support/redis-servers.js';

const script = fileURLToPath(new URL('../support/start-redis-then-end.ts', import.meta.url));

/** Starts the script; resolves with the server it started and once the script has ended. */
async function serverOfAProcessThatEnds(
  how: string,
): Promise<{ port: number; pid: number; dir: string; ended: Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, how], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const ended = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code, signal) => reject(new Error(`ended first: ${code ?? signal}`)));
  });
  const { port, pid, dir } = JSON.parse(first) as { port: number; pid: number; dir: string };
  return { port, pid, dir, ended };
}

/** Whether a pid names a live process that is not a zombie (`ps` prints nothing otherwise). */
async function running(pid: number): Promise<boolean> {
  const state = await new Promise<string>((resolve) =>
    execFile('ps', ['-o', 'stat=', '-p', String(pid)], (_err, out) => resolve(out.trim())),
  );
  return state !== '' && !state.startsWith('Z');
}

describe("a test's Redis server dies with the test process", () => {
  for (const how of ['exit', 'throw', 'sigterm', 'sigkill'])
    it(`when it ends by ${how}`, async () => {
      const { port, pid, dir, ended } = await serverOfAProcessThatEnds(how);
      await ended;
      await waitFor(async () => !(await running(pid)), {
        what: `redis-server ${pid} to be gone`,
        timeoutMs: 10_000,
        intervalMs: 50,
      });
      await expect(withRedis(port, (r) => r.ping())).rejects.toThrow();
      removeServerDir(dir);
    });
});
