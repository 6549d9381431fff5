// `npm start` as a newcomer runs it: a child process that prints its endpoints and commands, serves the API, logs
// one short line per decision, and stops cleanly on SIGINT, SIGTERM and SIGHUP — sent to the `npm start` process
// itself, not its group — leaving no process, port or temporary directory; one-line errors otherwise.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../local/lambda-endpoint.js';
import { portClosed, processGone } from './leftovers.js';

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
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts', ...args], {
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

/** Every descendant of `pid` (Linux /proc), found before it is signalled. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length) {
    for (const child of children.get(queue.shift() as number) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
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

  it.each(['SIGTERM', 'SIGHUP', 'SIGINT'] as const)(
    '`npm start`, %s sent to the npm process only: no process, port or temporary directory left',
    {
      timeout: 90_000,
    },
    async (signal) => {
      // Arrange: npm start as typed (preflight, build, then the stack), default log format
      const npm = spawn('npm', ['start'], {
        cwd: ROOT,
        env: { ...process.env, TMPDIR: tmp },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      npm.stdout?.on('data', (c: Buffer) => {
        out += c.toString();
      });
      npm.stderr?.on('data', (c: Buffer) => {
        out += c.toString();
      });
      const exited = new Promise<void>((resolve) => npm.once('exit', () => resolve()));
      await waitFor(() => /^Function logs below: one short line per decision/m.test(out), 60_000);
      const apiUrl = /(http:\/\/127\.0\.0\.1:\d+)\/rest-token\/…/.exec(out)?.[1];
      const ports = [...new Set([...out.matchAll(/http:\/\/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1])))];
      const denied = await fetch(`${apiUrl}/rest-token/hello`, {
        headers: { Authorization: 'Bearer not-a-jwt' },
      });
      await waitFor(() => /authorizer {2}DENY {2}malformed_token/.test(out), 10_000);
      const family = descendants(npm.pid as number);
      expect(family.length).toBeGreaterThanOrEqual(2); // node running local/start.ts + cognito-local
      expect(readdirSync(tmp).filter((n) => n.startsWith('cognito-local-'))).toHaveLength(1);
      // Act: the signal to npm's own pid (not -pid: not the group)
      process.kill(npm.pid as number, signal);
      await exited;
      await waitFor(() => family.every(processGone), 15_000).catch(() => {});
      // Assert
      expect(family.filter((pid) => !processGone(pid))).toEqual([]);
      for (const port of ports) expect(await portClosed(port)).toBe(true);
      expect(readdirSync(tmp).filter((n) => n.startsWith('cognito-local-'))).toEqual([]);
      expect(processesIn(tmp)).toEqual([]);
      expect(denied.status).toBe(401);
      // The tidy format: one short line per decision, no raw JSON
      expect(out).toMatch(
        /^\d\d:\d\d:\d\d authorizer {2}DENY {2}malformed_token token \(rest_token, [\d.]+ ms\)$/m,
      );
      expect(out).not.toMatch(/^\{|"_aws"/m);
    },
  );

  it('--verbose prints the raw JSON lines; --help prints the usage and starts nothing', {
    timeout: 60_000,
  }, async () => {
    // Arrange
    const help = startChild(['--help'], tmp);
    expect(await help.exited).toBe(0);
    expect(help.output()).toMatch(/^Usage: npm start -- \[options\]/);
    expect(help.output()).toContain('--verbose');
    const { child, output, exited } = startChild(['--verbose'], tmp);
    await waitFor(() => output().includes('the raw JSON lines'), 30_000);
    const apiUrl = /(http:\/\/127\.0\.0\.1:\d+)\/rest-token\/…/.exec(output())?.[1];
    // Act
    await fetch(`${apiUrl}/rest-token/hello`, { headers: { Authorization: 'Bearer not-a-jwt' } });
    await waitFor(() => output().includes('"reason":"malformed_token"'), 10_000);
    child.kill('SIGTERM');
    // Assert
    expect(await exited).toBe(0);
    expect(output()).toMatch(/^\[authorizer\] \{.*"decision":"deny"/m);
  });
});
