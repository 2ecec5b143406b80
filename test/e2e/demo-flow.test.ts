/**
 * The whole of flatnet as a newcomer meets it: `flatnet demo` (started in-process), its local
 * Slack page in headless Chromium, and the real bot, workers, Redis and simulated network
 * behind it. Screenshots go to docs/ only with UPDATE_SCREENSHOTS=1 (test-output/ otherwise),
 * so a test run never dirties the tree.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchChromium } from '../helpers/launch-chromium.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type DemoHandle } from '../../src/demo/start-demo.js';
import { createLogger } from '../../src/log.js';

const REGIONS = [
  'ap-northeast-1',
  'us-east-1',
  'us-west-2',
  'eu-west-1',
  'ap-southeast-1',
  'sa-east-1',
];

let browser: Browser;
let demo: DemoHandle;
let page: Page;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flatnet-demo-e2e-'));
  [browser, demo] = await Promise.all([
    launchChromium('The demo browser test'),
    // Faster than the interactive demo's timings, slow enough that the checklist visibly
    // progresses.
    startDemo({
      dir,
      logger: createLogger({ level: 'silent' }),
      world: { bootMs: 1_000, tunnelUpMs: 500 },
    }),
  ]);
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.setDefaultTimeout(15_000);
  await page.goto(`${demo.url}?user=U0ALICE`);
  await page.locator('body[data-ready="true"]').waitFor();
});

afterAll(async () => {
  await page?.close();
  await browser?.close();
  await demo?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** docs/NAME.png with UPDATE_SCREENSHOTS=1, else test-output/NAME.png. */
async function screenshot(name: string): Promise<void> {
  const target = process.env.UPDATE_SCREENSHOTS === '1' ? 'docs' : 'test-output';
  mkdirSync(target, { recursive: true });
  await page.mouse.move(120, 860);
  await page.screenshot({ path: join(target, `${name}.png`) });
}

async function type(testId: 'message-box' | 'thread-box', text: string): Promise<void> {
  await page.getByTestId(testId).fill(text);
  await page.getByTestId(testId).press('Enter');
}

/** A message everyone in the channel sees (ephemeral lines excluded). */
function channelMessage(text: string): Locator {
  return page
    .locator('[data-testid="message-list"] [data-testid="message"]:not(.ephemeral)')
    .filter({ hasText: text });
}

function ephemeral(text: string): Locator {
  return page
    .locator('[data-testid="message-list"] [data-testid="message"].ephemeral')
    .filter({ hasText: text });
}

describe('flatnet demo in a browser', () => {
  it(
    'answers /vpn status with every region of the reference ' +
      'topology, and bad input with an ephemeral error',
    async () => {
      await type('message-box', '/vpn status');
      // Only alice sees the acknowledgement; everyone sees the summary.
      await ephemeral('Progress follows in the thread').waitFor();
      // The root says "running" first and is edited into the summary when the run ends.
      const summary = channelMessage('VPN status').filter({ hasText: '7 routers' });
      await summary.waitFor();
      expect(await summary.innerText()).toMatch(/7 routers · \d+ tunnels up/);

      await summary.getByTestId('replies-link').click();
      const thread = page.getByTestId('thread-pane');
      for (const region of REGIONS)
        await thread.getByText(region, { exact: false }).first().waitFor();
      const details = await thread.innerText();
      for (const router of demo.world.topology.routers.map((r) => r.name))
        expect(details).toContain(router);
      await screenshot('demo-status');

      // Bad input: Slack shows the bot's answer to alice alone, marked as such.
      await page.getByTestId('thread-close').click();
      await type('message-box', '/vpn status mars-1');
      const error = ephemeral('mars-1 is neither a region nor a router of this inventory');
      await error.waitFor();
      expect(await error.getByTestId('ephemeral-note').innerText()).toContain(
        'Only visible to you',
      );
      expect(await error.innerText()).toContain('regions: ap-northeast-1');
      // Nothing was started for it: still exactly one summary in the channel.
      expect(await channelMessage('VPN status').count()).toBe(1);

      // bob does not see alice's ephemeral lines.
      await page.getByTestId('user-switcher').selectOption('U0BOB');
      await error.waitFor({ state: 'detached' });
      await page.getByTestId('user-switcher').selectOption('U0ALICE');
    },
  );

  it(
    'scales up hub-tokyo-a: alice asks but may not ' +
      'approve, bob approves, and the checklist finishes',
    async () => {
      const before = demo.world.router('hub-tokyo-a').instanceId;
      await page.getByTestId('user-switcher').selectOption('U0ALICE');
      await type('message-box', '/router scaleup hub-tokyo-a');
      const root = channelMessage('/router scaleup hub-tokyo-a').filter({
        hasText: 'awaiting approval',
      });
      await root.waitFor();
      await root.getByTestId('replies-link').click();
      const thread = page.getByTestId('thread-pane');
      // The prompt shows the concrete plan the approver approves, not just a command line.
      const approve = thread.getByTestId('button-run_approve');
      await approve.waitFor();
      expect(await thread.innerText()).toContain('c5.xlarge');

      // alice (a developer) may not approve: the click is refused in words she can act on, in
      // the thread, visible to her alone.
      await approve.click();
      const refusal = thread
        .locator('[data-testid="message"].ephemeral')
        .filter({ hasText: 'you are not an approver of run' });
      await refusal.waitFor();
      expect(await refusal.innerText()).toContain('@bob');

      await page.getByTestId('user-switcher').selectOption('U0BOB');
      await refusal.waitFor({ state: 'detached' });
      await approve.waitFor();
      await screenshot('demo-approval');
      await approve.click();
      // The prompt loses its buttons and says who decided; the checklist runs to the end.
      await thread.getByText('Approved by', { exact: false }).first().waitFor();
      const done = thread
        .locator('[data-testid="message"]')
        .filter({ hasText: /(\d+)\/\1 steps done/ })
        .filter({ hasText: 'succeeded' });
      await done.waitFor({ timeout: 45_000 });
      expect(await thread.getByTestId('button-run_approve').count()).toBe(0);
      const checklist = await done.innerText();
      expect(checklist).not.toMatch(/❌|⚪|⏳/u);
      // Show the finished checklist itself, not the end of the thread
      // (a string: no DOM types here).
      await page.evaluate(
        `(() => [...document.querySelectorAll('#thread-messages [data-testid="message"]')]
        .find((m) => /steps done/.test(m.textContent) && /succeeded/.test(m.textContent))
        ?.scrollIntoView({ block: 'start' }))()`,
      );
      await screenshot('demo-scaleup-done');

      // The world agrees: a new instance now answers as hub-tokyo-a.
      expect(demo.world.router('hub-tokyo-a').instanceId).not.toBe(before);
    },
  );
});
