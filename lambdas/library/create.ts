/**
 * The package's entry to the verifier: credentials from the option, else the AWS SDK's Node.js default provider
 * chain — environment, shared config / SSO, web identity (EKS IRSA), the ECS container endpoint (ECS task roles,
 * EKS Pod Identity), the EC2 instance profile — resolved once and refreshed before expiry (credentials.ts).
 */
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { RevocationVerifierOptions } from './options.js';
import { buildRevocationVerifier, type RevocationVerifier, type VerifierParts } from './verifier.js';

export function createRevocationVerifier(
  options: RevocationVerifierOptions,
  parts: VerifierParts = {},
): RevocationVerifier {
  return buildRevocationVerifier(
    { ...options, credentials: options?.credentials ?? defaultProvider() },
    parts,
  );
}
