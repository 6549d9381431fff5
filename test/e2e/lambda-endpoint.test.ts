// The Lambda Invoke endpoint, driven by the real AWS SDK Lambda client (as the admin CLI and cognito-local use
// it), hosting test-only fixture handlers from test/e2e/fixtures.
import { join } from 'node:path';
import { InvokeCommand, LambdaClient, ResourceNotFoundException } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_AWS } from '../../local/dynalite.js';
import {
  assertBundlesBuilt,
  type LambdaEndpoint,
  MissingBundleError,
  ROOT,
  startLambdaEndpoint,
} from '../../local/lambda-endpoint.js';
import { portClosed } from './leftovers.js';

const ECHO = join(ROOT, 'test', 'e2e', 'fixtures', 'echo-fixture.cjs');
const SLOW_INIT = join(ROOT, 'test', 'e2e', 'fixtures', 'slow-init-fixture.cjs');
const decode = (bytes: Uint8Array | undefined) => JSON.parse(Buffer.from(bytes ?? []).toString('utf8'));

describe('Lambda Invoke endpoint', () => {
  let lambda: LambdaEndpoint;
  let client: LambdaClient;
  const savedProfile = process.env.AWS_PROFILE;

  beforeAll(async () => {
    // A developer's profile must not reach the containers.
    process.env.AWS_PROFILE = 'developer-profile';
    lambda = await startLambdaEndpoint({
      functions: [
        { name: 'echo-a', bundle: ECHO, env: { NAME: 'a' } },
        { name: 'echo-b', bundle: ECHO, env: { NAME: 'b' } },
        { name: 'slow', bundle: ECHO, timeoutMs: 300 },
        // The default timeout: a crash must be told from a timeout however slow the box is.
        { name: 'crashy', bundle: ECHO },
      ],
    });
    client = new LambdaClient({ ...LOCAL_AWS, endpoint: lambda.endpoint, maxAttempts: 1 });
  });
  afterAll(async () => {
    if (savedProfile === undefined) delete process.env.AWS_PROFILE;
    else process.env.AWS_PROFILE = savedProfile;
    client?.destroy();
    await lambda?.stop();
  });

  it('invokes by name and by ARN, each function with its own environment and only dummy credentials', async () => {
    // Act
    const a = await client.send(
      new InvokeCommand({ FunctionName: 'echo-a', Payload: JSON.stringify({ hi: 1 }) }),
    );
    const b = await client.send(
      new InvokeCommand({ FunctionName: lambda.functionArn('echo-b'), Payload: JSON.stringify({ hi: 2 }) }),
    );
    // Assert
    expect(a.StatusCode).toBe(200);
    expect(a.FunctionError).toBeUndefined();
    expect(decode(a.Payload)).toMatchObject({
      event: { hi: 1 },
      env: { NAME: 'a', AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'LOCALECHOA' },
      functionName: 'echo-a',
    });
    expect(decode(a.Payload).env.AWS_PROFILE).toBeUndefined();
    expect(decode(b.Payload)).toMatchObject({ event: { hi: 2 }, env: { NAME: 'b' }, functionName: 'echo-b' });
    expect(decode(a.Payload).remaining).toBeGreaterThan(29_000);
  });

  it('reports a thrown error the way Lambda does: FunctionError Unhandled with errorType and errorMessage', async () => {
    const out = await client.send(
      new InvokeCommand({ FunctionName: 'echo-a', Payload: JSON.stringify({ throw: 'nope' }) }),
    );
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBe('Unhandled');
    expect(decode(out.Payload)).toMatchObject({ errorType: 'TypeError', errorMessage: 'nope' });
  });

  it('times out a slow invocation and replaces the container', async () => {
    const out = await client.send(
      // Far past the timeout: only a missed timeout lets the handler answer.
      new InvokeCommand({ FunctionName: 'slow', Payload: JSON.stringify({ hangMs: 10_000 }) }),
    );
    expect(out.FunctionError).toBe('Unhandled');
    expect(decode(out.Payload).errorMessage).toMatch(/Task timed out after 0.30 seconds/);
    // The replacement's cold start does not count against its 300 ms (as on Lambda), so a loaded box cannot
    // time it out; a timed-out container kept in service would never answer.
    const next = await client.send(
      new InvokeCommand({ FunctionName: 'slow', Payload: JSON.stringify({ ok: 1 }) }),
    );
    expect(next.FunctionError).toBeUndefined();
    expect(decode(next.Payload).event).toEqual({ ok: 1 });
  });

  it('does not count the cold start against the timeout, as Lambda does not', async () => {
    // A cold start twice as long as the timeout: what a loaded box does to a real bundle.
    const local = await startLambdaEndpoint({
      functions: [{ name: 'slow-init', bundle: SLOW_INIT, env: { INIT_MS: '600' }, timeoutMs: 300 }],
    });
    try {
      const out = await local.invoke('slow-init', { ok: 3 });
      expect(out.functionError).toBeUndefined();
      expect(out.payload).toMatchObject({ event: { ok: 3 } });
      expect((out.payload as { remaining: number }).remaining).toBeGreaterThan(0);
    } finally {
      await local.stop();
    }
  });

  it('reports a crashed container as Runtime.ExitError and serves the next invocation from a new one', async () => {
    const crashed = await client.send(
      new InvokeCommand({ FunctionName: 'crashy', Payload: JSON.stringify({ crash: true, hangMs: 10_000 }) }),
    );
    expect(crashed.FunctionError).toBe('Unhandled');
    expect(decode(crashed.Payload).errorType).toBe('Runtime.ExitError');
    const next = await client.send(
      new InvokeCommand({ FunctionName: 'crashy', Payload: JSON.stringify({ ok: 2 }) }),
    );
    expect(decode(next.Payload).event).toEqual({ ok: 2 });
  });

  it('answers ResourceNotFoundException for an unknown function and 400 for a body that is not JSON', async () => {
    await expect(client.send(new InvokeCommand({ FunctionName: 'nope' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    const res = await fetch(`${lambda.endpoint}/2015-03-31/functions/echo-a/invocations`, {
      method: 'POST',
      body: '{',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-errortype')).toBe('InvalidRequestContentException');
  });

  it('returns the invocation log tail when asked, and keeps every line in logs()', async () => {
    const out = await client.send(
      new InvokeCommand({
        FunctionName: 'echo-b',
        LogType: 'Tail',
        Payload: JSON.stringify({ marker: true }),
      }),
    );
    expect(Buffer.from(out.LogResult ?? '', 'base64').toString()).toContain('echo {"keys":["marker"]}');
    expect(lambda.logs('echo-b')).toContain('echo {"keys":["marker"]}');
  });

  it('answers only after every line the invocation wrote on stdout and stderr has arrived', async () => {
    // Streams and the answer travel separately from the container: without waiting for the streams' end the
    // answer overtakes the last lines (the tail and logs() then miss them).
    const before = lambda.logs('echo-a').length;
    const out = await client.send(
      new InvokeCommand({ FunctionName: 'echo-a', LogType: 'Tail', Payload: JSON.stringify({ lines: 300 }) }),
    );
    const lines = lambda.logs('echo-a').slice(before);
    expect(lines.filter((l) => l.startsWith('out ')).length).toBe(300);
    expect(lines.filter((l) => l.startsWith('err ')).length).toBe(300);
    expect(lines).toContain('echo {"keys":["lines"]}');
    expect(lines.join('\n')).not.toContain('invocation-end');
    // The tail is the last 4 KB of those same lines.
    expect(Buffer.from(out.LogResult ?? '', 'base64').toString()).toBe(lines.join('\n').slice(-4096));
  });

  it('runs Event invocations in the background (202) and DryRun without running (204)', async () => {
    const event = await client.send(
      new InvokeCommand({ FunctionName: 'echo-a', InvocationType: 'Event', Payload: '{}' }),
    );
    const dry = await client.send(new InvokeCommand({ FunctionName: 'echo-a', InvocationType: 'DryRun' }));
    expect([event.StatusCode, dry.StatusCode]).toEqual([202, 204]);
  });
});

describe('Lambda endpoint lifecycle and errors', () => {
  it('names every missing bundle with the command to run', () => {
    expect(() => assertBundlesBuilt(['no-such-fn'])).toThrow(MissingBundleError);
    expect(() => assertBundlesBuilt(['no-such-fn'])).toThrow(
      'Missing build output dist/no-such-fn/index.js: run `npm run build` first.',
    );
  });

  it('says which port is in use', async () => {
    const first = await startLambdaEndpoint();
    await expect(startLambdaEndpoint({ port: first.port })).rejects.toThrow(
      `Port ${first.port} is in use (Lambda endpoint): free it or pick another port.`,
    );
    await first.stop();
  });

  it('closes its port and its containers on stop', async () => {
    const lambda = await startLambdaEndpoint({ functions: [{ name: 'e', bundle: ECHO }] });
    await lambda.invoke('e', {});
    await lambda.stop();
    expect(await portClosed(lambda.port)).toBe(true);
  });
});
