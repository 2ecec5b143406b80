import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';

/**
 * Debian's headless Chromium; a missing browser fails the test with how to install it, never skips
 * it.
 */
export async function launchChromium(what: string): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${what} drives Debian's Chromium at ${CHROMIUM}, which is missing. Install it with ` +
        ('`apt-get update && DEBIAN_FRONTEND=noninteractive apt-get ' +
          'install -y chromium` (not `npx playwright install`).'),
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    // No background networking: this machine's closed network refuses it, noisily.
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
    ],
  });
}
