/**
 * Strict token shape, checked before aws-jwt-verify (which is lenient where Cognito never is): exactly three
 * segments of canonical, unpadded base64url (no `=`, no non-zero trailing bits: one token, one spelling), and a
 * header and payload free of duplicate keys (at any depth, escapes decoded: `"sub"` and `"\u0073ub"` are the same
 * key) and of `__proto__` / `constructor` keys. Cognito never issues anything else; two spellings of one token or
 * two values of one claim would let different parsers disagree about what was verified.
 * Found by the adversarial suite (test/hardening/adversarial.test.ts).
 */
import { JwtParseError } from 'aws-jwt-verify/error';

const SEGMENT = /^[A-Za-z0-9_-]+$/;

/** What is wrong with the token's shape, or undefined when it is strict. Never throws. */
export function strictJwtProblem(token: string): string | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return `a JWT has 3 segments, this has ${parts.length}`;
  for (const part of parts) {
    if (!SEGMENT.test(part)) return 'a segment is not unpadded base64url';
    if (Buffer.from(part, 'base64url').toString('base64url') !== part)
      return 'a segment is not canonical base64url';
  }
  for (const [name, part] of [
    ['header', parts[0]],
    ['payload', parts[1]],
  ] as const) {
    const problem = jsonKeyProblem(Buffer.from(part as string, 'base64url').toString('utf8'));
    if (problem) return `JWT ${name}: ${problem}`;
  }
  return undefined;
}

/** Throws aws-jwt-verify's `JwtParseError` (reported as `malformed_token`) for a token that is not strict. */
export function assertStrictJwt(token: string): void {
  const problem = strictJwtProblem(token);
  if (problem) throw new JwtParseError(problem);
}

/**
 * Duplicate or dangerous object keys in a JSON text. Validity itself is left to JSON.parse; this scan only has to be
 * safe (linear, no recursion) on any input.
 */
export function jsonKeyProblem(text: string): string | undefined {
  const stack: ({ keys: Set<string>; expectKey: boolean } | null)[] = [];
  try {
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (c === '"') {
        let j = i + 1;
        while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
        const top = stack.at(-1);
        if (top?.expectKey) {
          const key = JSON.parse(text.slice(i, j + 1)) as string;
          if (key === '__proto__' || key === 'constructor') return `key "${key}" is not allowed`;
          if (top.keys.has(key)) return `duplicate key "${key.slice(0, 64)}"`;
          top.keys.add(key);
          top.expectKey = false;
        }
        i = j;
      } else if (c === '{') stack.push({ keys: new Set(), expectKey: true });
      else if (c === '[') stack.push(null);
      else if (c === '}' || c === ']') stack.pop();
      else if (c === ',') {
        const top = stack.at(-1);
        if (top) top.expectKey = true;
      }
    }
  } catch {
    return 'a key is not a valid JSON string';
  }
  return undefined;
}
