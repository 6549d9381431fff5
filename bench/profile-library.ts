/**
 * A CPU profile of the library's whole decision, for `node --cpu-prof` (not a benchmark: no figures, no baseline).
 * The BUILT library (dist/lib) with an in-process blocklist and, in staleness mode, in-process hints; N decisions
 * after a warm-up. PROFILE_MODE=exact|staleness (default staleness).
 *
 * Run: node scripts/build.mjs lib
 *      PROFILE_MODE=exact node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile-library.ts
 *      node bench/profile-summary.mjs /tmp/prof/<file>.cpuprofile 30 verify
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as Library from '../lambdas/library/index.js';
import { LOCAL_AWS } from '../local/dynalite.js';
import { inProcessStore, libraryTokens } from './library-store.js';
import { startJwksServer } from '../test/fixtures/jwks.js';
import { TEST_CLIENT_ID, TEST_USER_POOL_ID } from '../test/fixtures/tokens.js';

const DECISIONS = Number(process.env.PROFILE_DECISIONS ?? 30_000);
const ROOT = join(__dirname, '..');

async function main() {
  const lib = createRequire(join(ROOT, 'package.json'))(ROOT) as typeof Library;
  const jwks = await startJwksServer();
  const store = inProcessStore();
  const staleness = process.env.PROFILE_MODE !== 'exact';
  const verifier = lib.createRevocationVerifier(
    {
      userPoolId: TEST_USER_POOL_ID,
      clientId: TEST_CLIENT_ID,
      tableName: 'profile',
      endpoint: 'http://127.0.0.1:9',
      jwksUri: jwks.uri,
      credentials: async () => ({ ...LOCAL_AWS.credentials }),
      ...(staleness ? { stalenessSeconds: 10, maxAgeSeconds: 300 } : {}),
    },
    store,
  );
  const pool = libraryTokens(100);
  for (let i = 0; i < DECISIONS; i++) await verifier.verify(pool[i % pool.length] as string);
  verifier.close();
  await jwks.stop();
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
