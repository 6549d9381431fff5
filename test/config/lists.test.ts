/**
 * The one comma-list parser (config/fields.ts) as the upstream identity provider's lists use it: audiences and
 * algorithms follow the same rules as app client ids (client-ids.test.ts), with their own item rule.
 */
import { describe, expect, it } from 'vitest';
import { listParser } from '../../lambdas/config/fields.js';
import { readGlobalTokenRevocationConfig } from '../../lambdas/global-token-revocation/config.js';
import { readSharedSignalsConfig } from '../../lambdas/shared-signals/config.js';
import { problemsOf } from './support.js';

const UPSTREAM = {
  TABLE_NAME: 'revocations',
  USER_POOL_ID: 'eu-west-1_AbCdEf123',
  UPSTREAM_ISSUER: 'https://idp.example.com',
  UPSTREAM_AUDIENCE: 'https://api.example.com',
  REQUIRED_SCOPE: 'logout',
};
const READERS = {
  'shared-signals': (env: NodeJS.ProcessEnv) => readSharedSignalsConfig(env),
  'global-token-revocation': (env: NodeJS.ProcessEnv) => readGlobalTokenRevocationConfig(env),
};

describe('the comma-list parser', () => {
  const digits = listParser('DIGITS', { what: 'digit', valid: (s) => /^\d$/.test(s), rule: 'one digit' });

  it('an empty value is an empty list (a default of nothing); commas alone list nothing', () => {
    expect(digits('')).toEqual([]);
    expect(() => digits(',')).toThrow('DIGITS lists no digit');
  });

  it('names the variable, quotes the invalid items and says what an item must be', () => {
    expect(() => digits('1,x,2,yy')).toThrow('DIGITS has invalid digits: "x", "yy" (each: one digit)');
  });
});

describe.each(Object.entries(READERS))('%s: the upstream lists', (_fn, read) => {
  it('audiences and algorithms: empty items and blanks skipped, repeats counted once', () => {
    const config = read({
      ...UPSTREAM,
      UPSTREAM_AUDIENCE: ' https://api.example.com ,,client1, https://api.example.com',
      UPSTREAM_ALGORITHMS: 'RS256, ES256,,RS256,',
    });
    expect(config.audience).toEqual(['https://api.example.com', 'client1']);
    expect(config.algorithms).toEqual(['RS256', 'ES256']);
  });

  it('commas alone and bad algorithms are reported together; an audience may hold no blank', () => {
    const problems = problemsOf(() =>
      read({ ...UPSTREAM, UPSTREAM_AUDIENCE: ' , ', UPSTREAM_ALGORITHMS: 'RS256,HS256,none' }),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /^UPSTREAM_ALGORITHMS has invalid algorithms: "HS256", "none" \(each: one of RS256, /,
      ),
      'UPSTREAM_AUDIENCE lists no audience',
    ]);
    expect(problemsOf(() => read({ ...UPSTREAM, UPSTREAM_AUDIENCE: 'api one' }))).toEqual([
      expect.stringMatching(/^UPSTREAM_AUDIENCE has invalid audiences: "api one" \(each: no blanks/),
    ]);
  });
});
