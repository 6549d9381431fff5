/**
 * Fastify plugin (Fastify 4 and 5): an `onRequest` hook that authenticates every request of the scope it is
 * registered in, decorates `request.auth` with the verified token, and answers refusals itself (401 / 503,
 * bearer.ts). No runtime dependency on Fastify (nor on fastify-plugin: the plugin marks itself with the
 * `skip-override` symbol fastify-plugin sets, so its hook applies to the scope that registers it).
 *
 *   app.register(fastifyRevocation, { verifier: createRevocationVerifier({ ... }) });
 */
import { asAuthenticator, type Authenticator, type Headers } from './authenticator.js';
import { refusalFor } from './bearer.js';
import type { RevocationVerifier, VerifiedToken } from './verifier.js';

export interface FastifyRevocationOptions {
  /** A verifier (reads `Authorization: Bearer`) or an authenticator (e.g. the ALB one). */
  readonly verifier: Authenticator | Pick<RevocationVerifier, 'verify'>;
}

interface FastifyLikeRequest {
  readonly headers: Headers;
  auth?: VerifiedToken | null;
}

interface FastifyLikeReply {
  code(status: number): FastifyLikeReply;
  headers(values: Record<string, string>): FastifyLikeReply;
  send(body: unknown): FastifyLikeReply;
}

export interface FastifyLikeInstance {
  decorateRequest(name: 'auth', value: null): unknown;
  addHook(
    name: 'onRequest',
    hook: (request: FastifyLikeRequest, reply: FastifyLikeReply) => Promise<unknown>,
  ): unknown;
}

export type FastifyRevocationPlugin = (
  instance: FastifyLikeInstance,
  options: FastifyRevocationOptions,
  done: (error?: Error) => void,
) => void;

export const fastifyRevocation: FastifyRevocationPlugin = (instance, options, done) => {
  if (!options?.verifier) {
    done(new Error('fastifyRevocation: the `verifier` option is required'));
    return;
  }
  const authenticator = asAuthenticator(options.verifier);
  instance.decorateRequest('auth', null);
  instance.addHook('onRequest', async (request, reply) => {
    try {
      request.auth = await authenticator.authenticate(request.headers);
    } catch (error) {
      const refusal = refusalFor(error);
      return reply
        .code(refusal.status)
        .headers({ ...refusal.headers })
        .send(refusal.body);
    }
    return undefined;
  });
  done();
};

// What fastify-plugin sets: run in the registering scope, not an encapsulated child.
Object.assign(fastifyRevocation, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'cognito-revocation',
});
