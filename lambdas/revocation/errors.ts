/**
 * How a revocation fails: the error codes every result carries, and the two exceptions an operation may throw
 * (the wrapper in `run.ts` turns both into a `{ ok: false, error }` result — an operation never escapes with one).
 */
import { DirectoryError } from '../core/directory.js';
import { StoreError } from '../core/ports.js';

export type ErrorCode =
  | 'invalid_request'
  | 'user_not_found'
  /** The user given names two different users (e.g. one's sub is another's username): nothing was done. */
  | 'ambiguous_user'
  /** The session id names no recorded session of that user (nor a Cognito session): nothing was written. */
  | 'session_not_found'
  | 'directory_error'
  | 'store_error'
  | 'incomplete'
  | 'configuration'
  | 'internal';

export interface AdminError {
  readonly code: ErrorCode;
  readonly message: string;
}

/** A request that cannot be run as given (a field at fault); mapped to `invalid_request`. */
export class RequestError extends Error {
  override readonly name = 'RequestError';
}

/** An operation that stopped before writing anything, with the code that says why. */
export class OperationError extends Error {
  override readonly name = 'OperationError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** One line for an error from a port, naming the port (never a token: ports never put one in a message). */
export function describe(error: unknown): string {
  if (error instanceof StoreError) return `table ${error.kind}: ${error.message}`;
  if (error instanceof DirectoryError) return `cognito ${error.kind}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/** The code of a thrown error, as results report it. */
export function errorCode(error: unknown): ErrorCode {
  if (error instanceof RequestError) return 'invalid_request';
  if (error instanceof OperationError) return error.code;
  return 'internal';
}
