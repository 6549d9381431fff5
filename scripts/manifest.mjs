// dist/build.json: what ties the Lambda zips to a version of the module. The Terraform module reads it at plan
// time (release.tf) and fails with one line when the zips belong to another version or another environment
// contract. Shared by scripts/build.mjs (writes it), scripts/check-dist.mjs (compares it) and the Terraform
// tests (write one for placeholder zips).
import { createHash } from 'node:crypto';

export const PACKAGE_NAME = 'cognito-revocation';

/**
 * The environment contract of one function, as a short fingerprint: SHA-256 (hex) of the JSON array of its
 * variable names, sorted. Terraform computes the very same value from what the module sets
 * (`sha256(jsonencode(sort(keys(local.<function>_environment))))`), so the two sides meet without either
 * reading the other's source.
 * @param {readonly string[]} names
 */
export function environmentContract(names) {
  return createHash('sha256')
    .update(JSON.stringify([...names].sort()))
    .digest('hex');
}

/**
 * @param {{ version: string, environment: Record<string, readonly { name: string }[]>,
 *           zips: Record<string, { zipBytes: number, bundleBytes: number, sha256: string }> }} input
 */
export function buildManifest({ version, environment, zips }) {
  const functions = {};
  for (const name of Object.keys(zips).sort()) {
    const spec = environment[name];
    if (!spec)
      throw new Error(`build manifest: no environment contract for ${name} (lambdas/config/contract.ts)`);
    functions[name] = {
      zip: `${name}.zip`,
      ...zips[name],
      environmentContract: environmentContract(spec.map((v) => v.name)),
    };
  }
  return { name: PACKAGE_NAME, version, functions };
}
