import { describe, expect, it } from 'vitest';
import { freePort } from '../../src/demo/start-private-redis.js';
import { RouterError } from '../../src/errors.js';
import { scanHostKey } from '../../src/scaleup/scan-host-key.js';

describe("a new instance's SSH that cannot be reached", () => {
  it(
    'says what to check, the workers reaching ' + 'its address and the simulator included',
    async () => {
      const port = await freePort();
      const failure = await scanHostKey({ host: '127.0.0.1', port, timeoutMs: 5_000 }).catch(
        (err: unknown) => err,
      );
      expect(failure).toBeInstanceOf(RouterError);
      const { message, hint } = failure as RouterError;
      expect(message).toContain(`cannot read the host key of 127.0.0.1:${port}`);
      expect(hint).toContain('the workers can reach 127.0.0.1');
      expect(hint).toContain('FLATNET_SIM_CONTROL_URL');
    },
  );
});
