/**
 * examples/own-trigger: a team's own pre-token-generation function calling the exported session-recording step
 * (lambdas/token-trigger/session-recording.ts), bundled with esbuild as scripts/build.mjs bundles the Lambdas
 * (CommonJS, node20) and run against dynalite: its own claim and the session claim both reach the tokens, the
 * session is recorded, and a failing table does not break the sign-in.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSdkStore } from '../../lambdas/adapters/dynamodb/sdk-store.js';
import { type LocalDynamo, startDynalite } from '../../local/dynalite.js';
import { ROOT, setEnvironment } from '../fixtures/bundles.js';
import { type Capture, captureOutput } from '../support/capture.js';
import { closedPortEndpoint } from '../fixtures/network.js';
import { preTokenV1, preTokenV2, SUB, type TriggerOutput } from '../fixtures/trigger-events.js';

type Handler = (event: unknown) => Promise<TriggerOutput>;
const TABLE = 'blocklist-own-trigger';
const requireCjs = createRequire(import.meta.url);

let dynamo: LocalDynamo;
let outDir: string;
let bundle: string;

/** A fresh container of the example with `env` set while it is used. */
function load(env: Record<string, string>): { handler: Handler; restore: () => void } {
  const restore = setEnvironment(env);
  delete requireCjs.cache[bundle];
  return { handler: (requireCjs(bundle) as { handler: Handler }).handler, restore };
}

beforeAll(async () => {
  dynamo = await startDynalite();
  await dynamo.createTable(TABLE);
  outDir = mkdtempSync(join(tmpdir(), 'own-trigger-'));
  bundle = join(outDir, 'index.js');
  await build({
    entryPoints: [join(ROOT, 'examples', 'own-trigger', 'index.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: bundle,
    logLevel: 'error',
  });
});
afterAll(async () => {
  rmSync(outDir, { recursive: true, force: true });
  await dynamo?.stop();
});

describe('examples/own-trigger', () => {
  it('v2: its tenant claim and the session claim in both tokens; the session is recorded', async () => {
    // Arrange
    const { handler, restore } = load({ TABLE_NAME: TABLE, AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint });
    const event = preTokenV2('2');
    event.request.userAttributes = { ...event.request.userAttributes, 'custom:tenant': 'acme' } as never;
    let output: Capture | undefined;
    try {
      output = captureOutput();
      // Act
      const result = await handler(event);
      // Assert
      const details = result.response.claimsAndScopeOverrideDetails;
      const sid = details?.idTokenGeneration.claimsToAddOrOverride.revocation_sid;
      expect(sid).toMatch(/^[0-9a-f]{44}$/);
      expect(details?.idTokenGeneration.claimsToAddOrOverride.tenant).toBe('acme');
      expect(details?.accessTokenGeneration.claimsToAddOrOverride).toEqual({
        revocation_sid: sid,
        tenant: 'acme',
      });
      const sessions = await createSdkStore({ client: dynamo.client, tableName: TABLE }).listByUser(SUB);
      expect(sessions.map((s) => s.sessionId)).toContain(sid);
    } finally {
      output?.restore();
      restore();
    }
  });

  it('v1 with the table unreachable: both claims still in the ID token, the failure logged', async () => {
    // Arrange
    const { handler, restore } = load({
      TABLE_NAME: TABLE,
      AWS_ENDPOINT_URL_DYNAMODB: await closedPortEndpoint(),
    });
    const output = captureOutput();
    try {
      // Act
      const result = await handler(preTokenV1());
      // Assert
      const claims = result.response.claimsOverrideDetails?.claimsToAddOrOverride;
      expect(claims?.tenant).toBe('default');
      expect(claims?.revocation_sid).toMatch(/^[0-9a-f]{44}$/);
      expect(output.json().some((l) => l.message === 'session not recorded; claim injected anyway')).toBe(
        true,
      );
    } finally {
      output.restore();
      restore();
    }
  });
});
