/**
 * A loopback proxy in front of cognito-local for the automatic-revocation tests. It closes two emulator gaps and
 * nothing else (every other call is forwarded unchanged):
 * - `AdminUserGlobalSignOut`: answered 200 `{}` (what Cognito answers) and recorded, so tests can assert that the
 *   function did — or did not — call it (cognito-local 5.3.0 lacks the call; the project's cognito-local patch on
 *   branch h/local adds it).
 * - `ListUsers` with `Filter: status = "Disabled"`: cognito-local compares the `status` filter with the user's
 *   `Enabled` boolean printed as text ("true"/"false"), so Cognito's documented `status = "Disabled"` matches
 *   nobody there; the proxy rewrites it to the emulator's spelling (`status = "false"`). The sweep itself sends
 *   exactly Cognito's filter.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface CognitoProxy {
  readonly endpoint: string;
  /** AdminUserGlobalSignOut calls answered, by username. */
  readonly signOuts: string[];
  /** ListUsers filters received (as the function sent them). */
  readonly listFilters: string[];
  stop(): Promise<void>;
}

export async function startCognitoProxy(cognitoEndpoint: string): Promise<CognitoProxy> {
  const target = new URL(cognitoEndpoint);
  const signOuts: string[] = [];
  const listFilters: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      const operation = String(req.headers['x-amz-target'] ?? '')
        .split('.')
        .pop();
      let parsed: Record<string, unknown> = {};
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        // forwarded as is
      }
      if (operation === 'AdminUserGlobalSignOut') {
        signOuts.push(String(parsed.Username));
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'content-length': '2' }).end('{}');
        return;
      }
      if (operation === 'ListUsers' && typeof parsed.Filter === 'string') {
        listFilters.push(parsed.Filter);
        if (parsed.Filter === 'status = "Disabled"') {
          body = Buffer.from(JSON.stringify({ ...parsed, Filter: 'status = "false"' }));
        }
      }
      const upstream = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: target.host, 'content-length': String(body.length) },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.writeHead(502).end());
      upstream.end(body);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    signOuts,
    listFilters,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
