/**
 * The platform's one structured logger: Powertools Logger, JSON lines with short static messages and the data in
 * fields. The level comes from `POWERTOOLS_LOG_LEVEL` (default INFO).
 */
import { Logger } from '@aws-lambda-powertools/logger';

export type { Logger } from '@aws-lambda-powertools/logger';

/**
 * One logger per function (or tool), named after it.
 *
 * @example
 *   const logger = createLogger('collect');
 *   logger.warn('messages quarantined', { source: 'website', count: 2 });
 */
export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName });
}
