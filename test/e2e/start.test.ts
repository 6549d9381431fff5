// `npm start` as a newcomer runs it: a child process that prints its endpoints and commands, serves the API, and
// stops cleanly on Ctrl-C (SIGINT) leaving no process, port or temporary directory; one-line errors otherwise.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../local/lambda-endpoint.js';
import { portClosed } from './leftovers.js';

const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

function processesIn(dir: string): number[] {
  if (!existsSync('/proc')) return [];
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .filter((e) => {
      try {
        return readlinkSync(`/proc/${e}/cwd`).startsWith(dir);
      } catch {
        return false;
      }
    })
    .map(Number);
}

function startChild(
  args: string[],
  tmp: string,
): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [TSX, 'local/start.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, TMPDIR: tmp },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

function bash(script: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['-euo', 'pipefail', '-c', script],
      { cwd: ROOT, timeout: 30_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

async function waitFor(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('npm start', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'start-e2e-'));
  });
  afterAll(() => {
    rmSync(tmp, { recursive: true, force: true });
  });

  it('prints endpoints and commands, answers the pasted curl, and stops cleanly on SIGINT', {
    timeout: 60_000,
  }, async () => {
    // Arrange
    const { child, output, exited } = startChild(['--quiet'], tmp);
    await waitFor(() => output().includes('# Then call the API again'), 30_000);
    const text = output();
    const apiUrl = /(http:\/\/127\.0\.0\.1:\d+)\/rest-token\/…/.exec(text)?.[1];
    const ports = [...text.matchAll(/http:\/\/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1]));
    expect(text).toMatch(/pool us-east-1_[0-9A-Za-z]{9}, app client \w+/);
    expect(text).toContain('npm run cli -- --endpoint-url http://127.0.0.1:');
    expect(text).toContain('signout alice --reason test');
    expect(readdirSync(tmp).filter((n) => n.startsWith('cognito-local-'))).toHaveLength(1);
    // Act: the printed commands, pasted into bash as a newcomer would; an API call without a token; then Ctrl-C
    const script = text.slice(
      text.indexOf('# Sign in and keep the ID token'),
      text.indexOf('# Then call the API again'),
    );
    const signIn = script.slice(0, script.indexOf('# Call the API'));
    const callApi = script.split('\n').find((l) => l.startsWith('curl -i ')) ?? '';
    const sessions = script.split('\n').find((l) => l.includes(' sessions alice')) ?? '';
    const pasted = await bash(`${signIn}\n${callApi} -s -o /dev/null -w '%{http_code}\\n'\n${sessions}`);
    const unauthenticated = await fetch(`${apiUrl}/rest-token/hello`);
    child.kill('SIGINT');
    const code = await exited;
    // Assert
    expect(pasted.code).toBe(0);
    expect(pasted.stdout.split('\n')[0]).toBe('200');
    expect(pasted.stdout).toMatch(/alice/);
    expect(unauthenticated.status).toBe(401);
    expect(code).toBe(0);
    expect(output()).toContain('stopped; nothing left running.');
    for (const port of new Set(ports)) expect(await portClosed(port)).toBe(true);
    expect(readdirSync(tmp).filter((n) => n.startsWith('cognito-local-'))).toEqual([]);
    expect(processesIn(tmp)).toEqual([]);
  });

  it('when the stack process is killed outright, cognito-local exits and removes its directory itself', {
    timeout: 60_000,
  }, async () => {
    // Arrange
    const { output, exited } = startChild(['--quiet'], tmp);
    await waitFor(() => output().includes('# Then call the API again'), 30_000);
    const [cognitoPid] = processesIn(tmp);
    expect(cognitoPid).toBeGreaterThan(0);
    const status = readFileSync(`/proc/${cognitoPid}/status`, 'utf8');
    const stackPid = Number(/PPid:\s+(\d+)/.exec(status)?.[1]);
    // Act: SIGKILL the process that runs local/start.ts (no chance to clean up)
    process.kill(stackPid, 'SIGKILL');
    await exited;
    await waitFor(() => processesIn(tmp).length === 0, 10_000);
    // Assert
    expect(readdirSync(tmp).filter((n) => n.startsWith('cognito-local-'))).toEqual([]);
  });

  it('says in one line which port is in use, and leaves nothing behind', { timeout: 60_000 }, async () => {
    // Arrange: occupy a port
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const busy = (blocker.address() as { port: number }).port;
    try {
      // Act
      const { output, exited } = startChild(['--quiet', '--api-port', String(busy)], tmp);
      const code = await exited;
      // Assert
      expect(code).toBe(1);
      expect(output().trim()).toBe(
        `npm start: Port ${busy} is in use (API Gateway stand-in): free it or pick another port.`,
      );
      expect(readdirSync(tmp).filter((n) => n.startsWith('cognito-local-'))).toEqual([]);
      expect(processesIn(tmp)).toEqual([]);
    } finally {
      blocker.close();
    }
  });

  it('rejects a bad port or TTL with a one-line message', { timeout: 30_000 }, async () => {
    const bad = startChild(['--cognito-port', 'abc'], tmp);
    expect(await bad.exited).toBe(1);
    expect(bad.output().trim()).toBe(
      'npm start: --cognito-port / LOCAL_COGNITO_PORT must be a port number (0–65535), got "abc"',
    );
    const ttl = startChild(['--cache-ttl', '7200'], tmp);
    expect(await ttl.exited).toBe(1);
    expect(ttl.output().trim()).toBe(
      'npm start: --cache-ttl must be a whole number of seconds from 0 to 3600, got "7200"',
    );
  });
});
