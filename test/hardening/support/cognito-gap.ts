/**
 * A loopback proxy in front of cognito-local that answers the one call no emulator implements,
 * `AdminUserGlobalSignOut` (200, empty body — what Cognito answers), and forwards every other call unchanged.
 * This is the only mocked AWS call in the hardening suite; it lets an admin signout against the emulators complete
 * with `ok: true`, so the convergence tests can assert on complete results.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface CognitoGapProxy {
  readonly endpoint: string;
  /** AdminUserGlobalSignOut calls answered, by username. */
  readonly signOuts: string[];
  stop(): Promise<void>;
}

export async function startCognitoGapProxy(cognitoEndpoint: string): Promise<CognitoGapProxy> {
  const target = new URL(cognitoEndpoint);
  const signOuts: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const operation = String(req.headers['x-amz-target'] ?? '')
        .split('.')
        .pop();
      if (operation === 'AdminUserGlobalSignOut') {
        try {
          signOuts.push(String((JSON.parse(body.toString('utf8')) as { Username?: unknown }).Username));
        } catch {
          signOuts.push('?');
        }
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'content-length': '2' }).end('{}');
        return;
      }
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
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
