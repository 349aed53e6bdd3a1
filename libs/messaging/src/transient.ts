/**
 * Errors that say a dependency (PostgreSQL, MongoDB, Kafka) is unreachable for
 * now, not that the message is bad. A consumer waits these out instead of
 * dead-lettering a good message because a server restarted.
 */
const CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  // PostgreSQL: admin shutdown, crash shutdown, cannot connect now, too many connections
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);
const NAMES = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoPoolClearedError',
  'MongoTopologyClosedError',
  'KafkaJSConnectionError',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSRequestTimeoutError',
  'RetryLaterError',
]);

/** Thrown by a handler that must wait for something else to finish first. */
export class RetryLaterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RetryLaterError';
  }
}
const MESSAGES =
  /Connection terminated|connection closed|Client has encountered a connection error|timeout exceeded when trying to connect/i;

export function isTransient(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 5) return false;
  const code = (error as { code?: unknown }).code;
  if ((typeof code === 'string' && CODES.has(code)) || NAMES.has(error.name)) return true;
  if (MESSAGES.test(error.message)) return true;
  // AggregateError (several addresses refused) and wrapped causes.
  const inner = [
    ...((error as { errors?: unknown[] }).errors ?? []),
    (error as { cause?: unknown }).cause,
  ];
  return inner.some((e) => isTransient(e, depth + 1));
}
