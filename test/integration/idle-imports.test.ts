/**
 * What an idle bot and an idle worker carry in memory: the modules their start-up imports.
 * The heavy libraries only some runs need (the EC2 SDK, ssh2, the XML parser, the queue
 * dashboard) must be imported on first use, and a worker must not load Bolt or Express.
 * A static import added anywhere on those paths costs every process tens of MB (bench/idle-rss.ts).
 * Each entry is imported in a fresh Node process, which then lists the packages it loaded.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');

/**
 * The packages a fresh process has loaded after importing `entry` and building a Cloud (which must
 * not load the SDK).
 */
async function packagesLoadedBy(entry: string): Promise<Set<string>> {
  const script = `
    import { createRequire } from 'node:module';
    await import(${JSON.stringify(resolve(root, entry))});
    const { createCloud } = await import(${JSON.stringify(resolve(root, 'src/aws/index.ts'))});
    createCloud({ endpoint: 'http://127.0.0.1:9' }).close();
    const names = Object.keys(createRequire(import.meta.url).cache)
      .map((file) => /node_modules\\/((@[^/]+\\/)?[^/]+)/.exec(file)?.[1]);
    process.stdout.write(JSON.stringify([...new Set(names.filter(Boolean))]));
  `;
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script],
    { cwd: root },
  );
  return new Set(JSON.parse(stdout) as string[]);
}

const LOADED_ON_FIRST_USE = [
  '@aws-sdk/client-ec2',
  'ssh2',
  'fast-xml-parser',
  '@bull-board/api',
  '@bull-board/express',
];

describe('idle processes load only what they use', () => {
  it(
    'the bot loads Bolt and BullMQ, but not the ' +
      'EC2 SDK, ssh2, the XML parser or the dashboard',
    async () => {
      const loaded = await packagesLoadedBy('src/cli/run-bot.ts');
      // The listing works: what the bot does need is there.
      expect(loaded).toContain('@slack/bolt');
      expect(loaded).toContain('bullmq');
      for (const name of LOADED_ON_FIRST_USE) expect(loaded, name).not.toContain(name);
    },
  );

  it(
    'the worker loads BullMQ but neither Bolt ' + 'nor Express, nor any first-use library',
    async () => {
      const loaded = await packagesLoadedBy('src/cli/run-worker.ts');
      expect(loaded).toContain('bullmq');
      for (const name of ['@slack/bolt', 'express', ...LOADED_ON_FIRST_USE])
        expect(loaded, name).not.toContain(name);
    },
  );
});
