/**
 * Structured JSON logs and CloudWatch EMF metrics, both written as single lines to stdout.
 * Created once per container; no API call, no allocation-heavy formatting on the hot path.
 * Tokens never reach a log: callers pass no token, and any string that looks like a JWT or a bearer header is
 * replaced by `[redacted]` as a second line of defence.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type Sink = (line: string) => void;
export const stdoutSink: Sink = (line) => {
  process.stdout.write(`${line}\n`);
};

// Dot-separated base64url segments where the first decodes to a JSON object ("eyJ" = '{"'): a JWS (3 segments, ID
// and access tokens) or a JWE (5 segments: Cognito's refresh tokens) — or an Authorization value.
const SECRET_PATTERN = /eyJ[\w-]*(?:\.[\w-]*){1,4}|\b(?:bearer|basic)\s+\S+/gi;

export function redact(value: string): string {
  return value.replace(SECRET_PATTERN, '[redacted]');
}

function sanitize(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redact(value);
  if (value === null || typeof value !== 'object' || depth > 4) return value;
  if (value instanceof Error) return { name: value.name, message: redact(value.message) };
  if (Array.isArray(value)) return value.map((v) => sanitize(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = sanitize(v, depth + 1);
  return out;
}

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export function parseLogLevel(value: string | undefined): LogLevel {
  const level = (value ?? 'info').trim().toLowerCase();
  if (level in LEVELS) return level as LogLevel;
  throw new Error(`LOG_LEVEL must be one of debug, info, warn, error; got "${value}"`);
}

export function createLogger(options: { service: string; level?: LogLevel; sink?: Sink }): Logger {
  const threshold = LEVELS[options.level ?? 'info'];
  const sink = options.sink ?? stdoutSink;
  const write = (level: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (LEVELS[level] < threshold) return;
    const record = {
      level,
      time: new Date().toISOString(),
      service: options.service,
      message: redact(message),
      ...(fields ? (sanitize(fields) as object) : {}),
    };
    sink(JSON.stringify(record));
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}

export type MetricUnit = 'Count' | 'Milliseconds';

export interface Metrics {
  /** Adds to a metric of the current invocation. */
  add(name: string, value: number, unit?: MetricUnit): void;
  /** Writes one EMF line with everything added since the last flush (nothing if empty). */
  flush(dimensions?: Record<string, string>): void;
}

export function createMetrics(options: { namespace: string; service: string; sink?: Sink }): Metrics {
  const sink = options.sink ?? stdoutSink;
  let values = new Map<string, { value: number; unit: MetricUnit }>();
  return {
    add(name, value, unit = 'Count') {
      const current = values.get(name);
      if (current) current.value += value;
      else values.set(name, { value, unit });
    },
    flush(dimensions = {}) {
      if (values.size === 0) return;
      const dims: Record<string, string> = { service: options.service, ...dimensions };
      const record: Record<string, unknown> = {
        _aws: {
          Timestamp: Date.now(),
          CloudWatchMetrics: [
            {
              Namespace: options.namespace,
              Dimensions: [Object.keys(dims)],
              Metrics: [...values].map(([name, m]) => ({ Name: name, Unit: m.unit })),
            },
          ],
        },
        ...dims,
      };
      for (const [name, m] of values) record[name] = m.value;
      values = new Map();
      sink(JSON.stringify(record));
    },
  };
}
