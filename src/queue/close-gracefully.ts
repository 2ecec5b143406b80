import type { Queue, Worker } from 'bullmq';
import type { RedisClient } from '../util/redis-client.js';
import type { Logger } from '../log.js';

export interface Closables {
  workers: Worker[];
  queues: Array<Pick<Queue, 'close'>>;
  /** Only connections this process created: BullMQ never closes a connection passed to it. */
  connections: RedisClient[];
  logger: Logger;
}

/**
 * Shut down in the order that loses nothing: workers first (let the active steps finish and
 * save, up to the deadline; after it, stop waiting: the unfinished jobs' locks expire and
 * another worker resumes them at their cursor), then queues, then the connections.
 */
export async function closeGracefully(closables: Closables, deadlineMs: number): Promise<void> {
  const log = closables.logger;
  await Promise.all(
    closables.workers.map(async (worker) => {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'deadline'>((resolve) => {
        timer = setTimeout(() => resolve('deadline'), deadlineMs);
      });
      const result = await Promise.race([worker.close().then(() => 'closed' as const), deadline]);
      clearTimeout(timer);
      if (result === 'deadline') {
        // BullMQ's close() cannot be upgraded to a forced one once it started, so we stop
        // waiting instead: abort the processors that listen, and let the caller exit. The
        // jobs' locks then lapse and another worker resumes them at their saved cursor.
        log.warn(
          { deadlineMs },
          'worker still busy at the shutdown deadline: ' +
            'leaving its runs to be resumed by another worker',
        );
        worker.cancelAllJobs('shutdown deadline reached');
      }
    }),
  );
  await Promise.all(closables.queues.map((queue) => queue.close()));
  await Promise.all(
    closables.connections.map(async (connection) => {
      try {
        await connection.quit();
      } catch {
        connection.disconnect();
      }
    }),
  );
}
