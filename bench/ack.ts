/**
 * Slash-command acknowledgement through the real HTTP receiver (signature check, ack; the run
 * record and the enqueue come after the ack), with the bot in its own process as in production
 * and the load generator and the local Slack outside it: 50 concurrent signed `/vpn status`
 * requests, 10 rounds, p99 of the latency each request saw. No worker runs, so only the ack
 * path is measured.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSlackEmulator } from '../src/sim/slack/start-slack-emulator.js';
import { startWorld } from '../src/sim/world/start-world.js';
import type { BenchResult } from './result.js';
import { buildOnce, spawnFlatnet, stopProcess, freePort, cpuMs } from './spawn-flatnet.js';
import { dropRedisPrefix } from '../src/demo/drop-redis-prefix.js';

export const SECRET = 'bench-signing-secret';

export function post(port: number, agent: Agent, i: number): Promise<number> {
  const body = new URLSearchParams({
    token: 'x',
    team_id: 'T0FLATNET',
    team_domain: 'flatnet',
    channel_id: 'C0NETOPS',
    channel_name: 'netops',
    user_id: 'U0ALICE',
    user_name: 'alice',
    command: '/vpn',
    text: 'status',
    response_url: 'http://127.0.0.1:9/response',
    trigger_id: `t${i}`,
    api_app_id: 'A0FLATNET',
    is_enterprise_install: 'false',
  }).toString();
  const ts = Math.floor(Date.now() / 1000).toString();
  const signature = `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
  const headers = {
    'content-type': 'application/x-www-form-urlencoded',
    'content-length': Buffer.byteLength(body),
    'x-slack-request-timestamp': ts,
    'x-slack-signature': signature,
  };
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/slack/events', method: 'POST', headers, agent },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () =>
          res.statusCode === 200 && text.includes('Started r-')
            ? resolve(performance.now() - started)
            : reject(new Error(`ack ${res.statusCode}: ${text.slice(0, 200)}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * What the bot process and this one (the client) spent in CPU from now until the returned
 * function is called, per request: the cost that queues the acks of a burst, load aside. The
 * bot's figure includes what it did meanwhile besides acking (the records after the acks).
 */
export function cpuSince(botPid: number, who = 'bot'): (requests: number) => string {
  const bot = cpuMs(botPid);
  const client = process.cpuUsage();
  return (requests) => {
    const botUs = ((cpuMs(botPid) - bot) * 1000) / requests;
    const used = process.cpuUsage(client);
    const clientUs = (used.user + used.system) / requests;
    return `CPU per request: ${who} ${botUs.toFixed(0)} µs, bench client ${clientUs.toFixed(0)} µs`;
  };
}

/** Sorts the latencies, prints p50, p99 and max after `what`, and returns the p99 (0.1 ms). */
export function printLatencies(latencies: number[], what: string): number {
  latencies.sort((a, b) => a - b);
  const p = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)]!;
  console.log(
    `  ${what}: p50 ${p(0.5).toFixed(1)} ms, p99 ${p(0.99).toFixed(1)} ms, max ` +
      `${latencies.at(-1)!.toFixed(1)} ms`,
  );
  return Number(p(0.99).toFixed(1));
}

export async function benchAck(redisUrl: string): Promise<BenchResult[]> {
  buildOnce();
  const dir = mkdtempSync(join(tmpdir(), 'flatnet-bench-ack-'));
  const world = await startWorld({ dir });
  const slack = await startSlackEmulator({ signingSecret: SECRET, botToken: 'xoxb-bench' });
  const prefix = `flatnet-bench-ack-${process.pid}`;
  const env = {
    ...process.env,
    REDIS_URL: redisUrl,
    FLATNET_REDIS_PREFIX: prefix,
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
    FLATNET_SLACK_MODE: 'http',
    LOG_LEVEL: 'warn',
  };
  const bot = await spawnFlatnet(
    [
      'bot',
      '--config',
      world.writeInventory(join(dir, 'flatnet.yml')),
      '--port',
      String(await freePort()),
    ],
    env,
    /listening on :(\d+)/,
  );
  const port = Number(bot.match[1]);
  const agent = new Agent({ keepAlive: true, maxSockets: 50 });
  try {
    for (let i = 0; i < 20; i++) await post(port, agent, i); // warm-up: JIT, connections
    const latencies: number[] = [];
    const cpu = cpuSince(bot.child.pid!);
    for (let round = 0; round < 10; round++)
      latencies.push(
        ...(await Promise.all(
          Array.from({ length: 50 }, (_, j) => post(port, agent, round * 50 + j)),
        )),
      );
    console.log(`  ${cpu(latencies.length)}`);
    const p99 = printLatencies(latencies, `ack over ${latencies.length} requests at 50 concurrent`);
    return [{ name: 'ack_p99_ms', value: p99, unit: 'ms', target: 50 }];
  } finally {
    agent.destroy();
    await stopProcess(bot.child);
    await slack.close();
    await world.close();
    const { Redis } = await import('ioredis');
    const redis = new Redis(redisUrl);
    await dropRedisPrefix(redis, prefix);
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
}
