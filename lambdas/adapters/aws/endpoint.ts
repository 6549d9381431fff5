/**
 * Where a signed AWS request may go, and with what identity, as the Lambda runtime tells it: region from
 * AWS_REGION (or AWS_DEFAULT_REGION), credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
 * AWS_SESSION_TOKEN, endpoint from the SDK's standard per-service variable, then AWS_ENDPOINT_URL, then the
 * regional `https://<service>.<region>.amazonaws.com` (`.com.cn` in the China regions).
 *
 * The loopback rule: plain http is accepted only towards this machine (an emulator in tests and `npm start`), so a
 * misconfigured endpoint can never send signed requests or fetch keys in clear text over a network.
 */
import type { AwsCredentials } from './sigv4.js';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** https anywhere, plain http only on a loopback host. */
export function isPermittedEndpoint(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
}

export interface AwsService {
  /** What errors call it, e.g. `DynamoDB`. */
  readonly label: string;
  /** The first label of the regional host name, e.g. `dynamodb`. */
  readonly hostPrefix: string;
  /** The SDK's per-service endpoint variable, e.g. `AWS_ENDPOINT_URL_DYNAMODB`. */
  readonly endpointVariable: string;
}

export interface AwsTarget {
  readonly region: string;
  readonly endpoint: URL;
  readonly credentials: AwsCredentials;
}

/** Reads region, endpoint and credentials for `service`; each problem is thrown as `fail(message)`. */
export function awsTargetFromEnv(
  env: NodeJS.ProcessEnv,
  service: AwsService,
  fail: (message: string) => Error,
): AwsTarget {
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (!region) throw fail('AWS_REGION is not set (the Lambda runtime always sets it)');
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw fail(
      'AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are not set (the Lambda runtime sets them from the execution role)',
    );
  }
  const raw =
    env[service.endpointVariable] ||
    env.AWS_ENDPOINT_URL ||
    `https://${service.hostPrefix}.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
  let endpoint: URL;
  try {
    endpoint = new URL(raw);
  } catch {
    throw fail(`${service.label} endpoint "${raw}" is not a URL`);
  }
  if (!isPermittedEndpoint(endpoint)) {
    throw fail(
      `${service.label} endpoint must be https (plain http only on a loopback host), got "${endpoint.origin}"`,
    );
  }
  return {
    region,
    endpoint,
    credentials: { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN || undefined },
  };
}
