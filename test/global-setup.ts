// Integration tests need a real Redis. Absent Redis is a failure with instructions, never a skip.
import { Redis } from 'ioredis';

export default async function checkRedis(): Promise<void> {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new Error(
      `flatnet's tests need Redis at ${url} and none answered (${(err as Error).message}).\n` +
        'Start one: `redis-server --daemonize yes --save "" --appendonly no`, or install it with ' +
        ('`apt-get install -y redis-server`, or point ' +
          'REDIS_URL at yours. `bash .ci/run` does this for you.'),
    );
  } finally {
    redis.disconnect();
  }
}
