/**
 * Signal received → the user's tokens get 401, on the local stack (dynalite, cognito-local, the built bundles behind
 * the Lambda endpoint, the API Gateway stand-in): a transmitter stand-in pushes a CAEP session-revoked SET to the
 * built Shared Signals receiver, then the API is called with the user's access token until it answers 401.
 *
 * Side by side, in the same run and the same stack: the admin function's signOutUser (the same user-wide
 * revocation through the same service, invoked directly) → 401. Each run is a fresh user with fresh tokens; the
 * first signal of the receiver's container (bundle load, metadata and JWKS fetch) is reported apart from the
 * warm median.
 * Run: npm run bench signals
 */
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { deploySignalDoor } from '../local/demo-signals.js';
import { startStack } from '../local/stack.js';

const RUNS = 15;
const PASSWORD = 'Bench-Passw0rd!long';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

async function main() {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const stack = await startStack({ users: [] });
  const door = await deploySignalDoor(stack);
  const { cognito } = stack;
  let n = 0;
  async function freshUser() {
    n += 1;
    const username = `bench-${n}`;
    const email = `bench-${n}@example.com`;
    await cognito.client.send(
      new AdminCreateUserCommand({
        UserPoolId: cognito.userPoolId,
        Username: username,
        MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'email', Value: email }],
      }),
    );
    await cognito.client.send(
      new AdminSetUserPasswordCommand({
        UserPoolId: cognito.userPoolId,
        Username: username,
        Password: PASSWORD,
        Permanent: true,
      }),
    );
    const tokens = await cognito.signIn(username, PASSWORD);
    return { username, email, tokens };
  }
  const status = async (token: string) =>
    (await fetch(`${stack.api.urls.restToken}/hello`, { headers: { Authorization: `Bearer ${token}` } }))
      .status;
  /** Milliseconds from `start` until the API refuses `token` (polled back to back). */
  async function until401(token: string, start: number): Promise<number> {
    for (;;) {
      if ((await status(token)) === 401) return performance.now() - start;
      if (performance.now() - start > 30_000) throw new Error('no 401 within 30 s');
    }
  }
  try {
    const signal: number[] = [];
    const admin: number[] = [];
    const answers: number[] = [];
    const adminAnswers: number[] = [];
    let cold = 0;
    for (let i = 0; i <= RUNS; i++) {
      // The user must have been signed in a second before the revocation (the watermark has second granularity).
      const a = await freshUser();
      const b = await freshUser();
      await new Promise((r) => setTimeout(r, 1100));
      if ((await status(a.tokens.accessToken)) !== 200 || (await status(b.tokens.accessToken)) !== 200)
        throw new Error('fresh tokens refused before the revocation');
      const t0 = performance.now();
      const answer = await door.sessionRevoked(a.email);
      if (i > 0) answers.push(performance.now() - t0);
      if (answer.status !== 202) throw new Error(`receiver answered ${answer.status} ${answer.body}`);
      const ms = await until401(a.tokens.accessToken, t0);
      if (i === 0) cold = ms;
      else signal.push(ms);
      const t1 = performance.now();
      const res = await stack.lambda.invoke(stack.functions.adminSignout, {
        operation: 'signOutUser',
        user: b.username,
        actor: 'bench',
        reason: 'bench',
      });
      if (i > 0) adminAnswers.push(performance.now() - t1);
      if (!(res.payload as { ok?: boolean } | null)?.ok)
        throw new Error(`admin signout failed: ${JSON.stringify(res.payload)}`);
      const adminMs = await until401(b.tokens.accessToken, t1);
      if (i > 0) admin.push(adminMs);
    }
    console.log(`signal → 401, ${RUNS} runs (warm receiver), fresh user each run`);
    console.log(
      `  Shared Signals SET pushed → first 401   median ${median(signal).toFixed(0)} ms   (min ${Math.min(...signal).toFixed(0)}, max ${Math.max(...signal).toFixed(0)})`,
    );
    console.log(
      `  baseline: admin signOutUser → first 401  median ${median(admin).toFixed(0)} ms   (min ${Math.min(...admin).toFixed(0)}, max ${Math.max(...admin).toFixed(0)})`,
    );
    console.log(
      `  of which the answer: receiver 202 median ${median(answers).toFixed(0)} ms, admin result median ${median(adminAnswers).toFixed(0)} ms (the revocation, its read-back and propagation happen before either answers)`,
    );
    console.log(`  ratio signal / admin: ${(median(signal) / median(admin)).toFixed(2)}`);
    console.log(
      `  first signal of a cold receiver container (bundle load, metadata + JWKS fetch): ${cold.toFixed(0)} ms`,
    );
    console.log('  without the receiver the token is accepted until it expires (token lifetime 3600 s here)');
  } finally {
    await door.stop();
    await stack.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
