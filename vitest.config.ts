import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests talk to real Redis, SSH and HTTP servers on loopback; give them room
    // on a 2-core machine, but never rely on timing for a verdict. A test that runs several
    // runbooks waits for each with a deadline that names what it waited for (30-90 s); the
    // test's own timeout sits above those, so a slow run fails with that name, not with
    // "timed out in 60000ms" while the whole suite shares two cores.
    testTimeout: 180_000,
    hookTimeout: 60_000,
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    // flatnet targets Node 20 knowingly; the AWS SDK's reminder would bury test output.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    reporters: ['default'],
  },
});
