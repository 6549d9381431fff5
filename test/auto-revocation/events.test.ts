/**
 * Parsing the automatic-revocation function's events (lambdas/auto-revocation/events.ts) from the fixtures in
 * test/fixtures/cloudtrail (shapes and sources in that folder's README): the user is taken only from what the record
 * carries; other pools, failed calls, disabled event names and malformed records never revoke anyone.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  actorFrom,
  DEFAULT_REVOKE_ON,
  parseEvent,
  parseRevokeOn,
  REVOKING_EVENT_NAMES,
} from '../../lambdas/auto-revocation/events.js';

const POOL = 'us-east-1_EXAMPLE';
const SUB = '704b1e47-34fe-40e9-8c41-504997494531';
// biome-ignore lint/suspicious/noExplicitAny: fixtures are edited freely in tests
type Fixture = Record<string, any>;
const fixture = (name: string): Fixture =>
  JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'cloudtrail', name), 'utf8'));
const options = { userPoolId: POOL, revokeOn: DEFAULT_REVOKE_ON };

describe('CloudTrail records (AWS API Call via CloudTrail)', () => {
  it('AdminDisableUser: the sub from additionalEventData, the actor from userIdentity, the event time', () => {
    // Act
    const parsed = parseEvent(fixture('admin-disable-user.json'), options);
    // Assert
    expect(parsed).toEqual({
      kind: 'revoke',
      eventName: 'AdminDisableUser',
      eventId: '0bd1586d-cd3e-4d7a-abaf-fd8bfc3912fd',
      eventTime: Date.parse('2026-11-30T09:15:30Z') / 1000,
      userPoolId: POOL,
      user: { sub: SUB },
      cognitoSignOut: 'call',
      actor: 'cloudtrail:arn:aws:sts::123456789012:assumed-role/Admin/alice',
      reason:
        'AdminDisableUser at 2026-11-30T09:15:30Z (CloudTrail event 0bd1586d-cd3e-4d7a-abaf-fd8bfc3912fd)',
    });
  });

  it('AdminUserGlobalSignOut is "done" (never signed out again); AdminDeleteUser is "gone"', () => {
    expect(parseEvent(fixture('admin-user-global-sign-out.json'), options)).toMatchObject({
      kind: 'revoke',
      cognitoSignOut: 'done',
    });
    expect(parseEvent(fixture('admin-delete-user.json'), options)).toMatchObject({
      kind: 'revoke',
      cognitoSignOut: 'gone',
    });
  });

  it('a record without the user is "hidden" (left to the sweep), never a guess', () => {
    const parsed = parseEvent(fixture('admin-disable-user-user-hidden.json'), options);
    expect(parsed).toMatchObject({ kind: 'hidden', eventName: 'AdminDisableUser' });
  });

  it('the redaction marker is not a username; a username in clear is used', () => {
    const hidden = fixture('admin-disable-user-user-hidden.json');
    for (const marker of [
      'HIDDEN_FOR_SECURITY_REASONS',
      'HIDDEN_DUE_TO_SECURITY_REASONS',
      ' hidden_for_security_reasons ',
    ]) {
      hidden.detail.requestParameters.username = marker;
      expect(parseEvent(hidden, options).kind).toBe('hidden');
    }
    hidden.detail.requestParameters.username = 'kim';
    expect(parseEvent(hidden, options)).toMatchObject({ kind: 'revoke', user: { username: 'kim' } });
  });

  const cases: [string, string, (e: Fixture) => void, string][] = [
    ['a failed call (errorCode)', 'admin-disable-user-failed.json', () => {}, 'ignored'],
    [
      'another pool',
      'admin-disable-user.json',
      (e) => {
        e.detail.requestParameters.userPoolId = 'us-east-1_Other';
      },
      'ignored',
    ],
    [
      'an event name not in REVOKE_ON',
      'admin-disable-user.json',
      (e) => {
        e.detail.eventName = 'AdminRemoveUserFromGroup';
      },
      'ignored',
    ],
    [
      'a non-revoking call',
      'admin-disable-user.json',
      (e) => {
        e.detail.eventName = 'AdminEnableUser';
      },
      'ignored',
    ],
    [
      'another service',
      'admin-disable-user.json',
      (e) => {
        e.detail.eventSource = 'iam.amazonaws.com';
      },
      'ignored',
    ],
    [
      'no eventID',
      'admin-disable-user.json',
      (e) => {
        e.detail.eventID = undefined;
      },
      'invalid',
    ],
    [
      'a bad eventTime',
      'admin-disable-user.json',
      (e) => {
        e.detail.eventTime = 'yesterday';
      },
      'invalid',
    ],
    [
      'no detail',
      'admin-disable-user.json',
      (e) => {
        e.detail = 'x';
      },
      'invalid',
    ],
  ];
  it.each(cases)('%s → %s', (_name, file, mutate, kind) => {
    const event = fixture(file);
    mutate(event);
    expect(parseEvent(event, options).kind).toBe(kind);
  });

  it('a sub that is not UUID-shaped is not a sub (no injection into ListUsers filters)', () => {
    const event = fixture('admin-disable-user.json');
    for (const bad of ['" or sub ^= "', 'x'.repeat(36), 42, { sub: SUB }]) {
      event.detail.additionalEventData = { sub: bad };
      expect(parseEvent(event, options).kind).toBe('hidden');
    }
  });

  it('an opt-in event is handled once REVOKE_ON names it', () => {
    const event = fixture('admin-disable-user.json');
    event.detail.eventName = 'AdminRemoveUserFromGroup';
    const parsed = parseEvent(event, {
      userPoolId: POOL,
      revokeOn: parseRevokeOn('AdminRemoveUserFromGroup'),
    });
    expect(parsed).toMatchObject({ kind: 'revoke', cognitoSignOut: 'call' });
  });

  it('never throws on junk', () => {
    for (const junk of [null, 1, 'x', [], {}, { 'detail-type': 'AWS API Call via CloudTrail', detail: [] }])
      expect(['invalid', 'ignored']).toContain(parseEvent(junk, options).kind);
  });
});

describe('the sweep', () => {
  it('an EventBridge Scheduled Event or { operation: "sweep" }', () => {
    expect(parseEvent(fixture('scheduled-event.json'), options)).toEqual({
      kind: 'sweep',
      time: Date.parse('2026-11-30T09:20:00Z') / 1000,
    });
    expect(parseEvent({ operation: 'sweep' }, options)).toEqual({ kind: 'sweep' });
  });

  it('a manual sweep may ask for 1–60 users per step; anything else is refused, not run with a default', () => {
    expect(parseEvent({ operation: 'sweep', batchSize: 5 }, options)).toEqual({
      kind: 'sweep',
      batchSize: 5,
    });
    expect(parseEvent({ operation: 'sweep', batchSize: 60 }, options)).toEqual({
      kind: 'sweep',
      batchSize: 60,
    });
    for (const bad of [0, 61, 2.5, -1, '5', null, Number.NaN])
      expect(parseEvent({ operation: 'sweep', batchSize: bad }, options)).toMatchObject({
        kind: 'invalid',
        reason: expect.stringMatching(/batchSize/),
      });
  });
});

describe('actorFrom and REVOKE_ON', () => {
  it('actor: the ARN, else type:principal, else the calling service, else a user-pool user', () => {
    expect(actorFrom({ type: 'IAMUser', arn: 'arn:aws:iam::1:user/Alice', principalId: 'P' })).toBe(
      'cloudtrail:arn:aws:iam::1:user/Alice',
    );
    expect(actorFrom({ type: 'AWSAccount', principalId: 'P' })).toBe('cloudtrail:AWSAccount:P');
    expect(actorFrom({ type: 'AWSService', invokedBy: 'cognito-idp.amazonaws.com' })).toBe(
      'cloudtrail:cognito-idp.amazonaws.com',
    );
    expect(actorFrom({ accountId: '1' })).toBe('cloudtrail:user-pool-user');
    expect(actorFrom(undefined)).toBe('cloudtrail:unknown');
  });

  it('REVOKE_ON: empty is the default five; an unknown name is refused', () => {
    expect(parseRevokeOn('')).toEqual([...DEFAULT_REVOKE_ON]);
    expect(parseRevokeOn(' AdminDeleteUser, AdminDeleteUser ')).toEqual(['AdminDeleteUser']);
    expect(() => parseRevokeOn('AdminEnableUser')).toThrow(/REVOKE_ON/);
    expect(REVOKING_EVENT_NAMES).toHaveLength(10);
  });
});

describe('records that name no user pool (calls users make themselves)', () => {
  const CLIENT = '1example23456789abcdefghij';
  const userCalls = { ...options, revokeOn: ['ConfirmForgotPassword' as const], clientIds: [CLIENT] };
  function confirmForgotPassword(fields: { username?: string; sub?: string; clientId?: string }): Fixture {
    const event = fixture('confirm-forgot-password.json');
    event.detail.requestParameters.username = fields.username ?? 'HIDDEN_FOR_SECURITY_REASONS';
    if (fields.clientId === undefined) delete event.detail.requestParameters.clientId;
    else event.detail.requestParameters.clientId = fields.clientId;
    event.detail.additionalEventData = fields.sub ? { sub: fields.sub } : {};
    return event;
  }

  it.each([
    ['a sub, through any app client', { sub: SUB, clientId: 'otherclient0000000000000000' }, { sub: SUB }],
    [
      'a username through one of this pool’s app clients',
      { username: 'pat', clientId: CLIENT },
      { username: 'pat' },
    ],
  ])('%s: revoke', (_name, fields, user) => {
    // Act
    const parsed = parseEvent(confirmForgotPassword(fields), userCalls);
    // Assert
    expect(parsed).toMatchObject({ kind: 'revoke', eventName: 'ConfirmForgotPassword', user });
    expect(parsed).not.toHaveProperty('userPoolId');
  });

  it.each([
    [
      'another app client',
      { username: 'pat', clientId: 'otherclient0000000000000000' },
      /not one of this pool/,
    ],
    ['no app client', { username: 'pat' }, /no app client/],
  ])('a username through %s: ignored, with the reason', (_name, fields, reason) => {
    // Act
    const parsed = parseEvent(confirmForgotPassword(fields), userCalls);
    // Assert
    expect(parsed).toMatchObject({ kind: 'ignored', reason: expect.stringMatching(reason) });
  });

  it('no CLIENT_IDS configured: a username alone is never enough', () => {
    // Act
    const parsed = parseEvent(confirmForgotPassword({ username: 'pat', clientId: CLIENT }), {
      ...userCalls,
      clientIds: [],
    });
    // Assert
    expect(parsed.kind).toBe('ignored');
  });
});
