import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/launch-chromium.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSampleBot, type SampleBot } from '../../src/sim/slack/start-sample-bot.js';
import {
  startSlackEmulator,
  type SlackEmulator,
} from '../../src/sim/slack/start-slack-emulator.js';

const SECRET = 'sim-signing-secret-page';
const TOKEN = 'xoxb-sim-page';

let browser: Browser;
let slack: SlackEmulator;
let bot: SampleBot;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium('The Slack page test');
});

afterAll(async () => {
  await browser?.close();
});

beforeEach(async () => {
  slack = await startSlackEmulator({ signingSecret: SECRET, botToken: TOKEN });
  bot = await startSampleBot({ slackApiUrl: slack.apiUrl, signingSecret: SECRET, botToken: TOKEN });
  slack.setBotUrl(bot.url);
  page = await browser.newPage({ viewport: { width: 1360, height: 820 } });
  page.setDefaultTimeout(10_000);
  await page.goto(`${slack.url}?user=U0ALICE`);
  await page.locator('body[data-ready="true"]').waitFor();
});

afterEach(async () => {
  await page?.close();
  await bot?.close();
  await slack?.close();
});

async function typeInto(testId: string, text: string): Promise<void> {
  await page.getByTestId(testId).fill(text);
  await page.getByTestId(testId).press('Enter');
}

/** A message in the channel everyone sees (ephemeral lines excluded). */
function messageWith(text: string): ReturnType<Page['locator']> {
  return page
    .locator('[data-testid="message-list"] [data-testid="message"]:not(.ephemeral)')
    .filter({ hasText: text });
}

describe('the local Slack page', () => {
  it(
    'runs a slash command, shows the reply live, ' +
      'lets another user approve, and opens the thread',
    async () => {
      await typeInto('message-box', '/vpn status');
      await messageWith('6 routers up').waitFor();
      // The command is echoed as alice typed it, and the emoji shortcode is drawn.
      expect(await messageWith('/vpn status').count()).toBe(1);
      expect(await messageWith('6 routers up').innerText()).toContain('🟢');

      await typeInto('message-box', '/vpn scaleup hub-tokyo-b');
      await messageWith('Scale-up of hub-tokyo-b').waitFor();
      await typeInto('message-box', '/vpn scaleup hub-tokyo-a');
      const request = messageWith('Scale-up of hub-tokyo-a');
      await request.getByTestId('button-approve').waitFor();
      await page.getByTestId('ephemeral-note').first().waitFor();
      expect(await request.innerText()).toContain('@alice asks to scale up');

      // bob takes over the same browser: alice's ephemeral lines are not his to see.
      await page.getByTestId('user-switcher').selectOption('U0BOB');
      await page.getByTestId('ephemeral-note').first().waitFor({ state: 'detached' });
      await request.getByTestId('button-approve').click();
      await request.filter({ hasText: 'Approved by @bob' }).waitFor();
      expect(await request.getByTestId('button-approve').count()).toBe(0);

      await request.getByTestId('replies-link').filter({ hasText: '2 replies' }).click();
      const thread = page.getByTestId('thread-pane');
      await thread.getByText('approved by @bob, starting').waitFor();
      expect(await thread.innerText()).toContain('load facts: load 0.93 over 0.80');

      // A slash command cannot run inside a thread, as in Slack.
      await typeInto('thread-box', '/vpn status');
      await thread.getByText('/vpn is not supported in threads. Sorry!').waitFor();

      // docs/ only when asked (UPDATE_SCREENSHOTS=1): a test run must not dirty the tree.
      const target = process.env.UPDATE_SCREENSHOTS === '1' ? 'docs' : 'test-output';
      mkdirSync(target, { recursive: true });
      await page.mouse.move(120, 700);
      await page.screenshot({ path: `${target}/slack-emulator.png` });

      const store = slack.store;
      const root = store.messages('C0NETOPS').find((m) => m.text === 'Approved by U0BOB');
      expect(root?.replyCount).toBe(2);
    },
  );

  it('opens a modal, shows the bot’s field error, and delivers the files to the DM', async () => {
    await typeInto('message-box', '/vpn add-peer');
    const modal = page.getByTestId('modal');
    await modal.waitFor();
    expect(await page.getByTestId('modal-title').innerText()).toBe('Add a VPN peer');

    await page.getByTestId('modal-input-name').fill('bad name');
    await page.getByTestId('modal-input-region').selectOption('ap-northeast-1');
    await page.getByTestId('modal-option-kind-wireguard').check();
    await page.getByTestId('modal-submit').click();
    await page.getByTestId('modal-error-name').waitFor();
    expect(await page.getByTestId('modal-error-name').innerText()).toContain('letters, digits');
    // What alice typed survives the re-render that shows the error.
    expect(await page.getByTestId('modal-input-name').inputValue()).toBe('bad name');

    await page.getByTestId('modal-input-name').fill('alice-laptop');
    await page.getByTestId('modal-submit').click();
    await modal.waitFor({ state: 'hidden' });

    await page.getByTestId('channel-dm').click();
    const image = page.getByTestId('file-image');
    await image.waitFor();
    // The QR code PNG really loads from the emulator (a string: the test has no DOM types).
    await page.waitForFunction(
      `(() => { const img = document.querySelector('[data-testid="file-image"]'); ` +
        'return img !== null && img.complete && img.naturalWidth > 0; })()',
    );
    const links = await page.getByTestId('file-link').allInnerTexts();
    expect(links).toEqual(['alice-laptop.png', 'alice-laptop.conf']);
    const href = await page
      .getByTestId('file-link')
      .filter({ hasText: 'alice-laptop.conf' })
      .getAttribute('href');
    const conf = await (await fetch(new URL(href ?? '', slack.url))).text();
    expect(conf).toContain('[Interface]');
  });

  it('renders mrkdwn: bold, italic, code, links, mentions and code blocks', async () => {
    await fetch(`${slack.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        channel: 'C0NETOPS',
        text:
          '*bold* _italic_ `code` <https://example.net/runbook|the runbook> ' +
          '<@U0CAROL> :warning:\n```set interfaces wireguard wg0```',
      }),
    });
    const msg = messageWith('the runbook');
    await msg.waitFor();
    const html = await msg.locator('.msg-content').innerHTML();
    expect(html).toContain('<b>bold</b>');
    expect(html).toContain('<i>italic</i>');
    expect(html).toContain('<code>code</code>');
    expect(html).toContain('href="https://example.net/runbook"');
    expect(html).toContain('@carol');
    expect(html).toContain('⚠️');
    expect(html).toContain('<pre class="code-block">set interfaces wireguard wg0</pre>');
  });

  it('shows &lt;@U0CAROL&gt; as the text "<@U0CAROL>" as Slack does, not a mention', async () => {
    await fetch(`${slack.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        channel: 'C0NETOPS',
        text: 'escaped &lt;@U0CAROL&gt; &amp; real <@U0BOB> `a &lt; b`',
      }),
    });
    const msg = messageWith('escaped');
    await msg.waitFor();
    const content = msg.locator('.msg-content');
    expect(await content.innerText()).toContain('escaped <@U0CAROL> & real @bob a < b');
    expect(await content.locator('.mention').allInnerTexts()).toEqual(['@bob']);
  });
});
