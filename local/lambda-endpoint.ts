/**
 * A loopback Lambda Invoke endpoint that hosts bundled handlers (`dist/<fn>/index.js`), for the local stack and
 * the end-to-end tests. cognito-local calls its triggers through it, the admin CLI calls the admin function
 * through it (`--endpoint-url`), and the API Gateway stand-in invokes the authorizer with `invoke()`.
 *
 * Exported API:
 * - `startLambdaEndpoint(options?) → Promise<LambdaEndpoint>`; options `{ port?, host?, region?, accountId?,
 *   functions?: LambdaFunctionSpec[], onLog?(functionName, line) }`. `port` 0/absent = pick a free one.
 * - `LambdaEndpoint`: `endpoint` (http://127.0.0.1:<port>), `port`, `deploy(spec)` (add or replace a function,
 *   like CreateFunction/UpdateFunctionCode — a fresh "container"), `invoke(name, event)` → `InvokeResult`
 *   (same semantics as the HTTP API, without the HTTP hop), `logs(name)` (lines the function wrote to stdout/
 *   stderr, newest last), `functionArn(name)`, `stop()`.
 * - `LambdaFunctionSpec`: `{ name, bundle (absolute path to a CommonJS file), env?, handler? ('handler'),
 *   timeoutMs? (30 000, counted from the end of the cold start as Lambda counts it), memoryMb? (128) }`.
 * - `bundlePath(fn, distDir?)` → absolute path of `dist/<fn>/index.js`; `assertBundlesBuilt(fns, distDir?)` throws a one-line
 *   `MissingBundleError` that says to run `npm run build`.
 *
 * HTTP: `POST /2015-03-31/functions/<name|arn>/invocations` with `X-Amz-Invocation-Type` `RequestResponse`
 * (default), `Event` (202, runs in the background) or `DryRun` (204), and `X-Amz-Log-Type: Tail`
 * (`X-Amz-Log-Result`, base64 of the last 4 KB of the invocation's log lines). A thrown error answers 200 with
 * `X-Amz-Function-Error: Unhandled` and `{errorType, errorMessage, trace}` as Lambda does; an unknown function
 * answers 404 `ResourceNotFoundException`; a body that is not JSON answers 400 `InvalidRequestContentException`.
 * Request signatures are not checked (loopback only).
 *
 * Each function runs in its own worker thread with its own `process.env` (like separate Lambda containers:
 * the functions read overlapping variable names with different values). The env holds only what Lambda sets
 * (AWS_REGION, AWS_LAMBDA_FUNCTION_NAME, …), dummy credentials, and the spec's `env` — never the caller's own
 * AWS credentials or profile. Unlike Lambda, one container serves concurrent invocations (async handlers
 * interleave); a crashed container is replaced on the next invocation.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { LOCAL_AWS } from './dynalite.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface LambdaFunctionSpec {
  readonly name: string;
  /** Absolute path of a CommonJS file exporting the handler. */
  readonly bundle: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Export name of the handler; default `handler`. */
  readonly handler?: string;
  readonly timeoutMs?: number;
  readonly memoryMb?: number;
}

export interface InvokeResult {
  /** 200 for a completed RequestResponse invocation (also when the function threw). */
  readonly statusCode: number;
  /** `Unhandled` when the function threw, timed out or its container crashed. */
  readonly functionError?: 'Unhandled';
  /** The function's result (or `{errorType, errorMessage, trace}`), JSON-decoded. */
  readonly payload: unknown;
  readonly durationMs: number;
}

export interface LambdaEndpoint {
  readonly endpoint: string;
  readonly port: number;
  deploy(spec: LambdaFunctionSpec): void;
  invoke(name: string, event: unknown): Promise<InvokeResult>;
  logs(name: string): readonly string[];
  functionArn(name: string): string;
  stop(): Promise<void>;
}

export interface LambdaEndpointOptions {
  readonly port?: number;
  readonly host?: string;
  readonly region?: string;
  readonly accountId?: string;
  readonly functions?: readonly LambdaFunctionSpec[];
  /** Called with every line a function writes to stdout/stderr (its CloudWatch log, locally). */
  readonly onLog?: (functionName: string, line: string) => void;
}

export class MissingBundleError extends Error {
  constructor(readonly missing: readonly string[]) {
    super(
      `Missing build output ${missing.map((m) => `dist/${m}/index.js`).join(', ')}: run \`npm run build\` first.`,
    );
    this.name = 'MissingBundleError';
  }
}

export function bundlePath(fn: string, distDir = join(ROOT, 'dist')): string {
  return join(distDir, fn, 'index.js');
}

