import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from '../log.js';

/**
 * Bolt's and the Socket Mode client's own messages (a lost socket, a reconnect, a failed
 * apps.connections.open) into flatnet's pino log, as JSON lines with the rest, instead of
 * unstructured text on the console. Bolt asks for warnings and errors only.
 */
export function boltLogger(logger: Logger): SlackLogger {
  const slack = logger.child({ component: 'slack-connection' });
  const order = [LogLevel.DEBUG, LogLevel.INFO, LogLevel.WARN, LogLevel.ERROR];
  let level = LogLevel.WARN;
  const wanted = (at: LogLevel): boolean => order.indexOf(at) >= order.indexOf(level);
  const text = (parts: unknown[]): string => parts.map((p) => String(p)).join(' ');
  return {
    debug: (...parts) => wanted(LogLevel.DEBUG) && slack.debug(text(parts)),
    info: (...parts) => wanted(LogLevel.INFO) && slack.info(text(parts)),
    warn: (...parts) => wanted(LogLevel.WARN) && slack.warn(text(parts)),
    error: (...parts) => wanted(LogLevel.ERROR) && slack.error(text(parts)),
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
