// The tidy log format of `npm start` (local/log-format.ts), on log lines as the shipped functions write them.
import { describe, expect, it } from 'vitest';
import { formatLogLine } from '../../local/log-format.js';

const SUB = '6205e2fd-85a9-43d7-918f-e9c0fdc30d7b';
const line = (o: Record<string, unknown>) => JSON.stringify(o);

describe('formatLogLine', () => {
  it('an authorizer allow and a revoked deny: one short line each, sub shortened', () => {
    const allow = line({
      _aws: { Timestamp: Date.UTC(2026, 11, 1, 21, 27, 32) },
      service: 'authorizer',
      level: 'info',
      message: 'authorizer decision',
      decision: 'allow',
      reason: 'valid',
      eventKind: 'rest_token',
      tokenUse: 'access',
      sub: SUB,
      latencyMs: 22.24,
      storeMs: 21.08,
    });
    const deny = line({
      _aws: { Timestamp: Date.UTC(2026, 11, 1, 21, 27, 33) },
      message: 'authorizer decision',
      decision: 'deny',
      reason: 'revoked',
      scope: 'session',
      eventKind: 'rest_token',
      tokenUse: 'id',
      sub: SUB,
      latencyMs: 7.55,
      storeMs: 6.39,
    });
    expect(formatLogLine('cognito-revocation-authorizer', allow)).toBe(
      '21:27:32 authorizer  ALLOW access token of 6205e2fd… (rest_token, 22 ms, store 21 ms)',
    );
    expect(formatLogLine('cognito-revocation-authorizer', deny)).toBe(
      '21:27:33 authorizer  DENY  revoked (session) id token of 6205e2fd… (rest_token, 7.5 ms, store 6.4 ms)',
    );
  });

  it('trigger and admin lines; EMF metric documents are dropped', () => {
    const time = '2026-12-01T21:27:32.468Z';
    expect(
      formatLogLine(
        'cognito-revocation-token-trigger',
        line({
          time,
          message: 'session recorded',
          sub: SUB,
          username: 'alice',
          sessionId: 'e5897be8a279d30c1879f581a0d889f3',
          triggerSource: 'TokenGeneration_Authentication',
        }),
      ),
    ).toBe(
      '21:27:32 trigger     session e5897be8a279d30c1879f581a0d889f3 issued to alice (TokenGeneration_Authentication)',
    );
    expect(
      formatLogLine(
        'cognito-revocation-admin-signout',
        line({
          time,
          message: 'admin operation',
          operation: 'signOutUser',
          ok: true,
          elapsedMs: 107,
          actor: 'cli:root',
          reason: 'lost laptop',
          user: { username: 'alice', sub: SUB },
        }),
      ),
    ).toBe('21:27:32 admin       signOutUser alice by cli:root "lost laptop": ok (107 ms)');
    expect(
      formatLogLine(
        'cognito-revocation-authorizer',
        line({ _aws: { Timestamp: 1 }, service: 'authorizer', Allowed: 1 }),
      ),
    ).toBeUndefined();
  });

  it('warnings keep their level and error; text that is not JSON is shown shortened', () => {
    const warn = formatLogLine(
      'cognito-revocation-token-trigger',
      line({
        time: '2026-12-01T21:27:32Z',
        level: 'error',
        message: 'session not recorded',
        error: { name: 'StoreError', message: 'timeout' },
      }),
    );
    expect(warn).toBe('21:27:32 trigger     ERROR session not recorded — StoreError: timeout');
    expect(formatLogLine('x', 'plain text'.repeat(40))?.length).toBeLessThan(200);
    expect(formatLogLine('x', '   ')).toBeUndefined();
  });
});
