/**
 * The hand-written SigV4 signer against AWS's published examples, and differentially against the AWS SDK's own
 * signer (@smithy/signature-v4, installed with @aws-sdk/client-dynamodb) on random DynamoDB-shaped requests.
 * That dynalite accepts the signed requests is covered in blocklist-reader.test.ts.
 */
import { createHash } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { amzDate, signatureFor, signHeaders, signingKey } from '../../../lambdas/adapters/aws/sigv4.js';

const EXAMPLE = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const AUG_30_2015 = new Date('2015-08-30T12:36:00Z');

describe('AWS published SigV4 examples', () => {
  it('derives the documented signing key (AWS "Examples of how to derive a signing key", iam 20120215)', () => {
    const key = signingKey('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', '20120215', 'us-east-1', 'iam');
    expect(key.toString('hex')).toBe('f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d');
  });

  it('signs the test suite "get-vanilla" request', () => {
    // Arrange
    const request = {
      method: 'GET',
      path: '/',
      headers: { Host: 'example.amazonaws.com', 'X-Amz-Date': '20150830T123600Z' },
      body: '',
    };
    // Act
    const result = signatureFor(request, {
      region: 'us-east-1',
      service: 'service',
      credentials: EXAMPLE,
      date: AUG_30_2015,
    });
    // Assert
    expect(result.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
  });

  it('signs the IAM ListUsers example of "Create a signed AWS API request"', () => {
    const result = signatureFor(
      {
        method: 'GET',
        path: '/',
        query: { Version: '2010-05-08', Action: 'ListUsers' },
        headers: {
          host: 'iam.amazonaws.com',
          'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
          'x-amz-date': '20150830T123600Z',
        },
        body: '',
      },
      { region: 'us-east-1', service: 'iam', credentials: EXAMPLE, date: AUG_30_2015 },
    );
    expect(result.canonicalRequest).toBe(
      [
        'GET',
        '/',
        'Action=ListUsers&Version=2010-05-08',
        'content-type:application/x-www-form-urlencoded; charset=utf-8',
        'host:iam.amazonaws.com',
        'x-amz-date:20150830T123600Z',
        '',
        'content-type;host;x-amz-date',
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      ].join('\n'),
    );
    expect(result.signature).toBe('5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7');
  });

  it('signs the S3 GetObject example (path not double-encoded for S3)', () => {
    const result = signatureFor(
      {
        method: 'GET',
        path: '/test.txt',
        headers: {
          Host: 'examplebucket.s3.amazonaws.com',
          Range: 'bytes=0-9',
          'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
          'x-amz-date': '20130524T000000Z',
        },
        body: '',
      },
      {
        region: 'us-east-1',
        service: 's3',
        credentials: {
          accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
          secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        },
        date: new Date('2013-05-24T00:00:00Z'),
        doubleEncodePath: false,
      },
    );
    expect(result.stringToSign.split('\n').at(-1)).toBe(
      '7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972',
    );
    expect(result.signature).toBe('f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41');
  });

  it('formats x-amz-date as yyyyMMddTHHmmssZ', () => {
    expect(amzDate(new Date('2026-01-02T03:04:05.678Z'))).toBe('20260102T030405Z');
  });
});

class NodeSha256 {
  private readonly hash;
  private readonly hmac;
  constructor(secret?: string | Uint8Array) {
    const { createHmac } = require('node:crypto') as typeof import('node:crypto');
    this.hash = secret === undefined ? createHash('sha256') : undefined;
    this.hmac = secret === undefined ? undefined : createHmac('sha256', secret);
  }
  update(data: string | Uint8Array) {
    (this.hmac ?? this.hash)!.update(data);
  }
  async digest() {
    return new Uint8Array((this.hmac ?? this.hash)!.digest());
  }
}

describe('agrees with the AWS SDK signer on DynamoDB requests', () => {
  it('same Authorization header for random bodies, dates, regions, targets and credentials', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          body: fc.json(),
          date: fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }),
          region: fc.constantFrom('us-east-1', 'eu-west-1', 'ap-southeast-2', 'us-gov-west-1'),
          target: fc.constantFrom('GetItem', 'BatchGetItem', 'PutItem', 'Query'),
          accessKeyId: fc.stringMatching(/^[A-Z0-9]{16,20}$/),
          secretAccessKey: fc.stringMatching(/^[A-Za-z0-9/+]{40}$/),
          sessionToken: fc.option(fc.stringMatching(/^[A-Za-z0-9/+=]{20,80}$/), { nil: undefined }),
          host: fc.constantFrom('dynamodb.us-east-1.amazonaws.com', '127.0.0.1:8000', 'localhost:4567'),
        }),
        async (r) => {
          // Arrange
          const credentials = {
            accessKeyId: r.accessKeyId,
            secretAccessKey: r.secretAccessKey,
            sessionToken: r.sessionToken,
          };
          const headers = {
            host: r.host,
            'content-type': 'application/x-amz-json-1.0',
            'x-amz-target': `DynamoDB_20120810.${r.target}`,
          };
          const sdk = new SignatureV4({
            credentials,
            region: r.region,
            service: 'dynamodb',
            sha256: NodeSha256 as never,
            // x-amz-content-sha256 is optional outside S3 and our client does not send it.
            applyChecksum: false,
          });
          // Act
          const ours = signHeaders(
            { method: 'POST', path: '/', headers, body: r.body },
            { region: r.region, service: 'dynamodb', credentials, date: r.date },
          );
          const theirs = await sdk.sign(
            {
              method: 'POST',
              protocol: 'https:',
              hostname: r.host,
              path: '/',
              query: {},
              headers: { ...headers },
              body: r.body,
            },
            { signingDate: r.date },
          );
          // Assert
          expect(ours.authorization).toBe(theirs.headers.authorization);
          expect(ours['x-amz-security-token']).toBe(theirs.headers['x-amz-security-token']);
        },
      ),
      { numRuns: 200 },
    );
  });
});
