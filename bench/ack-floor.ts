/**
 * The floor under `ack-load` on this machine: the same client (200 signed `/vpn status` at
 * once, five times, over kept-alive connections) against a bare Node HTTP server in its own
 * process that reads each body and answers a fixed JSON at once: no signature check, no
 * parsing, no flatnet. Whatever p99 this gets, no receiver written in Node on the same machine
 * gets below; the CPU per request says why (the burst waits on it, request after request).
 */
import { spawn } from 'node:child_process';
import { Agent } from 'node:http';
import { cpuSince, post, printLatencies } from './ack.js';
import type { BenchResult } from './result.js';
import { stopProcess } from './spawn-flatnet.js';

const CONCURRENT = 200;
const ROUNDS = 5;

const BARE_SERVER = `
const { createServer } = require('node:http');
const text = 'Started r-abcdef (status everything). Progress follows in the thread.';
const answer = JSON.stringify({ response_type: 'ephemeral', text });
const server = createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(answer));
});
server.listen(0, '127.0.0.1', () => console.error('listening on :' + server.address().port));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

export async function benchAckFloor(): Promise<BenchResult[]> {
  const child = spawn(process.execPath, ['-e', BARE_SERVER], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      const match = /listening on :(\d+)/.exec(d.toString());
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`the bare server exited with ${code}`)));
  });
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENT });
  try {
    for (let i = 0; i < 20; i++) await post(port, agent, i);
    const latencies: number[] = [];
    const cpu = cpuSince(child.pid!, 'bare server');
    for (let round = 0; round < ROUNDS; round++)
      latencies.push(
        ...(await Promise.all(
          Array.from({ length: CONCURRENT }, (_, j) =>
            post(port, agent, 1000 + round * CONCURRENT + j),
          ),
        )),
      );
    console.log(`  ${cpu(latencies.length)}`);
    const what = `bare Node server, ${latencies.length} requests at ${CONCURRENT} concurrent`;
    const p99 = printLatencies(latencies, what);
    return [{ name: 'ack_p99_bare_node_floor_ms', value: p99, unit: 'ms', target: 20 }];
  } finally {
    agent.destroy();
    await stopProcess(child);
  }
}
