/**
 * The admin CLI's commands, on commander. Each command builds one request for the admin signout Lambda, invokes it
 * and prints the result as a table (or the raw result with --json). Exit codes: 0 done, 1 the operation failed or
 * was incomplete, 2 bad usage or input, 3 the function could not be invoked.
 */
import { userInfo } from 'node:os';
import { Command, CommanderError, Option } from 'commander';
import { decodeTokenIds, TokenDecodeError } from './decode.js';
import { fields, table, time } from './format.js';
import type {
  AdminResult,
  CognitoSessionRevokeResult,
  UnmatchedSessionResult,
  InspectResult,
  ListSessionsResult,
  RevokeResult,
  SignOutResult,
} from '../lambdas/revocation/results.js';
import { createInvoke, type Invoke, InvokeError, type InvokeTarget } from './invoke.js';

export const EXIT = { ok: 0, failed: 1, usage: 2, unreachable: 3 } as const;

export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Reads all of stdin (for `check -` and `revoke-token -`). */
  readonly readStdin: () => Promise<string>;
  /** Builds the invoker; tests can pass their own. */
  readonly createInvoke?: (target: InvokeTarget) => Invoke;
  readonly env?: NodeJS.ProcessEnv;
}

interface GlobalOptions {
  function?: string;
  region?: string;
  profile?: string;
  endpointUrl?: string;
  json?: boolean;
}

type Result = AdminResult;

class UsageError extends Error {}

function defaultActor(env: NodeJS.ProcessEnv): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return `cli:${env.USER ?? 'unknown'}`;
  }
}

function describeSignOut(r: SignOutResult): string {
  const lines = [`${r.ok ? 'Signed out' : 'Sign-out INCOMPLETE for'} ${r.user.username} (sub ${r.user.sub})`];
  const w = r.watermark ?? {};
  lines.push(
    fields([
      [
        'Cognito global sign-out',
        r.cognitoSignOut?.done
          ? 'done (refresh tokens revoked)'
          : `NOT DONE: ${r.cognitoSignOut?.error ?? 'unknown'}`,
      ],
      [
        'User watermark',
        w.inForce
          ? `${time(w.notBefore)}: tokens authenticated at or before it are refused${w.stored && w.stored.notBefore !== w.notBefore ? ` (a later one is stored: ${time(w.stored.notBefore)})` : ''}`
          : `NOT WRITTEN: ${w.error ?? 'unknown'}`,
      ],
      ['Watermark kept until', time(w.stored?.expiresAt)],
      ['Sessions revoked', `${r.sessions?.revoked ?? 0} of ${r.sessions?.outstanding ?? 0} outstanding`],
      [
        'Not written',
        r.sessions?.error
          ? r.sessions.error
          : r.sessions?.unwritten?.length
            ? r.sessions.unwritten.map((k) => `${k.scope}:${k.id}`).join(', ')
            : 'none',
      ],
      ['Actor / reason', `${r.actor} / ${r.reason}`],
    ]),
  );
  if (r.error) lines.push(`\nIncomplete: ${r.error.message}`);
  return lines.join('\n');
}

/** A Cognito session (`tkn…`) revocation: Cognito's own revocation plus the matched issuances. */
function describeCognitoRevoke(r: CognitoSessionRevokeResult): string {
  const lines = [
    `Cognito session ${r.cognitoSessionId} of ${r.user.username} (sub ${r.user.sub})`,
    fields([
      [
        'Cognito (AdminRevokeUserSession)',
        r.cognito.done ? 'revoked' : `NOT revoked: ${r.cognito.error ?? ''}`,
      ],
      [
        'Issuances revoked at the API',
        r.matched.map((m) => `${m.sessionId} (${time(m.issuedAt)})`).join(', ') || 'none',
      ],
      ['Actor / reason', `${r.actor} / ${r.reason}`],
    ]),
  ];
  if (r.error) lines.push(`\nIncomplete: ${r.error.message}`);
  return lines.join('\n');
}

