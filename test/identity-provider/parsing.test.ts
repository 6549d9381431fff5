/**
 * The pure parts of the identity-provider doors: subject identifiers (RFC 9493), what a verified SET asks, the
 * metadata location rule, bearer tokens and scopes. The refusals on the built functions are in
 * signals.bundle.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { bearerToken, parseRequestBody, scopesOf } from '../../lambdas/global-token-revocation/request.js';
import { HttpRequestError, readHttpRequest } from '../../lambdas/identity-provider/http.js';
import { replayKey } from '../../lambdas/identity-provider/replay.js';
import { parseSubject, SubjectError } from '../../lambdas/identity-provider/subject.js';
import { wellKnownUrl } from '../../lambdas/identity-provider/verifier.js';
import { readSet, SetError, VERIFICATION_EVENT } from '../../lambdas/shared-signals/events.js';

const NOW = 1_800_000_000;
const REVOKED = 'https://schemas.openid.net/secevent/caep/event-type/session-revoked';
const set = (overrides: Record<string, unknown> = {}) => ({
  iss: 'https://idp.example.com',
  jti: 'j-1',
  iat: NOW - 5,
  sub_id: { format: 'email', email: 'a@example.com' },
  events: { [REVOKED]: { event_timestamp: NOW - 6 } },
  ...overrides,
});

describe('subject identifiers', () => {
  it('reads iss_sub, email, opaque and complex (with or without "format": "complex")', () => {
    expect(parseSubject({ format: 'iss_sub', iss: 'https://i', sub: 's' }).user).toEqual({
      format: 'iss_sub',
      iss: 'https://i',
      sub: 's',
    });
    expect(parseSubject({ format: 'opaque', id: 'x' }).user).toEqual({ format: 'opaque', id: 'x' });
    expect(
      parseSubject({
        format: 'complex',
        user: { format: 'email', email: 'a@b.c' },
        session: { format: 'opaque', id: 'sid-1' },
      }),
    ).toEqual({
      user: { format: 'email', email: 'a@b.c' },
      session: 'sid-1',
    });
    expect(parseSubject({ user: { format: 'email', email: 'a@b.c' } }).user).toEqual({
      format: 'email',
      email: 'a@b.c',
    });
  });

  it.each([
    ['an unsupported format', { format: 'phone_number', phone_number: '+1' }, /unsupported subject format/],
    ['no format', { id: 'x' }, /unsupported subject format/],
    ['not an object', 'a@b.c', /JSON object/],
    ['an empty sub', { format: 'iss_sub', iss: 'https://i', sub: '' }, /"sub" must be a non-empty string/],
    ['a control character', { format: 'opaque', id: 'a\u0000b' }, /control characters/],
    ['a quote in an email', { format: 'email', email: 'a"@b.c' }, /not an email address/],
    ['an over-long id', { format: 'opaque', id: 'x'.repeat(513) }, /longer than 512/],
    [
      'a complex subject without user',
      { format: 'complex', device: { format: 'opaque', id: 'd' } },
      /needs a "user"/,
    ],
  ])('refuses %s', (_name, value, message) => {
    expect(() => parseSubject(value)).toThrow(SubjectError);
    expect(() => parseSubject(value)).toThrow(message);
  });
});

describe('what a verified SET asks', () => {
  it('a revoking event with its subject and reason', () => {
    expect(readSet(set(), NOW, 900)).toMatchObject({
      kind: 'revoke',
      jti: 'j-1',
      reason: 'CAEP session-revoked',
    });
  });

  it('the subject from the event (earlier drafts) when there is no sub_id', () => {
    const s = set({ sub_id: undefined, events: { [REVOKED]: { subject: { format: 'opaque', id: 'u' } } } });
    expect(readSet(s, NOW, 900)).toMatchObject({ subject: { user: { format: 'opaque', id: 'u' } } });
  });

  it('the verification event needs no subject', () => {
    expect(
      readSet(set({ sub_id: undefined, events: { [VERIFICATION_EVENT]: { state: 'x' } } }), NOW, 900),
    ).toEqual({
      kind: 'verification',
      jti: 'j-1',
      iat: NOW - 5,
    });
  });

  it.each([
    ['two events', { events: { [REVOKED]: {}, [VERIFICATION_EVENT]: {} } }, /exactly one event/],
    ['no events', { events: undefined }, /no "events"/],
    ['no jti', { jti: undefined }, /"jti"/],
    ['an over-long jti', { jti: 'j'.repeat(257) }, /"jti"/],
    ['an iat in the future', { iat: NOW + 120 }, /in the future/],
    ['an iat too old', { iat: NOW - 901 }, /older than 900/],
    ['no subject', { sub_id: undefined }, /names no subject/],
  ])('refuses %s', (_name, overrides, message) => {
    expect(() => readSet(set(overrides), NOW, 900)).toThrow(SetError);
    expect(() => readSet(set(overrides), NOW, 900)).toThrow(message);
  });
});

describe('metadata, bearer tokens, scopes, replay keys', () => {
  it('puts the well-known segment between host and issuer path (RFC 8414 rule, SSF 1.0)', () => {
    expect(wellKnownUrl('https://tr.example.com', 'ssf-configuration')).toBe(
      'https://tr.example.com/.well-known/ssf-configuration',
    );
    expect(wellKnownUrl('https://tr.example.com/tenant/1/', 'ssf-configuration')).toBe(
      'https://tr.example.com/.well-known/ssf-configuration/tenant/1',
    );
  });

  it('takes a bearer token only from a well-formed Authorization header', () => {
    expect(bearerToken({ authorization: 'Bearer abc.def.ghi' })).toBe('abc.def.ghi');
    expect(bearerToken({ authorization: 'Basic abc' })).toBeUndefined();
    expect(bearerToken({ authorization: 'Bearer a b' })).toBeUndefined();
    expect(bearerToken({})).toBeUndefined();
  });

  it('reads scopes from `scope` and `scp`', () => {
    expect(scopesOf({ scope: 'a b' })).toEqual(['a', 'b']);
    expect(scopesOf({ scp: ['c'] })).toEqual(['c']);
    expect(scopesOf({ scp: 'd e' })).toEqual(['d', 'e']);
    expect(scopesOf({ scope: 7 })).toEqual([]);
  });

  it('parses the request body and refuses one without sub_id', () => {
    expect(parseRequestBody('{"sub_id":{"format":"opaque","id":"u"}}').user).toEqual({
      format: 'opaque',
      id: 'u',
    });
    expect(() => parseRequestBody('{"subject":{"format":"opaque","id":"u"}}')).toThrow(/"sub_id"/);
    expect(() => parseRequestBody('[]')).toThrow(/JSON object/);
  });

  it('keeps (iss, jti) pairs apart whatever they contain', () => {
    expect(replayKey('a', 'b\nc').pk.S).not.toBe(replayKey('a\nb', 'c').pk.S);
    expect(replayKey('a', 'x'.repeat(256)).pk.S).toMatch(/^set#[0-9a-f]{64}$/);
  });
});

describe('the HTTP request as API Gateway or a function URL delivers it', () => {
  it('decodes a base64 body (HTTP APIs encode non-text media types such as application/secevent+jwt)', () => {
    const request = readHttpRequest(
      {
        requestContext: { http: { method: 'post' } },
        headers: { 'Content-Type': 'application/secevent+jwt' },
        body: Buffer.from('a.b.c').toString('base64'),
        isBase64Encoded: true,
      },
      1024,
    );
    expect(request).toEqual({
      method: 'POST',
      headers: { 'content-type': 'application/secevent+jwt' },
      body: 'a.b.c',
    });
  });

  it('reads a REST API (payload 1.0) event', () => {
    expect(readHttpRequest({ httpMethod: 'POST', headers: null, body: 'x' }, 1024)).toEqual({
      method: 'POST',
      headers: {},
      body: 'x',
    });
  });

  it.each([
    ['a plain body', { body: 'x'.repeat(1025) }],
    ['a base64 body', { body: Buffer.from('x'.repeat(1025)).toString('base64'), isBase64Encoded: true }],
    ['multi-byte characters', { body: 'é'.repeat(600) }],
  ])('refuses %s over the limit before parsing it', (_name, event) => {
    expect(() => readHttpRequest({ httpMethod: 'POST', ...event }, 1024)).toThrow(HttpRequestError);
  });
});
