/**
 * Every variable that lists app client ids is read by the same parser: for any value, every function ends with the
 * same ids or the same problem. Hostile values (empty items, blanks, repeats, bad characters, control characters,
 * very long lists) are a clear problem or a clean list — never a crash, never an id nobody wrote.
 */
import { describe, expect, it } from 'vitest';
import { readAutoRevocationConfig } from '../../lambdas/auto-revocation/config.js';
import { ConfigError } from '../../lambdas/config/reader.js';
import { readIntrospectionConfig } from '../../lambdas/introspection/config.js';
import { readTokenRevocationConfig } from '../../lambdas/token-revocation/config.js';
import { parseAuthorizerConfig } from '../../lambdas/verification/config.js';

const POOL = 'eu-west-1_AbCdEf123';
const ENDPOINT = { USER_POOL_ID: POOL, TABLE_NAME: 'revocations', CALLER_SCOPE: 'revocation/call' };

/** Each place a list of app client ids is read: the function's least environment around it, and what it read. */
const READERS: Record<string, (ids: string) => readonly string[]> = {
  'authorizer CLIENT_IDS': (ids) =>
    parseAuthorizerConfig({ USER_POOL_ID: POOL, TABLE_NAME: 'revocations', CLIENT_IDS: ids }).clientIds,
  'auto-revocation CLIENT_IDS': (ids) =>
    readAutoRevocationConfig({ USER_POOL_ID: POOL, TABLE_NAME: 'revocations', CLIENT_IDS: ids }).clientIds,
  'introspection CLIENT_IDS': (ids) => {
    const { clientId } = readIntrospectionConfig({
      ...ENDPOINT,
      CALLER_CLIENT_IDS: 'c1',
      CLIENT_IDS: ids,
    }).verifier;
    return typeof clientId === 'string' ? [clientId] : clientId;
  },
  'introspection CALLER_CLIENT_IDS': (ids) =>
    readIntrospectionConfig({ ...ENDPOINT, CLIENT_IDS: 'c1', CALLER_CLIENT_IDS: ids }).callerClientIds,
  'token-revocation CLIENT_IDS': (ids) =>
    readTokenRevocationConfig({ ...ENDPOINT, CALLER_CLIENT_IDS: 'c1', CLIENT_IDS: ids }).tokens.clientIds,
  'token-revocation CALLER_CLIENT_IDS': (ids) =>
    readTokenRevocationConfig({ ...ENDPOINT, CLIENT_IDS: 'c1', CALLER_CLIENT_IDS: ids }).callerClientIds,
};
const PLACES = Object.keys(READERS);

/** The ids read, or the one problem, with the variable's name replaced by `NAME` so places compare. */
function outcome(place: string, ids: string): { ids: readonly string[] } | { problem: string } {
  try {
    return { ids: [...(READERS[place] as (ids: string) => readonly string[])(ids)] };
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(1);
    return { problem: (problems[0] as string).replace(/^(?:CALLER_)?CLIENT_IDS\b/, 'NAME') };
  }
}

const VALID_IDS = Array.from({ length: 10_000 }, (_, i) => `client${i}`);

const CASES: readonly [string, string, { ids: readonly string[] } | { problem: RegExp }][] = [
  ['one id', '1h57kf5cpq17m0eml12EXAMPLE', { ids: ['1h57kf5cpq17m0eml12EXAMPLE'] }],
  ["Cognito's whole alphabet: letters, digits, _ and +", 'a_B+9', { ids: ['a_B+9'] }],
  ['empty items (doubled, leading, trailing commas)', ',a,,b,', { ids: ['a', 'b'] }],
  ['blanks around items', '  a ,\tb  ', { ids: ['a', 'b'] }],
  ['an id named twice counts once, order kept', 'b,a,b,a', { ids: ['b', 'a'] }],
  ['commas only: no id at all', ' , ,, ', { problem: /^NAME lists no app client id$/ }],
  ['a blank inside an id', 'ok,not ok', { problem: /^NAME has invalid app client ids: "not ok" \(each: / }],
  [
    'a dash, a slash, a quote',
    'a-b,c/d,e"f',
    { problem: /^NAME has invalid app client ids: "a-b", "c\/d", "e\\"f"/ },
  ],
  ['a 129-character id', 'x'.repeat(129), { problem: /^NAME has invalid app client ids: "x{64}…"/ }],
  ['a 128-character id is Cognito’s longest', 'x'.repeat(128), { ids: ['x'.repeat(128)] }],
  ['ten thousand ids', VALID_IDS.join(','), { ids: VALID_IDS }],
];

describe('app client id lists: one parser, the same answer everywhere', () => {
  it.each(CASES)('%s', (_name, value, expected) => {
    for (const place of PLACES) {
      // Act
      const result = outcome(place, value);
      // Assert
      if ('ids' in expected) expect(result, place).toEqual({ ids: expected.ids });
      else expect(result, place).toEqual({ problem: expect.stringMatching(expected.problem) });
    }
  });

  it('control characters are escaped in the problem: one log line, nothing forged', () => {
    for (const place of PLACES) {
      const result = outcome(place, 'ok,evil\r\n{"level":"info"}\u0000');
      expect(result, place).toEqual({ problem: expect.stringContaining('"evil\\r\\n{\\"level\\"') });
      const problem = (result as { problem: string }).problem;
      for (const raw of ['\r', '\n', '\u0000']) expect(problem.includes(raw), place).toBe(false);
    }
  });

  it('ten thousand bad ids: the problem quotes five and counts the rest', () => {
    const bad = Array.from({ length: 10_000 }, (_, i) => `bad-${i}-${'y'.repeat(200)}`).join(',');
    for (const place of PLACES) {
      const result = outcome(place, bad) as { problem: string };
      expect(result.problem, place).toContain('and 9995 more');
      // Five quoted items of at most 64 characters, the rule and the count: a log line, not the value.
      expect(result.problem.length, place).toBeLessThan(600);
    }
  });
});
