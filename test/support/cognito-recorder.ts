/**
 * A loopback pass-through in front of (patched) cognito-local that records what a function asked of Cognito, so a
 * test can assert that it did — or did not — make a call: the usernames of `AdminUserGlobalSignOut` calls and the
 * `ListUsers` filters. Every call is forwarded unchanged and answered by the emulator; nothing is mocked (the
 * project's cognito-local patch implements `AdminUserGlobalSignOut` and Cognito's `status` filter values).
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface CognitoRecorder {
  readonly endpoint: string;
  /** AdminUserGlobalSignOut calls seen, by the `Username` sent. */
  readonly signOuts: string[];
  /** ListUsers filters seen, as sent. */
  readonly listFilters: string[];
  stop(): Promise<void>;
}

export async function startCognitoRecorder(cognitoEndpoint: string): Promise<CognitoRecorder> {
  const target = new URL(cognitoEndpoint);
  const signOuts: string[] = [];
  const listFilters: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const operation = String(req.headers['x-amz-target'] ?? '')
        .split('.')
        .pop();
      let parsed: Record<string, unknown> = {};
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        // forwarded as is; the emulator answers it
      }
      if (operation === 'AdminUserGlobalSignOut') signOuts.push(String(parsed.Username));
      if (operation === 'ListUsers' && typeof parsed.Filter === 'string') listFilters.push(parsed.Filter);
      const upstream = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: target.host },
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
