/**
 * Issue 10 §5: the bot and the worker refuse a bad setting at start — one line naming the
 * variable, what is wrong and the fix, a distinct exit code, no stack — as separate processes
 * against the Slack emulator (its auth.test and x-oauth-scopes header, as Slack answers).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/exit-codes.js';
import {
  startSlackEmulator,
  type SlackEmulator,
} from '../../src/sim/slack/start-slack-emulator.js';
import { manifestScopes } from '../../src/sim/slack/answer-web-api.js';
import { generateSshKey } from '../../src/sim/world/generate-ssh-key.js';
import { redisUrl } from '../helpers/redis.js';
import { theReferenceFleet } from '../support/inventory-builder.js';

const TOKEN = 'xoxb-startup-test';

interface Ended {
  code: number | null;
  stderr: string;
}

/** Runs `flatnet <sub>` until it exits (a process that starts would be killed after 30 s). */
function flatnet(sub: string[], env: Record<string, string | undefined>): Promise<Ended> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...sub], {
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, stderr });
    });
  });
}

describe('start-up with bad settings', () => {
  let dir: string;
  let inventory: string;
  let slack: SlackEmulator;
  let narrowSlack: SlackEmulator;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flatnet-startup-'));
    mkdirSync(join(dir, 'keys'));
    writeFileSync(join(dir, 'keys', 'flatnet_ed25519'), generateSshKey().privateKey, {
      mode: 0o600,
    });
    inventory = join(dir, 'flatnet.yml');
    writeFileSync(inventory, theReferenceFleet().toYaml());
    slack = await startSlackEmulator({ signingSecret: 's', botToken: TOKEN });
    narrowSlack = await startSlackEmulator({
      signingSecret: 's',
      botToken: TOKEN,
      scopes: manifestScopes().filter((s) => s !== 'files:write' && s !== 'im:write'),
    });
  });
  afterAll(async () => {
    await slack?.close();
    await narrowSlack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const good = () => ({
    FLATNET_CONFIG: inventory,
    SLACK_BOT_TOKEN: TOKEN,
    SLACK_SIGNING_SECRET: 'secret',
    SLACK_API_URL: slack.apiUrl,
    REDIS_URL: redisUrl,
    FLATNET_SLACK_MODE: 'http',
    PORT: '39157',
  });
  const lines = (e: Ended) => e.stderr.trim().split('\n');

  for (const sub of ['bot', 'worker']) {
    it(
      `${sub}: a token Slack refuses stops it with ` +
        `SLACK_BOT_TOKEN and exit ${EXIT.slackToken}`,
      async () => {
        const ended = await flatnet([sub], { ...good(), SLACK_BOT_TOKEN: 'xoxb-wrong' });
        expect(ended.code).toBe(EXIT.slackToken);
        expect(lines(ended)).toHaveLength(1);
        expect(ended.stderr).toMatch(
          /^flatnet: SLACK_BOT_TOKEN: Slack refuses the token \(invalid_auth\) — copy/,
        );
        expect(ended.stderr).not.toContain('xoxb-wrong');
        expect(ended.stderr).not.toMatch(/\n\s+at /);
      },
    );

    it(`${sub}: a missing scope is named, exit ${EXIT.slackScope}`, async () => {
      const ended = await flatnet([sub], { ...good(), SLACK_API_URL: narrowSlack.apiUrl });
      expect(ended.code).toBe(EXIT.slackScope);
      expect(lines(ended)).toHaveLength(1);
      expect(ended.stderr).toContain(
        'SLACK_BOT_TOKEN: the app lacks the scopes im:write, files:write',
      );
    });

    it(
      `${sub}: a garbage REDIS_URL is refused ` + `without echoing it, exit ${EXIT.redisUrl}`,
      async () => {
        const ended = await flatnet([sub], { ...good(), REDIS_URL: 'garb:age:s3cret@' });
        expect(ended.code).toBe(EXIT.redisUrl);
        expect(lines(ended)).toEqual([
          'flatnet: REDIS_URL: is not a Redis URL — set it like ' +
            'redis://127.0.0.1:6379 (or rediss://user:password@host:6380 for TLS)',
        ]);
      },
    );

    it(`${sub}: a Redis that does not answer, exit ${EXIT.redisUnreachable}`, async () => {
      const ended = await flatnet([sub], { ...good(), REDIS_URL: 'redis://127.0.0.1:1' });
      expect(ended.code).toBe(EXIT.redisUnreachable);
      expect(lines(ended)).toHaveLength(1);
      expect(ended.stderr).toMatch(
        /Redis at redis:\/\/127\.0\.0\.1:1 is not answering .* — start it/,
      );
    });

    it(`${sub}: a missing SSH key file is named once, exit ${EXIT.sshKey}`, async () => {
      const other = join(dir, 'other.yml');
      writeFileSync(other, theReferenceFleet().withSshKey('keys/gone').toYaml());
      const ended = await flatnet([sub], { ...good(), FLATNET_CONFIG: other });
      expect(ended.code).toBe(EXIT.sshKey);
      expect(lines(ended)).toHaveLength(1);
      expect(ended.stderr).toMatch(
        /routers\.hub-tokyo-a\.ssh\.privateKeyPath: .*keys\/gone does not exist \(also named by 6 other routers\) — create/,
      );
    });
  }

  it(`bot: PORT=abc is refused before anything starts, exit ${EXIT.port}`, async () => {
    const ended = await flatnet(['bot'], { ...good(), PORT: 'abc' });
    expect(ended.code).toBe(EXIT.port);
    expect(lines(ended)).toEqual([
      'flatnet: PORT: "abc" is not a TCP port — give a number from 1 to 65535 (3000 by default)',
    ]);
  });

  it(
    'a public key where the private key belongs ' + 'is refused, exit 15, its text never shown',
    async () => {
      const pub = generateSshKey().publicKey;
      writeFileSync(join(dir, 'keys', 'flatnet_ed25519'), pub);
      try {
        const ended = await flatnet(['worker'], good());
        expect(ended.code).toBe(EXIT.sshKey);
        expect(ended.stderr).toContain('is not an unencrypted SSH private key');
        expect(ended.stderr).not.toContain(pub.split(' ')[1]!);
      } finally {
        writeFileSync(join(dir, 'keys', 'flatnet_ed25519'), generateSshKey().privateKey);
      }
    },
  );
});
