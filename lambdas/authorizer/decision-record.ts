/**
 * One line per decision that is both the decision log and the CloudWatch EMF metrics document.
 *
 * CloudWatch extracts the metrics named in `_aws` and keeps every other property as a queryable log field, so a
 * single JSON line carries the decision (decision, reason, scope, event kind, token use, sub, latencies) and the
 * counters (decisions by reason, store latency, store errors, round trips). This halves the per-decision
 * serialisation and output cost against a log line plus a separate EMF line (figures in docs/authorizer.md) —
 * the authorizer runs on every API request, next to a verification that costs only ~30 µs.
 *
 * The line is assembled from fixed vocabulary (reasons, scopes, event kinds: identifiers from this code) and
 * JSON-encoded values; the only free text, `sub`, went through signature verification and is redacted like every
 * log value. Never a token, never a header. Below `info` (LOG_LEVEL=warn/error) an allow keeps only its metrics.
 */
import { writeSync } from 'node:fs';
import { type LogLevel, redact } from '../adapters/observability.js';

export interface DecisionFields {
  readonly decision: 'allow' | 'deny';
  readonly reason: string;
  readonly scope?: string | undefined;
  readonly eventKind: string;
  readonly tokenUse?: string | undefined;
  readonly sub?: string | undefined;
  readonly latencyMs: number;
  readonly storeMs?: number | undefined;
  readonly errorKind?: string | undefined;
  /** `warn` for decisions an operator must see (store errors, fail-open, internal errors). */
  readonly level: 'info' | 'warn';
}

export interface DecisionRecorder {
  /** Adds to a counter of the current invocation (e.g. `StoreRoundTrips`); written with the next decision. */
  count(name: string, value?: number): void;
  /** Writes the decision line (and the counters added since the last one). */
  record(fields: DecisionFields): void;
}

export interface DecisionRecorderOptions {
  readonly namespace: string;
  readonly service: string;
  readonly level: LogLevel;
  /** Receives each complete line, newline included. */
  readonly write: (line: string) => void;
}

const METRIC_NAME = /^[A-Za-z0-9_]{1,100}$/;
const round = (ms: number) => Math.round(ms * 100) / 100;

export function createDecisionRecorder(options: DecisionRecorderOptions): DecisionRecorder {
  const infoEnabled = options.level === 'debug' || options.level === 'info';
  const warnEnabled = options.level !== 'error';
  // Everything but the numbers and `sub` depends only on the kind of decision: build it once per kind.
  interface Shape {
    readonly meta: string;
    readonly log: string;
    readonly fixed: string;
  }
  const shapes = new Map<string, Shape>();
  let counters = new Map<string, number>();

  function shapeOf(f: DecisionFields, logged: boolean, counterNames: readonly string[]): Shape {
    const names = [f.decision === 'allow' ? 'Allowed' : 'Denied', `Reason_${f.reason}`];
    if (f.scope) names.push(`Revoked_${f.scope}`);
    if (f.reason === 'fail_open' || f.reason === 'store_error') names.push('StoreErrors');
    if (f.reason === 'fail_open') names.push('FailOpen');
    const fixed = names.map((n) => `,"${n}":1`).join('');
    if (f.storeMs !== undefined) names.push('StoreLatency');
    names.push(...counterNames);
    const metrics = names
      .map((n) => `{"Name":"${n}","Unit":"${n === 'StoreLatency' ? 'Milliseconds' : 'Count'}"}`)
      .join(',');
    const meta = `,"CloudWatchMetrics":[{"Namespace":${JSON.stringify(options.namespace)},"Dimensions":[["service"]],"Metrics":[${metrics}]}]},"service":${JSON.stringify(options.service)}`;
    let log = '';
    if (logged) {
      log = `,"level":"${f.level}","message":"authorizer decision","decision":"${f.decision}","reason":"${f.reason}"`;
      if (f.scope) log += `,"scope":"${f.scope}"`;
      log += `,"eventKind":"${f.eventKind}"`;
      if (f.tokenUse) log += `,"tokenUse":"${f.tokenUse}"`;
    }
    return { meta, log, fixed };
  }

  return {
    count(name, value = 1) {
      if (!METRIC_NAME.test(name)) return;
      counters.set(name, (counters.get(name) ?? 0) + value);
    },
    record(f) {
      const logged = f.level === 'warn' ? warnEnabled : infoEnabled;
      let counterNames: string[] = [];
      let counterValues = '';
      if (counters.size > 0) {
        counterNames = [...counters.keys()];
        for (const [name, value] of counters) counterValues += `,"${name}":${value}`;
        counters = new Map();
      }
      const key = `${f.decision}|${f.reason}|${f.scope ?? ''}|${f.storeMs === undefined ? 0 : 1}|${logged ? f.level : ''}|${f.eventKind}|${f.tokenUse ?? ''}|${counterNames.join(',')}`;
      let shape = shapes.get(key);
      if (shape === undefined) {
        shape = shapeOf(f, logged, counterNames);
        shapes.set(key, shape);
      }
      let line = `{"_aws":{"Timestamp":${Date.now()}${shape.meta}`;
      if (logged) {
        line += shape.log;
        // `sub` is a verified id (printable ASCII, no spaces): only the JWT pattern of `redact` can match it.
        if (f.sub !== undefined)
          line += `,"sub":${JSON.stringify(f.sub.includes('eyJ') ? redact(f.sub) : f.sub)}`;
        line += `,"latencyMs":${round(f.latencyMs)}`;
        if (f.storeMs !== undefined) line += `,"storeMs":${round(f.storeMs)}`;
        if (f.errorKind) line += `,"errorKind":${JSON.stringify(f.errorKind)}`;
      }
      line += shape.fixed;
      if (f.storeMs !== undefined) line += `,"StoreLatency":${round(f.storeMs)}`;
      options.write(`${line}${counterValues}}\n`);
    },
  };
}

/**
 * Where decision lines go in Lambda: one synchronous `write(2)` on stdout's file descriptor per line. Synchronous,
 * so a line (and its metrics) is in the pipe before the function returns and the sandbox may be frozen — stream
 * writes can sit in a user-space queue under load and be lost — and without the stream machinery on the hot path
 * (see docs/authorizer.md for the cost). If the host replaced `process.stdout.write` (a log shipper, a test
 * capturing output), or stdout is not that descriptor (a worker thread's stdout), the stream is used instead; a
 * descriptor that refuses the write (EAGAIN) falls back to the stream too.
 */
export function stdoutLineWriter(
  fd = 1,
  stream: () => Pick<NodeJS.WriteStream, 'write'> = () => process.stdout,
): (line: string) => void {
  return (line) => {
    const out = stream() as Pick<NodeJS.WriteStream, 'write'> & { fd?: number };
    // Replaced write (host capture), or a stream that is not this descriptor (e.g. a worker thread's stdout,
    // which its host reads from a message port): use the stream.
    if (Object.hasOwn(out, 'write') || out.fd !== fd) {
      out.write(line);
      return;
    }
    let rest = line;
    try {
      const written = writeSync(fd, line);
      if (written === Buffer.byteLength(line)) return;
      rest = Buffer.from(line).subarray(written).toString('utf8');
    } catch {
      // fall through with the whole line
    }
    out.write(rest);
  };
}
