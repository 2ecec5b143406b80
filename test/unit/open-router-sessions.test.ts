import { describe, expect, it } from 'vitest';
import type { Logger } from '../../src/log.js';
import type { RouterPool } from '../../src/vyos/router-pool.js';
import { openInBackground } from '../../src/wiring/routers-in-force.js';

describe('router sessions opened for the --pubkey check', () => {
  it('reaches every named router without waiting, and logs one that does not answer', async () => {
    const asked: string[] = [];
    const warned: string[] = [];
    const routers = {
      router: (name: string) => ({
        runningConfig: () => {
          asked.push(name);
          return name === 'spoke-oregon'
            ? Promise.reject(new Error('connection refused'))
            : new Promise<never>(() => undefined); // a hub that takes its time
        },
      }),
    } as unknown as Pick<RouterPool, 'router'>;
    const logger = {
      warn: (fields: { router: string; err: Error }, message: string) =>
        warned.push(`${fields.router}: ${message}: ${fields.err.message}`),
    } as unknown as Logger;

    // Returns at once although the hub never answers.
    openInBackground(routers, ['hub-tokyo-a', 'spoke-oregon'], logger);
    expect(asked).toEqual(['hub-tokyo-a', 'spoke-oregon']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(warned).toEqual([
      'spoke-oregon: router session not opened for the key check: connection refused',
    ]);
  });
});
