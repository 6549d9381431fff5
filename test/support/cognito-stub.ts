/**
 * A loopback stand-in for the three Cognito user-pool calls the admin Lambda makes (AdminGetUser, ListUsers with a
 * `sub = "..."` filter, AdminUserGlobalSignOut), for suites that need a resolvable user but test something else
 * (store faults). Answers in Cognito's JSON protocol; users are fixed at start. Suites that test the directory itself
 * use cognito-local.
 */
import { createServer, type Server } from 'node:http';

export interface StubUser {
  readonly username: string;
  readonly sub: string;
}

export interface CognitoStub {
  readonly endpoint: string;
  stop(): Promise<void>;
}

export async function startCognitoStub(users: readonly StubUser[]): Promise<CognitoStub> {
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '')
        .split('.')
        .pop();
      const input = JSON.parse(body || '{}') as { Username?: string; Filter?: string };
      const answer = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(payload));
      };
      const attrs = (u: StubUser) => [{ Name: 'sub', Value: u.sub }];
      if (target === 'AdminGetUser') {
        const user = users.find((u) => u.username === input.Username);
        if (!user) return answer(400, { __type: 'UserNotFoundException', message: 'User does not exist.' });
        return answer(200, {
          Username: user.username,
          UserAttributes: attrs(user),
          Enabled: true,
          UserStatus: 'CONFIRMED',
        });
      }
      if (target === 'ListUsers') {
        const sub = /^sub = "(.*)"$/.exec(input.Filter ?? '')?.[1];
        const found = users.filter((u) => u.sub === sub);
        return answer(200, {
          Users: found.map((u) => ({
            Username: u.username,
            Attributes: attrs(u),
            Enabled: true,
            UserStatus: 'CONFIRMED',
          })),
        });
      }
      if (target === 'AdminUserGlobalSignOut') return answer(200, {});
      return answer(400, { __type: 'InvalidParameterException', message: `unsupported ${target}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
