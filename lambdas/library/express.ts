/**
 * Express middleware (Express 4 and 5): authenticates every request it guards, puts the verified token on
 * `req.auth` (and `res.locals.auth`), and answers refusals itself (401 / 503, bearer.ts). No runtime dependency on
 * Express: the few members used are typed structurally here.
 *
 *   app.use(expressRevocation(createRevocationVerifier({ ... })));
 */
import { asAuthenticator, type Authenticator, type Headers } from './authenticator.js';
import { refusalFor } from './bearer.js';
import type { RevocationVerifier, VerifiedToken } from './verifier.js';

export interface ExpressLikeRequest {
  readonly headers: Headers;
  auth?: VerifiedToken;
}

export interface ExpressLikeResponse {
  readonly locals: Record<string, unknown>;
  status(code: number): ExpressLikeResponse;
  set(headers: Record<string, string>): ExpressLikeResponse;
  json(body: unknown): unknown;
}

export type ExpressLikeMiddleware = (
  req: ExpressLikeRequest,
  res: ExpressLikeResponse,
  next: (error?: unknown) => void,
) => void;

export function expressRevocation(
  source: Authenticator | Pick<RevocationVerifier, 'verify'>,
): ExpressLikeMiddleware {
  const authenticator = asAuthenticator(source);
  return (req, res, next) => {
    authenticator.authenticate(req.headers).then(
      (verified) => {
        req.auth = verified;
        res.locals.auth = verified;
        next();
      },
      (error: unknown) => {
        const refusal = refusalFor(error);
        res
          .status(refusal.status)
          .set({ ...refusal.headers })
          .json(refusal.body);
      },
    );
  };
}
