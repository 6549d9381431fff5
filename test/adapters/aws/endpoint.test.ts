import { describe, expect, it } from 'vitest';
import {
  awsTargetFromEnv,
  isLoopbackHost,
  isPermittedEndpoint,
} from '../../../lambdas/adapters/aws/endpoint.js';

const SERVICE = { label: 'Example', hostPrefix: 'example', endpointVariable: 'AWS_ENDPOINT_URL_EXAMPLE' };
const RUNTIME = { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'secret' };
const fail = (message: string) => new RangeError(message);

describe('the loopback rule', () => {
  it.each([
    ['https://example.com/', true],
    ['http://localhost:8000/', true],
    ['http://127.0.0.9:8000/', true],
    ['http://[::1]:8000/', true],
    ['http://example.com/', false],
    ['http://10.0.0.1/', false],
    ['http://127.0.0.1.example.com/', false],
    ['ftp://localhost/', false],
  ])('%s permitted: %s', (url, permitted) => {
    expect(isPermittedEndpoint(new URL(url))).toBe(permitted);
  });

  it('compares host names case-insensitively', () => {
    expect(isLoopbackHost('LocalHost')).toBe(true);
  });
});

describe('awsTargetFromEnv', () => {
  it('resolves the per-service variable, then AWS_ENDPOINT_URL, then the regional endpoint', () => {
    expect(awsTargetFromEnv(RUNTIME, SERVICE, fail).endpoint.href).toBe(
      'https://example.eu-west-1.amazonaws.com/',
    );
    expect(awsTargetFromEnv({ ...RUNTIME, AWS_REGION: 'cn-north-1' }, SERVICE, fail).endpoint.host).toBe(
      'example.cn-north-1.amazonaws.com.cn',
    );
    expect(
      awsTargetFromEnv({ ...RUNTIME, AWS_ENDPOINT_URL: 'https://all.example' }, SERVICE, fail).endpoint.host,
    ).toBe('all.example');
    expect(
      awsTargetFromEnv(
        {
          ...RUNTIME,
          AWS_ENDPOINT_URL: 'https://all.example',
          AWS_ENDPOINT_URL_EXAMPLE: 'http://127.0.0.1:4566',
        },
        SERVICE,
        fail,
      ).endpoint.host,
    ).toBe('127.0.0.1:4566');
  });

  it("throws the caller's error naming the problem", () => {
    expect(() =>
      awsTargetFromEnv({ ...RUNTIME, AWS_ENDPOINT_URL_EXAMPLE: 'http://x.example' }, SERVICE, fail),
    ).toThrow(
      new RangeError(
        'Example endpoint must be https (plain http only on a loopback host), got "http://x.example"',
      ),
    );
    expect(() => awsTargetFromEnv({ ...RUNTIME, AWS_ENDPOINT_URL: 'not a url' }, SERVICE, fail)).toThrow(
      'Example endpoint "not a url" is not a URL',
    );
    expect(() => awsTargetFromEnv({ ...RUNTIME, AWS_REGION: '' }, SERVICE, fail)).toThrow(RangeError);
    expect(() => awsTargetFromEnv({ ...RUNTIME, AWS_ACCESS_KEY_ID: '' }, SERVICE, fail)).toThrow(
      /AWS_ACCESS_KEY_ID/,
    );
  });
});
