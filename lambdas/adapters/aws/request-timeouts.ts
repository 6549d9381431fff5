/**
 * The `requestHandler` options every AWS SDK client of the functions is built with: a bound on connecting and a bound
 * on the answer, and an answer past its bound an error.
 *
 * The last part is not the SDK's default. In @smithy/node-http-handler (4.x, the version the bundles carry) a
 * `requestTimeout` alone only logs a warning ("Init client requestHandler with throwOnRequestTimeout=true to turn
 * this into an error"; `NodeHttpHandlerOptions.throwOnRequestTimeout` in @smithy/types), and the request keeps
 * waiting: an endpoint that accepts the connection and never answers then holds the invocation until Lambda ends
 * it, with no result, no audit line and no metric.
 */
export interface BoundedRequests {
  readonly connectionTimeout: number;
  readonly requestTimeout: number;
  readonly throwOnRequestTimeout: true;
}

export function boundedRequests(connectionTimeoutMs: number, requestTimeoutMs: number): BoundedRequests {
  return {
    connectionTimeout: connectionTimeoutMs,
    requestTimeout: requestTimeoutMs,
    throwOnRequestTimeout: true,
  };
}
