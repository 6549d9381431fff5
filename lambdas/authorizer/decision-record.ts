/**
 * Decision logs and metrics, priced: the authorizer runs on every API request, and CloudWatch Logs bills every byte
 * written to stdout (docs/cost.md). So:
 * - every deny, store error, fail-open and internal error writes its own log line (an operator must see each);
 * - an ordinary allow writes a line only for a sample (`allowSampleRate`, default 1 %; every allow at `debug`);
 *   a sampled line says its rate, so a Logs Insights count can be scaled back up;
 * - the counters (decisions by outcome and reason, revocation scopes, store errors, round trips, cache hits…) are
 *   aggregated per container and written as ONE CloudWatch EMF document with the first decision at least
 *   `flushIntervalMs` (60 s) after the previous document, or after `flushEveryDecisions` (1,000) decisions,
 *   whichever comes first. Store latency goes out as up to 100 sampled values per document (EMF's value-array
 *   limit), so CloudWatch still computes its percentiles.
 *
 * What a container frozen or killed between two documents loses: the counters of the decisions since the last
 * document — at most 999 decisions or 60 s of them — never a deny's or an error's log line (written at once).
 * Lambda gives no hook before it freezes a sandbox for good, and a flush on a timer would run only when thawed.
 *
 * Lines are assembled from fixed vocabulary (reasons, scopes, event kinds: identifiers from this code) and
 * JSON-encoded values; the only free text, `sub`, went through signature verification and is redacted like every
 * log value. Never a token, never a header. Below `info` (LOG_LEVEL=warn/error) denies are not logged either; the
 * metrics are written at every level.
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
  /** Adds to a container counter (e.g. `StoreRoundTrips`); written with the next metrics document. */
  count(name: string, value?: number): void;
  /** Counts the decision, writes its log line when it is logged, and the metrics document when one is due. */
  record(fields: DecisionFields): void;
  /** Writes the metrics document now (nothing when no counter moved). */
  flush(): void;
}

export interface DecisionRecorderOptions {
  readonly namespace: string;
  readonly service: string;
  readonly level: LogLevel;
  /** Receives each complete line, newline included. */
  readonly write: (line: string) => void;
  /** Share of ordinary allows written as a log line at `info` (0–1). Default 0.01. */
  readonly allowSampleRate?: number;
  /** Decisions per metrics document at most. Default 1,000. */
  readonly flushEveryDecisions?: number;
  /** A document goes out with the first decision this long after the previous one. Default 60,000 ms. */
  readonly flushIntervalMs?: number;
  /** Epoch milliseconds; defaults to `Date.now`. */
  readonly clock?: () => number;
  /** Uniform in [0, 1); defaults to `Math.random` (sampling needs no cryptographic quality). */
  readonly random?: () => number;
}

export const DEFAULT_ALLOW_SAMPLE_RATE = 0.01;
export const DEFAULT_FLUSH_EVERY_DECISIONS = 1000;
export const DEFAULT_FLUSH_INTERVAL_MS = 60_000;
/** EMF accepts at most 100 values for one metric in one document. */
const MAX_LATENCY_VALUES = 100;

const METRIC_NAME = /^[A-Za-z0-9_]{1,100}$/;
const round = (ms: number) => Math.round(ms * 100) / 100;

