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
const [QUOTE, BACKSLASH, OPEN_BRACE, CLOSE_BRACE, OPEN_BRACKET, CLOSE_BRACKET, COMMA] = [...'"\\{}[],'].map(
  (c) => c.charCodeAt(0),
);
// biome-ignore lint/suspicious/noControlCharactersInRegex: a raw control character makes a key invalid JSON.
const UNUSUAL_KEY = /[\\\x00-\x1f]/;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * For a text of base64url characters: canonical when its length is not 1 mod 4 and the unused bits of its last
 * character are zero (4 bits when the length is 2 mod 4, 2 bits when it is 3 mod 4). Same answer as "decoding and
 * re-encoding gives the same text", without allocating (this runs on every request).
 */
function hasCanonicalEnd(part: string): boolean {
  const rest = part.length % 4;
  if (rest === 0) return true;
  if (rest === 1) return false;
  const last = ALPHABET.indexOf(part[part.length - 1] as string);
  return (last & (rest === 2 ? 0x0f : 0x03)) === 0;
}

/** What is wrong with the token's shape, or undefined when it is strict. Never throws. */
export function strictJwtProblem(token: string): string | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return `a JWT has 3 segments, this has ${parts.length}`;
  for (const part of parts) {
    if (!SEGMENT.test(part)) return 'a segment is not unpadded base64url';
    if (!hasCanonicalEnd(part)) return 'a segment is not canonical base64url';
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
  const n = text.length;
  try {
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        // The closing quote is the next one preceded by an even run of backslashes (jumping with indexOf: most
        // of a token's text is inside strings).
        let j = i + 1;
        for (;;) {
          const q = text.indexOf('"', j);
          if (q === -1) {
            j = n;
            break;
          }
          let slashes = 0;
          while (text.charCodeAt(q - 1 - slashes) === BACKSLASH) slashes++;
          if (slashes % 2 === 0) {
            j = q;
            break;
          }
          j = q + 1;
        }
        const top = stack.at(-1);
        if (top?.expectKey) {
          // A terminated key without escapes or control characters is its own text; the others go through
          // JSON.parse (which decodes escapes and rejects what is not a JSON string).
          const raw = text.slice(i + 1, j);
          const key = j < n && !UNUSUAL_KEY.test(raw) ? raw : (JSON.parse(text.slice(i, j + 1)) as string);
          if (key === '__proto__' || key === 'constructor') return `key "${key}" is not allowed`;
          if (top.keys.has(key)) return `duplicate key "${key.slice(0, 64)}"`;
          top.keys.add(key);
          top.expectKey = false;
        }
        i = j;
      } else if (c === OPEN_BRACE) stack.push({ keys: new Set(), expectKey: true });
      else if (c === OPEN_BRACKET) stack.push(null);
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) stack.pop();
      else if (c === COMMA) {
        const top = stack.at(-1);
        if (top) top.expectKey = true;
      }
    }
  } catch {
    return 'a key is not a valid JSON string';
  }
  return undefined;
}
