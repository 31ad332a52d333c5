import type { Logger } from '@nestjs/common';
import type { Queue } from 'bull';

/** How often a queue's connection errors are logged while they repeat (Redis down: every retry). */
const ERROR_LOG_INTERVAL_MS = 30_000;

/**
 * Logs a queue's connection errors. Bull re-emits its Redis clients' errors on the queue and
 * otherwise drops them, so Redis going away would leave no trace in the log but the failed
 * requests.
 */
export function reportQueueErrors(queue: Queue, logger: Logger): void {
  let last = { message: '', at: 0 };
  queue.on('error', (error: Error) => {
    const now = Date.now();
    if (error.message === last.message && now - last.at < ERROR_LOG_INTERVAL_MS) return;
    last = { message: error.message, at: now };
    logger.warn(`Queue ${queue.name}: ${error.message}`);
  });
}
