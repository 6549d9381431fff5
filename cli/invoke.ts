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

export function createInvoke(target: InvokeTarget): Invoke {
  const local = target.endpointUrl !== undefined && isLoopback(target.endpointUrl);
  const client = new LambdaClient({
    ...(target.region
      ? { region: target.region }
      : local
        ? { region: process.env.AWS_REGION ?? 'us-east-1' }
        : {}),
    ...(target.profile ? { profile: target.profile } : {}),
    ...(target.endpointUrl ? { endpoint: target.endpointUrl } : {}),
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
      const e = error as { name?: string; message?: string };
      throw new InvokeError(
        `could not invoke ${target.functionName}: ${e.name ?? 'Error'}: ${e.message ?? String(error)}`,
      );
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
