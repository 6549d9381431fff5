/** Calls the admin signout Lambda through the Lambda Invoke API, with the usual AWS region/profile resolution. */
import { InvokeCommand, type InvokeCommandOutput, LambdaClient } from '@aws-sdk/client-lambda';

export interface InvokeTarget {
  /** Function name, partial or full ARN. */
  readonly functionName: string;
  readonly region?: string | undefined;
  readonly profile?: string | undefined;
  /** A local stack's Lambda endpoint, e.g. http://127.0.0.1:9001. */
  readonly endpointUrl?: string | undefined;
}

export type Invoke = (request: Record<string, unknown>) => Promise<Record<string, unknown>>;

/** The function could not be invoked, or it failed without answering a result. */
export class InvokeError extends Error {
  override readonly name = 'InvokeError';
}

function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host === '127.0.0.1' || host === '[::1]' || host === '::1';
  } catch {
    return false;
  }
}

/** `--endpoint-url` must be an absolute http(s) URL; anything else is a one-line error that says what to give. */
function checkEndpointUrl(url: string): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new InvokeError(
      `--endpoint-url "${url}" is not an http(s) URL: give the Lambda endpoint \`npm start\` prints, e.g. http://127.0.0.1:9001`,
    );
  }
}

/** What to do about a failed Invoke call: the SDK's error plus a hint for the common causes. */
export function explainInvokeFailure(target: InvokeTarget, error: unknown): string {
  const e = error as { name?: string; code?: string; message?: string; errno?: string };
  const message = e.message ?? String(error);
  const code =
    e.code ?? e.errno ?? /\b(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT)\b/.exec(message)?.[1];
  const base = `could not invoke ${target.functionName}: ${e.name ?? 'Error'}: ${message}`;
  const where = target.endpointUrl ?? 'the Lambda API';
  if (code === 'ECONNREFUSED') {
    return target.endpointUrl && isLoopback(target.endpointUrl)
      ? `${base} — nothing listens at ${where}: is the local stack running (\`npm start\`)? Use the Lambda endpoint it prints.`
      : `${base} — nothing listens at ${where}: check --endpoint-url.`;
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return `${base} — the host of ${where} does not resolve: check --endpoint-url / --region and the network.`;
  }
  if (code === 'ETIMEDOUT' || code === 'ECONNRESET' || e.name === 'TimeoutError') {
    return `${base} — no answer from ${where}: check the network (proxy, VPN) and the region.`;
  }
  if (/Region is missing/i.test(message)) {
    return `${base} — pass --region or set AWS_REGION (or a profile with a region).`;
  }
  if (e.name === 'CredentialsProviderError') {
    return `${base} — no AWS credentials found: pass --profile or set AWS_PROFILE (local stack: --endpoint-url http://127.0.0.1:<port>).`;
  }
  if (e.name === 'ResourceNotFoundException') {
    return `${base} — check --function and --region (Terraform output admin_signout_function_name).`;
  }
  if (e.name === 'AccessDeniedException' || e.name === 'AccessDeniedError') {
    return `${base} — your credentials need lambda:InvokeFunction on it (module output admin_invoke_policy_json).`;
  }
  return base;
}

export function createInvoke(target: InvokeTarget): Invoke {
  if (target.endpointUrl !== undefined) checkEndpointUrl(target.endpointUrl);
  const local = target.endpointUrl !== undefined && isLoopback(target.endpointUrl);
  const client = new LambdaClient({
    ...(target.region
      ? { region: target.region }
      : local
        ? { region: process.env.AWS_REGION ?? 'us-east-1' }
        : {}),
    ...(target.profile ? { profile: target.profile } : {}),
    ...(target.endpointUrl ? { endpoint: target.endpointUrl } : {}),
    // A local stack that is not running is refused at once: no retries with back-off before saying so.
    ...(local ? { maxAttempts: 1 } : {}),
    // A local stack does not check signatures: dummy credentials when none are configured.
    ...(local && !target.profile && !process.env.AWS_ACCESS_KEY_ID && !process.env.AWS_PROFILE
      ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  });
  return async (request) => {
    let output: InvokeCommandOutput;
    try {
      output = await client.send(
        new InvokeCommand({
          FunctionName: target.functionName,
          Payload: Buffer.from(JSON.stringify(request)),
        }),
      );
    } catch (error) {
      throw new InvokeError(explainInvokeFailure(target, error));
    }
    const text = output.Payload ? Buffer.from(output.Payload).toString('utf8') : '';
    let payload: unknown;
    try {
      payload = text ? JSON.parse(text) : undefined;
    } catch {
      throw new InvokeError(`${target.functionName} answered something that is not JSON`);
    }
    if (output.FunctionError) {
      const p = payload as { errorType?: string; errorMessage?: string } | undefined;
      throw new InvokeError(
        `${target.functionName} failed: ${p?.errorType ?? output.FunctionError}: ${p?.errorMessage ?? ''}`,
      );
    }
    if (typeof payload !== 'object' || payload === null) {
      throw new InvokeError(
        `${target.functionName} answered no result object: is it the admin signout function?`,
      );
    }
    return payload as Record<string, unknown>;
  };
}