function describeRevoke(r: RevokeResult | CognitoSessionRevokeResult | UnmatchedSessionResult): string {
  if ('matched' in r && r.matched === false && !('revocation' in r))
    return `NOT revoked: no session ${r.id} of ${r.user.username} (sub ${r.user.sub}); nothing written\n  ${r.error.message}`;
  if (r.operation === 'revokeCognitoSession') return describeCognitoRevoke(r as CognitoSessionRevokeResult);
  const one = r as RevokeResult;
  const what = `${one.revocation.scope} ${one.revocation.id}${one.user ? ` of ${one.user.username} (sub ${one.user.sub})` : ''}`;
  if (!one.written) return `NOT revoked: ${what}\n  ${one.error?.message ?? ''}`;
  const pairs: [string, string][] = [
    ['Entry kept until', time(one.revocation.expiresAt)],
    ['Actor / reason', `${one.actor} / ${one.reason}`],
  ];
  if (one.matched === false) pairs.push(['Recorded session', 'none (forced: --force)']);
  const lines = [`Revoked ${what}`, fields(pairs)];
  if (one.error) lines.push(`\nIncomplete: ${one.error.message}`);
  return lines.join('\n');
}

const JWT_SHAPE = /^(bearer\s+)?[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/i;

/** Cognito's own sessions (session tracking), listed after ours. */
function describeCognitoSessions(r: ListSessionsResult): string {
  const view = r.cognitoSessions;
  if (!view) return '';
  if (!view.tracked) return `\n\nCognito sessions: not available (${view.reason})`;
  if (!view.sessions.length) return '\n\nCognito sessions: none active';
  const rows = view.sessions.map((s) => [
    s.sessionId,
    String(s.type),
    s.createdAt !== undefined ? time(s.createdAt) : '-',
    s.lastActiveAt !== undefined ? time(s.lastActiveAt) : '-',
    s.device ?? '-',
    s.ip ?? '-',
    [s.location?.city, s.location?.country].filter(Boolean).join(', ') || '-',
    s.clientId ?? '-',
  ]);
  return `\n\nCognito sessions (revoke one with revoke-session <tkn…> --user ...):\n${table(['COGNITO SESSION', 'TYPE', 'CREATED', 'LAST ACTIVE', 'DEVICE', 'IP', 'LOCATION', 'CLIENT'], rows)}`;
}

function describeSessions(r: ListSessionsResult): string {
  const head = `Sessions of ${r.user.username} (sub ${r.user.sub}): ${r.counts.active} active, ${r.counts.revoked} revoked, ${r.counts.expired} expired`;
  const watermark = r.watermark
    ? `\nSigned out everywhere at ${time(r.watermark.notBefore)}${r.watermark.actor ? ` by ${r.watermark.actor}` : ''}${r.watermark.reason ? ` (${r.watermark.reason})` : ''}`
    : '';
  if (!r.sessions.length) return `${head}${watermark}\n(no recorded sessions)${describeCognitoSessions(r)}`;
  const rows = r.sessions.map((s) => [
    s.sessionId,
    s.state + (s.revokedBy ? ` (${s.revokedBy === 'user' ? 'signout' : 'session'})` : ''),
    time(s.issuedAt),
    time(s.expiresAt),
    s.clientId,
    s.triggerSource.replace(/^TokenGeneration_/, ''),
  ]);
  return `${head}${watermark}\n\n${table(['SESSION', 'STATE', 'ISSUED', 'EXPIRES', 'CLIENT', 'SOURCE'], rows)}${describeCognitoSessions(r)}`;
}

function describeCheck(r: InspectResult, ids: ReturnType<typeof decodeTokenIds>): string {
  const lines = [r.revoked ? 'REVOKED' : 'NOT REVOKED', `  ${r.explanation}`];
  if (r.tokenExpired)
    lines.push('  Note: the token has expired anyway; the authorizer rejects it whatever the table says.');
  lines.push(
    '',
    'Token ids (decoded locally, signature NOT verified):',
    fields([
      ['sub', ids.sub],
      ['username', ids.username ?? '-'],
      ['token_use', ids.tokenUse ?? '-'],
      ['client', ids.clientId ?? '-'],
      ['issued (iat)', time(ids.iat)],
      ['auth_time', time(ids.authTime)],
      ['expires (exp)', time(ids.exp)],
      ['jti', ids.jti ?? '-'],
      ['origin_jti', ids.originJti ?? '-'],
      ['session id', ids.sessionId ?? '- (no session claim)'],
    ]),
  );
  return lines.join('\n');
}

/**
 * `revoke-session -- <id> --user alice`: `--` protects an id that starts with `-`, but commander reads everything after
 * it as operands, so the options that follow would be lost. The one operand right after `--` is moved behind the
 * options that follow it (`revoke-session --user alice -- <id>`), so both orders mean the same.
 */
export function operandBeforeOptions(argv: readonly string[]): string[] {
  const at = argv.indexOf('--');
  const operand = argv[at + 1];
  const rest = argv.slice(at + 2);
  if (at < 0 || operand === undefined || !rest.some((a) => a.startsWith('-'))) return [...argv];
  return [...argv.slice(0, at), ...rest, '--', operand];
}

export function createProgram(io: CliIo): { run(argv: readonly string[]): Promise<number> } {
  const env = io.env ?? process.env;
  const makeInvoke = io.createInvoke ?? createInvoke;
  let exitCode: number = EXIT.ok;

  const program = new Command('cognito-revocation')
    .description(
      'Revoke Amazon Cognito sessions and tokens at your APIs, through the admin signout Lambda of the cognito-revocation Terraform module (output `admin_signout_function_name`).',
    )
    .addOption(
      new Option('-f, --function <name|arn>', 'admin signout function name or ARN').env(
        'COGNITO_REVOCATION_FUNCTION',
      ),
    )
    .option('--region <region>', 'AWS region (default: AWS_REGION or your profile’s region)')
    .option('--profile <profile>', 'AWS named profile (default: AWS_PROFILE or the default chain)')
    .option('--endpoint-url <url>', 'Lambda endpoint of a local stack, e.g. http://127.0.0.1:9001')
    .option('--json', 'print the raw result as JSON (for scripts)')
    .configureOutput({
      writeOut: (s) => io.out(s.replace(/\n$/, '')),
      writeErr: (s) => io.err(s.replace(/\n$/, '')),
    })
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .addHelpText(
      'after',
      `
Examples:
  cognito-revocation -f my-admin-fn signout alice --reason "laptop stolen"
  cognito-revocation -f my-admin-fn sessions alice
  cognito-revocation -f my-admin-fn revoke-session 9f86d081884c7d659a2feaa0c55ad015 --user alice --reason "suspicious IP"
  pbpaste | cognito-revocation -f my-admin-fn revoke-token - --reason "token leaked in a ticket"   (user, jti, exp from the token)
  cognito-revocation -f my-admin-fn revoke-token 6f1e0c2a-... --user alice --reason "jti from a log line"
  pbpaste | cognito-revocation -f my-admin-fn check -      (reads the token from stdin, keeps it out of shell history)

Exit codes: 0 done, 1 the operation failed or is incomplete (see the output), 2 bad usage or input,
3 the function could not be invoked (name, region, credentials, network).
Your credentials need lambda:InvokeFunction on the function (module output \`admin_invoke_policy_json\`).`,
    );

  /** Invokes the function; prints the result with `describe` (its shape is the one for the request's operation). */
  async function call<R extends AdminResult>(
    request: Record<string, unknown>,
    describe: (r: R) => string,
  ): Promise<void> {
    const opts = program.opts<GlobalOptions>();
    if (!opts.function) {
      throw new UsageError(
        'which admin function? Pass --function <name|arn> or set COGNITO_REVOCATION_FUNCTION (Terraform output admin_signout_function_name).',
      );
    }
    const invoke = makeInvoke({
      functionName: opts.function,
      region: opts.region,
      profile: opts.profile,
      endpointUrl: opts.endpointUrl,
    });
    const result = (await invoke(request)) as unknown as Result;
    if (opts.json) io.out(JSON.stringify(result, null, 2));
    else if (
      result.ok === false &&
      (!result.operation || result.error?.code !== 'incomplete') &&
      !('revocation' in result)
    ) {
      io.err(`Error (${result.error?.code ?? 'unknown'}): ${result.error?.message ?? 'no message'}`);
    } else io.out(describe(result as R));
    // An id that matches no session is bad input, as an invalid id is: nothing was done.
    const code = result.ok ? undefined : result.error?.code;
    const usage = code === 'invalid_request' || code === 'session_not_found';
    exitCode = result.ok === true ? EXIT.ok : usage ? EXIT.usage : EXIT.failed;
  }

  const attribution = (cmd: Command) =>
    cmd
      .addOption(
        new Option('--actor <name>', 'who is acting (recorded with the revocation)').default(
          defaultActor(env),
          'cli:<your OS user>',
        ),
      )
      .requiredOption('--reason <text>', 'why (recorded with the revocation and in the audit log)');

  attribution(
    program
      .command('signout')
      .description(
        'sign a user out everywhere: Cognito global sign-out (refresh tokens), the user watermark (every token authenticated until now is refused), and a revocation for each recorded session',
      )
      .argument('<user>', 'username (or alias) or sub'),
  ).action(async (user: string, o: { actor: string; reason: string }) => {
    await call({ operation: 'signOutUser', user, actor: o.actor, reason: o.reason }, describeSignOut);
  });

  attribution(
    program
      .command('revoke-session')
      .description(
        'revoke one session of a user: the session id the token trigger injected, or a Cognito origin_jti',
      )
      .argument('<id>', 'session id (claim revocation_sid), origin_jti, or a Cognito session id (tkn…)')
      .requiredOption(
        '--user <user>',
        'whose session: username (or alias) or sub (`sessions <user>` lists them)',
      )
      .addOption(
        new Option('--kind <kind>', 'what <id> is; auto = UUID means origin_jti, anything else a session id')
          .choices(['auto', 'session', 'origin'])
          .default('auto'),
      )
      .option(
        '--force',
        'revoke a session id that matches no recorded session of the user (an id read from a token whose issuance was never recorded)',
      ),
  ).action(
    async (id: string, o: { actor: string; reason: string; kind: string; user: string; force?: boolean }) => {
      const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
      const kind = o.kind === 'auto' ? (uuid ? 'origin' : 'session') : o.kind;
      await call(
        {
          operation: 'revokeSession',
          user: o.user,
          ...(kind === 'origin' ? { originJti: id } : { sessionId: id, ...(o.force ? { force: true } : {}) }),
          actor: o.actor,
          reason: o.reason,
        },
        describeRevoke,
      );
    },
  );

  attribution(
    program
      .command('revoke-token')
      .description(
        'revoke one token: give the token itself (or - to read it from stdin; decoded here WITHOUT verifying it, only its sub, jti and exp are sent), or its jti with --user',
      )
      .argument('<token|jti>', 'an ID or access token, - for stdin, or the token’s jti claim')
      .option('--user <user>', 'whose token, when <token|jti> is a jti: username (or alias) or sub')
      .option(
        '--exp <epoch-seconds>',
        'the token’s exp, so the entry expires with it (default: the token’s own exp, else a full token lifetime)',
      ),
  ).action(async (given: string, o: { actor: string; reason: string; exp?: string; user?: string }) => {
    let exp: number | undefined;
    if (o.exp !== undefined) {
      exp = Number(o.exp);
      if (!Number.isInteger(exp) || exp <= 0)
        throw new UsageError(`--exp must be epoch seconds, got "${o.exp}"`);
    }
    let jti = given;
    let user = o.user;
    if (given === '-' || JWT_SHAPE.test(given.trim())) {
      const raw = given === '-' ? await io.readStdin() : given;
      let ids: ReturnType<typeof decodeTokenIds>;
      try {
        ids = decodeTokenIds(raw, 'revocation_sid');
      } catch (error) {
        if (error instanceof TokenDecodeError)
          throw new UsageError(`cannot read the token: ${error.message}`);
        throw error;
      }
      if (!ids.jti) throw new UsageError('the token has no "jti" claim: revoke its session instead');
      if (user !== undefined && user !== ids.sub)
        throw new UsageError(`--user "${user}" is not the token’s sub (${ids.sub}); leave --user out`);
      jti = ids.jti;
      user = ids.sub;
      exp ??= ids.exp;
    } else if (user === undefined) {
      throw new UsageError(
        'whose token? Pass the token itself (or - for stdin), or --user <username|sub> with a jti',
      );
    }
    await call(
      { operation: 'revokeToken', user, jti, ...(exp ? { exp } : {}), actor: o.actor, reason: o.reason },
      describeRevoke,
    );
  });

  program
    .command('sessions')
    .description('list a user’s recorded sessions with their state: active, revoked or expired')
    .argument('<user>', 'username (or alias) or sub')
    .action(async (user: string) => {
      await call({ operation: 'listSessions', user }, describeSessions);
    });

  program
    .command('check')
    .description(
      'say whether and why the blocklist revokes a token. The token is decoded here WITHOUT verifying it; only its ids (sub, iat, auth_time, exp, jti, origin_jti, session id) are sent, never the token',
    )
    .argument('<token>', 'an ID or access token, or - to read it from stdin')
    .option(
      '--session-claim <name>',
      'the session claim name (SESSION_CLAIM of the module)',
      'revocation_sid',
    )
    .action(async (token: string, o: { sessionClaim: string }) => {
      const raw = token === '-' ? await io.readStdin() : token;
      let ids: ReturnType<typeof decodeTokenIds>;
      try {
        ids = decodeTokenIds(raw, o.sessionClaim);
      } catch (error) {
        if (error instanceof TokenDecodeError)
          throw new UsageError(`cannot read the token: ${error.message}`);
        throw error;
      }
      const request = {
        operation: 'inspect',
        token: {
          sub: ids.sub,
          iat: ids.iat,
          ...(ids.authTime !== undefined ? { authTime: ids.authTime } : {}),
          ...(ids.exp !== undefined ? { exp: ids.exp } : {}),
          ...(ids.jti ? { jti: ids.jti } : {}),
          ...(ids.originJti ? { originJti: ids.originJti } : {}),
          ...(ids.sessionId ? { sessionId: ids.sessionId } : {}),
        },
      };
      await call<InspectResult>(request, (r) => describeCheck(r, ids));
    });

  return {
    async run(argv) {
      exitCode = EXIT.ok;
      try {
        await program.parseAsync(operandBeforeOptions(argv), { from: 'user' });
        return exitCode;
      } catch (error) {
        if (error instanceof CommanderError) {
          return error.code === 'commander.helpDisplayed' ||
            error.code === 'commander.version' ||
            error.exitCode === 0
            ? EXIT.ok
            : EXIT.usage;
        }
        if (error instanceof UsageError) {
          io.err(`Error: ${error.message}`);
          return EXIT.usage;
        }
        if (error instanceof InvokeError) {
          io.err(`Error: ${error.message}`);
          return EXIT.unreachable;
        }
        io.err(`Error: ${error instanceof Error ? error.message : String(error)}`);
        return EXIT.failed;
      }
    },
  };
}
