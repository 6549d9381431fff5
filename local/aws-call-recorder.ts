/**
 * A recording pass-through in front of a local AWS endpoint (dynalite, cognito-local, the API Gateway stand-in, the
 * Lambda endpoint): every request is forwarded unchanged and described to `onCall` — who signed it (the access key
 * id in the SigV4 credential scope), for which service, which operation and which named resources. The local stack
 * gives every function dummy credentials named after the function, so the description says which function made
 * the call; the IAM proof (test/iam/) checks each one against the function's policy as Terraform renders it.
 *
 * Only names are kept from a body (table, pool, client, function): never a token, a password or an item.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedAwsCall {
  /** Access key id of the SigV4 signature; absent for unsigned requests (token-authorised Cognito calls). */
  readonly accessKeyId?: string;
  /** Service of the SigV4 credential scope (`dynamodb`, `cognito-idp`, `apigateway`, `lambda`). */
  readonly service?: string;
  /** `X-Amz-Target` operation for JSON protocols (`Query`, `AdminGetUser`), else absent. */
  readonly operation?: string;
  readonly method: string;
  /** Request path without the query string. */
  readonly path: string;
  /** Tables a DynamoDB request names (`TableName`, or the keys of `RequestItems`). */
  readonly tables?: readonly string[];
  readonly userPoolId?: string;
}

export interface AwsCallRecorder {
  readonly endpoint: string;
  stop(): Promise<void>;
}

const SCOPE = /Credential=([^/,\s]+)\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/;
const MAX_BODY_BYTES = 4 * 1024 * 1024;

function describeBody(body: Buffer): Pick<RecordedAwsCall, 'tables' | 'userPoolId'> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return {};
  }
  if (parsed === null || typeof parsed !== 'object') return {};
  const o = parsed as Record<string, unknown>;
  const tables =
    typeof o.TableName === 'string'
      ? [o.TableName]
      : o.RequestItems && typeof o.RequestItems === 'object'
        ? Object.keys(o.RequestItems)
        : undefined;
  return {
    ...(tables ? { tables } : {}),
    ...(typeof o.UserPoolId === 'string' ? { userPoolId: o.UserPoolId } : {}),
  };
}

export function describeRequest(req: IncomingMessage, body: Buffer): RecordedAwsCall {
  const scope = SCOPE.exec(String(req.headers.authorization ?? ''));
  const target = String(req.headers['x-amz-target'] ?? '');
  return {
    ...(scope ? { accessKeyId: scope[1], service: scope[2] } : {}),
    ...(target.includes('.') ? { operation: target.slice(target.lastIndexOf('.') + 1) } : {}),
    method: req.method ?? 'GET',
    path: (req.url ?? '/').split('?')[0] ?? '/',
    ...describeBody(body),
  };
}

/** Starts a pass-through to `upstream` (http://host:port) on a free loopback port. */
export async function startAwsCallRecorder(
  upstream: string,
  onCall: (call: RecordedAwsCall) => void,
): Promise<AwsCallRecorder> {
  const target = new URL(upstream);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      onCall(describeRequest(req, body));
      const forward = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: target.host },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', (error) => {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: `recorder: upstream failed: ${error.message}` }));
      });
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
