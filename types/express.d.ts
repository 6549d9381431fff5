// The few members of Express the tests and examples/express use. Express is a dev dependency only (the library's
// middleware is typed structurally, lambdas/library/express.ts), so its type package is not installed.
declare module 'express' {
  import type { IncomingMessage, ServerResponse } from 'node:http';
  namespace express {
    interface Request extends IncomingMessage {
      auth?: unknown;
    }
    interface Response extends ServerResponse {
      locals: Record<string, unknown>;
      status(code: number): Response;
      set(headers: Record<string, string>): Response;
      json(body: unknown): Response;
    }
    type RequestHandler = (req: Request, res: Response, next: (error?: unknown) => void) => void;
    interface Application {
      (req: IncomingMessage, res: ServerResponse): void;
      use(...handlers: RequestHandler[]): Application;
      get(path: string, ...handlers: RequestHandler[]): Application;
      post(path: string, ...handlers: RequestHandler[]): Application;
      listen(port: number, host: string, callback?: () => void): import('node:http').Server;
    }
  }
  function express(): express.Application;
  export default express;
}