/** Throws a one-line MissingBundleError naming every bundle that is not built yet. */
export function assertBundlesBuilt(fns: readonly string[], distDir?: string): void {
  const missing = fns.filter((fn) => !existsSync(bundlePath(fn, distDir)));
  if (missing.length) throw new MissingBundleError(missing);
}

const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;
const MAX_LOG_LINES = 2000;
/** Starts the line a container writes on stdout and stderr after an invocation's last line (never logged). */
const END_MARK = '\u0000invocation-end ';
/** How long an answer waits for its end marks before it goes out anyway (a handler that closed its stdout). */
const END_MARK_WAIT_MS = 2_000;

// The container: loads the bundle lazily on first invocation (cold start), then serves invocations.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
let handler;
function load() {
  if (handler) return handler;
  const mod = require(workerData.bundle);
  const fn = mod[workerData.handlerName];
  if (typeof fn !== 'function') {
    const e = new Error(workerData.bundle + ' does not export a function named ' + workerData.handlerName);
    e.name = 'Runtime.HandlerNotFound';
    throw e;
  }
  handler = fn;
  return fn;
}
function describe(err) {
  if (err instanceof Error) {
    return { errorType: err.name || 'Error', errorMessage: err.message, trace: String(err.stack || '').split('\\n') };
  }
  return { errorType: 'string', errorMessage: String(err), trace: [] };
}
// Each stream carries an end mark after the invocation's last line, so the endpoint answers (and cuts the log
// tail) only once every line the invocation wrote has arrived: stdout, stderr and messages travel separately.
function finish(result) {
  const mark = ${JSON.stringify(END_MARK)} + result.id + '\\n';
  process.stdout.write(mark);
  process.stderr.write(mark);
  parentPort.postMessage(result);
}
parentPort.on('message', async (msg) => {
  let fn;
  try {
    fn = load();
  } catch (err) {
    const d = describe(err);
    if (!String(d.errorType).startsWith('Runtime.')) d.errorType = 'Runtime.ImportModuleError';
    finish({ id: msg.id, ok: false, error: d });
    return;
  }
  // Init is over: the invocation's timeout starts now (Lambda does not count the init phase against it).
  const deadline = Date.now() + msg.timeoutMs;
  parentPort.postMessage({ id: msg.id, started: true });
  const context = {
    ...msg.context,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  try {
    const result = await new Promise((resolve, reject) => {
      const callback = (err, value) => (err ? reject(err) : resolve(value));
      const maybe = fn(msg.event, context, callback);
      if (maybe && typeof maybe.then === 'function') maybe.then(resolve, reject);
      else if (fn.length < 3) resolve(maybe);
    });
    finish({ id: msg.id, ok: true, payload: JSON.stringify(result === undefined ? null : result) });
  } catch (err) {
    finish({ id: msg.id, ok: false, error: describe(err) });
  }
});
`;

type InvocationResult = { ok: boolean; payload?: string; error?: unknown };

interface Pending {
  readonly worker: Worker;
  resolve(result: InvocationResult): void;
  timer: NodeJS.Timeout;
  /** The handler's answer, held until both streams' end marks arrive. */
  result?: InvocationResult;
  /** End marks seen so far (stdout, stderr). */
  endMarks: number;
  /** The handler is loaded: the function's own timeout replaces the init limit. */
  started(): void;
}

/**
 * Lambda gives a function's init phase 10 s of its own and, when that is not enough, retries it within the
 * invocation's timeout; so a cold start here may take that long before the function's timeout starts to run.
 * A slow box (module loading is CPU-bound) then never turns a cold start into "Task timed out".
 */
const INIT_LIMIT_MS = 10_000;

class Container {
  private worker: Worker | undefined;
  private readonly pending = new Map<string, Pending>();
  readonly logLines: string[] = [];

  constructor(
    readonly spec: LambdaFunctionSpec,
    private readonly baseEnv: Record<string, string>,
    private readonly onLog: ((fn: string, line: string) => void) | undefined,
  ) {}

  private start(): Worker {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      env: { ...this.baseEnv, ...(this.spec.env ?? {}) },
      workerData: { bundle: this.spec.bundle, handlerName: this.spec.handler ?? 'handler' },
      stdout: true,
      stderr: true,
    });
    for (const stream of [worker.stdout, worker.stderr]) {
      let buffered = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        buffered += chunk;
        let nl = buffered.indexOf('\n');
        while (nl >= 0) {
          const line = buffered.slice(0, nl);
          // A handler's last write may lack its newline: the mark then ends that line.
          const mark = line.indexOf(END_MARK);
          if (mark < 0) this.log(line);
          else {
            if (mark > 0) this.log(line.slice(0, mark));
            this.endMarkSeen(line.slice(mark + END_MARK.length));
          }
          buffered = buffered.slice(nl + 1);
          nl = buffered.indexOf('\n');
        }
      });
    }
    worker.on(
      'message',
      (msg: { id: string; ok: boolean; started?: true; payload?: string; error?: unknown }) => {
        const p = this.pending.get(msg.id);
        if (!p) return;
        if (msg.started) {
          p.started();
          return;
        }
        clearTimeout(p.timer);
        p.result = msg;
        if (p.endMarks === 2) this.settle(msg.id, msg);
        else p.timer = setTimeout(() => this.settle(msg.id, msg), END_MARK_WAIT_MS);
      },
    );
    const crash = (message: string) => {
      if (this.worker === worker) this.worker = undefined;
      for (const [id, p] of this.pending) {
        if (p.worker !== worker) continue;
        // An answer already given stands; the lines it wrote before the crash are all there are.
        this.settle(
          id,
          p.result ?? { ok: false, error: { errorType: 'Runtime.ExitError', errorMessage: message } },
        );
      }
    };
    worker.on('error', (err) => {
      this.log(`container crashed: ${err.message}`);
      crash(`RequestId: container crashed: ${err.message}`);
    });
    worker.on('exit', (code) => crash(`Runtime exited with error: exit status ${code}`));
    worker.unref();
    return worker;
  }

  private endMarkSeen(id: string): void {
    const p = this.pending.get(id);
    if (!p) return;
    p.endMarks += 1;
    if (p.endMarks === 2 && p.result) this.settle(id, p.result);
  }

  private settle(id: string, result: InvocationResult): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    p.resolve(result);
  }

  private log(line: string): void {
    this.logLines.push(line);
    if (this.logLines.length > MAX_LOG_LINES) this.logLines.splice(0, this.logLines.length - MAX_LOG_LINES);
    this.onLog?.(this.spec.name, line);
  }

  run(
    event: unknown,
    context: Record<string, unknown>,
  ): Promise<{ ok: boolean; payload?: string; error?: unknown }> {
    if (!this.worker) this.worker = this.start();
    const worker = this.worker;
    const timeoutMs = this.spec.timeoutMs ?? 30_000;
    const id = randomUUID();
    return new Promise((resolve) => {
      const expire = () => {
        this.pending.delete(id);
        const seconds = (timeoutMs / 1000).toFixed(2);
        this.log(`${new Date().toISOString()} ${id} Task timed out after ${seconds} seconds`);
        // Lambda discards a timed-out container; so do we.
        if (this.worker === worker) this.worker = undefined;
        void worker.terminate();
        resolve({
          ok: false,
          error: { errorType: 'Sandbox.Timedout', errorMessage: `Task timed out after ${seconds} seconds` },
        });
      };
      const pending: Pending = {
        worker,
        resolve,
        endMarks: 0,
        timer: setTimeout(expire, INIT_LIMIT_MS + timeoutMs),
        started: () => {
          clearTimeout(pending.timer);
          pending.timer = setTimeout(expire, timeoutMs);
        },
      };
      this.pending.set(id, pending);
      worker.postMessage({ id, event, context: { ...context, awsRequestId: id }, timeoutMs });
    });
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
    if (worker) await worker.terminate();
  }
}

/** The dummy access key id a function's container signs with: `LOCAL` and the function name. */
export function functionAccessKeyId(functionName: string): string {
  return `LOCAL${functionName.replace(/[^A-Za-z0-9]/g, '').toUpperCase()}`;
}

export async function startLambdaEndpoint(options: LambdaEndpointOptions = {}): Promise<LambdaEndpoint> {
  const host = options.host ?? '127.0.0.1';
  const region = options.region ?? LOCAL_AWS.region;
  const accountId = options.accountId ?? '000000000000';
  const containers = new Map<string, Container>();
  const functionArn = (name: string) => `arn:aws:lambda:${region}:${accountId}:function:${name}`;

  const baseEnvFor = (spec: LambdaFunctionSpec): Record<string, string> => ({
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    // Named after the function: a recorder in front of an emulator can tell which function signed a call.
    AWS_ACCESS_KEY_ID: functionAccessKeyId(spec.name),
    AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
    AWS_SESSION_TOKEN: 'local',
    // Keep the developer's ~/.aws profile out of the containers.
    AWS_CONFIG_FILE: join(dirname(spec.bundle), '.no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dirname(spec.bundle), '.no-aws-credentials'),
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_LAMBDA_FUNCTION_NAME: spec.name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMb ?? 128),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${spec.name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: `local/[$LATEST]${randomUUID().replaceAll('-', '')}`,
    LAMBDA_TASK_ROOT: dirname(spec.bundle),
    TZ: 'UTC',
    NODE_ENV: 'production',
    // Lambda runs Node 22; the SDK's Node 20 deprecation notice would only clutter the local logs.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });

  const deploy = (spec: LambdaFunctionSpec) => {
    const previous = containers.get(spec.name);
    if (previous) void previous.stop();
    containers.set(spec.name, new Container(spec, baseEnvFor(spec), options.onLog));
  };
  for (const spec of options.functions ?? []) deploy(spec);

  const invoke = async (name: string, event: unknown): Promise<InvokeResult> => {
    const container = containers.get(name);
    if (!container) throw new Error(`Function not found: ${functionArn(name)}`);
    const started = performance.now();
    const result = await container.run(event, {
      functionName: name,
      functionVersion: '$LATEST',
      invokedFunctionArn: functionArn(name),
      memoryLimitInMB: String(container.spec.memoryMb ?? 128),
      logGroupName: `/aws/lambda/${name}`,
      logStreamName: 'local',
    });
    const durationMs = performance.now() - started;
    if (result.ok) return { statusCode: 200, payload: JSON.parse(result.payload ?? 'null'), durationMs };
    return { statusCode: 200, functionError: 'Unhandled', payload: result.error, durationMs };
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent)
        sendError(res, 500, 'ServiceException', err instanceof Error ? err.message : String(err));
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://local');
    const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(url.pathname);
    if (req.method !== 'POST' || !match?.[1]) {
      sendError(res, 404, 'UnknownOperationException', `Unknown operation ${req.method} ${url.pathname}`);
      return;
    }
    const body = await readBody(req);
    if (body === undefined) {
      sendError(
        res,
        413,
        'RequestTooLargeException',
        'Request must be smaller than 6291456 bytes for the InvokeFunction operation',
      );
      return;
    }
    const nameOrArn = decodeURIComponent(match[1]);
    const name = /(?:^|:function:)([A-Za-z0-9_-]+)(?::[^:]+)?$/.exec(nameOrArn)?.[1] ?? nameOrArn;
    if (!containers.has(name)) {
      sendError(res, 404, 'ResourceNotFoundException', `Function not found: ${functionArn(name)}`);
      return;
    }
    let event: unknown;
    try {
      event = body.length ? JSON.parse(body.toString('utf8')) : {};
    } catch {
      sendError(res, 400, 'InvalidRequestContentException', 'Could not parse request body into json');
      return;
    }
    const invocationType = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    const headers: Record<string, string> = {
      'x-amzn-requestid': randomUUID(),
      'x-amz-executed-version': '$LATEST',
    };
    if (invocationType === 'DryRun') {
      res.writeHead(204, headers).end();
      return;
    }
    if (invocationType === 'Event') {
      void invoke(name, event);
      res.writeHead(202, headers).end();
      return;
    }
    if (invocationType !== 'RequestResponse') {
      sendError(res, 400, 'InvalidParameterValueException', `Unsupported invocation type ${invocationType}`);
      return;
    }
    const container = containers.get(name);
    const logStart = container?.logLines.length ?? 0;
    const result = await invoke(name, event);
    if (result.functionError) headers['x-amz-function-error'] = result.functionError;
    if (String(req.headers['x-amz-log-type'] ?? '') === 'Tail' && container) {
      const tail = container.logLines.slice(Math.min(logStart, container.logLines.length)).join('\n');
      headers['x-amz-log-result'] = Buffer.from(tail.slice(-4096)).toString('base64');
    }
    res.writeHead(200, { ...headers, 'content-type': 'application/json' });
    res.end(JSON.stringify(result.payload));
  }

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(`Port ${options.port} is in use (Lambda endpoint): free it or pick another port.`)
          : err,
      );
    });
    server.listen(options.port ?? 0, host, () => resolvePromise());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    endpoint: `http://${host}:${port}`,
    port,
    deploy,
    invoke,
    functionArn,
    logs: (name) => containers.get(name)?.logLines ?? [],
    async stop() {
      await new Promise<void>((resolvePromise) => {
        server.close(() => resolvePromise());
        server.closeAllConnections();
      });
      await Promise.all([...containers.values()].map((c) => c.stop()));
    },
  };
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolvePromise, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_PAYLOAD_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolvePromise(tooLarge ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendError(res: ServerResponse, status: number, type: string, message: string): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'x-amzn-errortype': type,
    'x-amzn-requestid': randomUUID(),
  });
  res.end(JSON.stringify({ Type: 'User', Message: message, message }));
}
