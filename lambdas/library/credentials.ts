/**
 * Credentials for the lean DynamoDB client outside Lambda: resolved through the AWS SDK's default provider chain
 * (environment, SSO / shared config, web identity — EKS IRSA —, the ECS container endpoint — ECS task roles and
 * EKS Pod Identity —, the EC2 instance profile) ONCE, held, and refreshed before they expire. The request path reads
 * the held set synchronously: no SDK client and no promise per request, the signing stays the authorizer's own.
 *
 * - A refresh starts in the background once the held set is within `refreshBeforeMs` of its expiry; requests go on
 *   signing with the held set meanwhile (still valid).
 * - Only when nothing valid is held (first use, or a refresh that kept failing until expiry) does a request wait for
 *   the chain, within the store deadline the caller gives.
 * - One resolution at a time (single flight): a burst of first requests costs one call to the chain.
 */
import type { AwsCredentials } from '../adapters/aws/sigv4.js';

/** What the SDK's providers resolve to (`AwsCredentialIdentity`); `expiration` absent for long-lived keys. */
export interface ResolvedCredentials extends AwsCredentials {
  readonly expiration?: Date | undefined;
}

/** The SDK's `AwsCredentialIdentityProvider` shape: `fromNodeProviderChain()` or any of its providers. */
export type CredentialProvider = () => Promise<ResolvedCredentials>;

export interface CredentialHolder {
  /** The held set when still valid (starting a background refresh when due); undefined when a caller must wait. */
  current(): AwsCredentials | undefined;
  /** Resolves the held set, waiting for the chain when nothing valid is held. */
  get(): Promise<AwsCredentials>;
}

/** Refresh this long before expiry (the SDK refreshes 5 minutes ahead too). */
export const REFRESH_BEFORE_MS = 5 * 60_000;
/** A held set is no longer used this close to its expiry (clock skew towards AWS). */
const USABLE_UNTIL_MS = 30_000;

export function credentialHolder(
  provider: CredentialProvider,
  clock: () => number = Date.now,
): CredentialHolder {
  let held: ResolvedCredentials | undefined;
  let inflight: Promise<AwsCredentials> | undefined;

  const expiresAt = (c: ResolvedCredentials) => c.expiration?.getTime() ?? Number.POSITIVE_INFINITY;

  function resolve(): Promise<AwsCredentials> {
    inflight ??= provider()
      .then((fresh) => {
        if (!fresh?.accessKeyId || !fresh.secretAccessKey) throw new Error('credential chain gave no keys');
        held = fresh;
        return fresh;
      })
      .finally(() => {
        inflight = undefined;
      });
    return inflight;
  }

  return {
    current() {
      if (!held) return undefined;
      const now = clock();
      const until = expiresAt(held);
      if (now >= until - USABLE_UNTIL_MS) return undefined;
      // Background refresh; its failure leaves the held set in use until it is no longer usable.
      if (now >= until - REFRESH_BEFORE_MS && !inflight) resolve().catch(() => undefined);
      return held;
    },
    async get() {
      return this.current() ?? resolve();
    },
  };
}
