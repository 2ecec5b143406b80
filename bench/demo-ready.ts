/**
 * demo_ready_ms: from typing `npm run demo` to a usable page. Spawns exactly what a person
 * runs (`npm run demo`) in its own process group, times until the line with the
 * page URL, then sends SIGINT to the group as a terminal's Ctrl-C does and checks that the
 * demo stopped cleanly (exit code 0) within a deadline.
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import type { BenchResult } from './result.js';

const READY = /flatnet demo is ready in [\d.]+ s: open (http:\/\/\S+)/;

export async function benchDemoReady(): Promise<
  { name: 'demo_ready_ms'; value: number; unit: 'ms'; target: 15000 }[]
> {
  const started = performance.now();
  const child = spawn('npm', ['run', 'demo', '--', '--port', '0'], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not spawn `npm run demo`');
  let output = '';
  // npm may end "by signal" when it got the SIGINT itself, even when the demo inside exited 0;
  // the demo's own "stopped." line is the proof that it cleaned up.
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  const readyMs = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`flatnet demo printed no URL within 60 s:\n${output}`)),
      60_000,
    );
    const onData = (d: Buffer): void => {
      output += d.toString();
      if (READY.test(output)) {
        clearTimeout(timer);
        resolve(Math.round(performance.now() - started));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) =>
      reject(new Error(`flatnet demo exited with ${code} before it was ready:\n${output}`)),
    );
  });

  const url = READY.exec(output)?.[1];
  const page = url ? await fetch(url) : undefined;
  if (page?.status !== 200)
    throw new Error(`the demo page ${url ?? '(no URL)'} answered ${page?.status ?? 'nothing'}`);

  process.kill(-pid, 'SIGINT');
  const deadline = new Promise<'timeout'>((resolve) =>
    setTimeout(() => resolve('timeout'), 30_000).unref(),
  );
  const code = await Promise.race([exited, deadline]);
  if (code === 'timeout') {
    process.kill(-pid, 'SIGKILL');
    throw new Error(`flatnet demo did not stop within 30 s of SIGINT:\n${output}`);
  }
  if (code !== 0 && code !== 'SIGINT')
    throw new Error(`flatnet demo exited with ${code} after SIGINT:\n${output}`);
  if (!/stopped\./.test(output))
    throw new Error(`flatnet demo exited without saying it stopped:\n${output}`);
  console.log(`  demo ready in ${readyMs} ms at ${url}; stopped cleanly on SIGINT`);
  return [{ name: 'demo_ready_ms', value: readyMs, unit: 'ms', target: 15000 }];
}

export type { BenchResult };
