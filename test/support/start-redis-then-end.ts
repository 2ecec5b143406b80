/**
 * A test process that starts a Redis server with the HA tests' helper and then ends the way
 * argv[2] says: `exit` (process.exit), `throw` (an uncaught error), `sigterm` (as a pool
 * stops a worker) or `sigkill` (nothing of it runs after: a worker killed after a hook
 * timeout). It prints the server's port, pid and directory first. Run by
 * redis-servers-die-with-test.test.ts.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedisServer } from './redis-servers.js';

const how = process.argv[2];
const dir = mkdtempSync(join(tmpdir(), 'flatnet-ends-'));
const server = await startRedisServer(dir);
process.stdout.write(`${JSON.stringify({ port: server.port, pid: server.pid(), dir })}\n`);
if (how === 'exit') process.exit(0);
if (how === 'throw') throw new Error('a test that crashed');
if (how === 'sigterm') process.kill(process.pid, 'SIGTERM');
if (how === 'sigkill') process.kill(process.pid, 'SIGKILL');
// Keeps running otherwise, until the signal above lands.
setInterval(() => {}, 1_000);