export function createDecisionRecorder(options: DecisionRecorderOptions): DecisionRecorder {
  const debugEnabled = options.level === 'debug';
  const infoEnabled = debugEnabled || options.level === 'info';
  const warnEnabled = options.level !== 'error';
  const sampleRate = options.allowSampleRate ?? DEFAULT_ALLOW_SAMPLE_RATE;
  const everyDecisions = options.flushEveryDecisions ?? DEFAULT_FLUSH_EVERY_DECISIONS;
  const intervalMs = options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
  const clock = options.clock ?? Date.now;
  const random = options.random ?? Math.random;
  const service = JSON.stringify(options.service);
  const head = `{"_aws":{"Timestamp":`;
  const directive = `,"CloudWatchMetrics":[{"Namespace":${JSON.stringify(options.namespace)},"Dimensions":[["service"]],"Metrics":[`;

  let counters = new Map<string, number>();
  let latencies: number[] = [];
  let latencySeen = 0;
  let decisions = 0;
  let lastFlush = clock();
  // The fixed part of a log line depends only on the kind of decision: built once per kind.
  const prefixes = new Map<string, string>();
  const reasonNames = new Map<string, string>();

  const add = (name: string, value: number) => {
    counters.set(name, (counters.get(name) ?? 0) + value);
  };

  function prefixOf(f: DecisionFields, sampled: boolean): string {
    const key = `${f.level}|${f.decision}|${f.reason}|${f.scope ?? ''}|${f.eventKind}|${f.tokenUse ?? ''}|${sampled ? 1 : 0}`;
    let prefix = prefixes.get(key);
    if (prefix === undefined) {
      prefix = `{"level":"${f.level}","service":${service},"message":"authorizer decision","decision":"${f.decision}","reason":"${f.reason}"`;
      if (f.scope) prefix += `,"scope":"${f.scope}"`;
      prefix += `,"eventKind":"${f.eventKind}"`;
      if (f.tokenUse) prefix += `,"tokenUse":"${f.tokenUse}"`;
      if (sampled) prefix += `,"sampleRate":${sampleRate}`;
      prefixes.set(key, prefix);
    }
    return prefix;
  }

  function logLine(f: DecisionFields, sampled: boolean): void {
    let line = prefixOf(f, sampled);
    // `sub` is a verified id (printable ASCII, no spaces): only the JWT pattern of `redact` can match it.
    if (f.sub !== undefined)
      line += `,"sub":${JSON.stringify(f.sub.includes('eyJ') ? redact(f.sub) : f.sub)}`;
    line += `,"latencyMs":${round(f.latencyMs)}`;
    if (f.storeMs !== undefined) line += `,"storeMs":${round(f.storeMs)}`;
    if (f.errorKind) line += `,"errorKind":${JSON.stringify(f.errorKind)}`;
    options.write(`${line}}\n`);
  }

  function isLogged(f: DecisionFields): { logged: boolean; sampled: boolean } {
    if (f.level === 'warn') return { logged: warnEnabled, sampled: false };
    if (f.decision === 'deny' || debugEnabled) return { logged: infoEnabled, sampled: false };
    const logged = infoEnabled && sampleRate > 0 && (sampleRate >= 1 || random() < sampleRate);
    return { logged, sampled: logged && sampleRate < 1 };
  }

  function flush(): void {
    const now = clock();
    lastFlush = now;
    decisions = 0;
    if (counters.size === 0 && latencies.length === 0) return;
    let names = '';
    let values = '';
    for (const [name, value] of counters) {
      names += `${names ? ',' : ''}{"Name":"${name}","Unit":"Count"}`;
      values += `,"${name}":${value}`;
    }
    if (latencies.length > 0) {
      names += `${names ? ',' : ''}{"Name":"StoreLatency","Unit":"Milliseconds"}`;
      values += `,"StoreLatency":[${latencies.join(',')}]`;
    }
    counters = new Map();
    latencies = [];
    latencySeen = 0;
    options.write(`${head}${now}${directive}${names}]}]},"service":${service}${values}}\n`);
  }

  function countDecision(f: DecisionFields): void {
    add(f.decision === 'allow' ? 'Allowed' : 'Denied', 1);
    let reasonName = reasonNames.get(f.reason);
    if (reasonName === undefined) {
      reasonName = `Reason_${f.reason}`;
      reasonNames.set(f.reason, reasonName);
    }
    add(reasonName, 1);
    if (f.scope) add(`Revoked_${f.scope}`, 1);
    if (f.reason === 'fail_open' || f.reason === 'store_error') add('StoreErrors', 1);
    if (f.reason === 'fail_open') add('FailOpen', 1);
    if (f.storeMs !== undefined) {
      // Reservoir sampling: every store latency of the period has the same chance to be among the 100 sent.
      latencySeen++;
      if (latencies.length < MAX_LATENCY_VALUES) latencies.push(round(f.storeMs));
      else {
        const slot = Math.floor(random() * latencySeen);
        if (slot < MAX_LATENCY_VALUES) latencies[slot] = round(f.storeMs);
      }
    }
  }

  return {
    count(name, value = 1) {
      if (!METRIC_NAME.test(name) || name === 'StoreLatency') return;
      add(name, value);
    },
    record(f) {
      countDecision(f);
      const { logged, sampled } = isLogged(f);
      if (logged) logLine(f, sampled);
      decisions++;
      if (decisions >= everyDecisions || clock() - lastFlush >= intervalMs) flush();
    },
    flush,
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
