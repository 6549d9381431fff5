/**
 * Captures everything written to stdout and stderr (every handler's logs and EMF metrics) and checks it for
 * secrets: tokens, refresh tokens, passwords, Authorization header values (issue 6 item 6).
 */
export interface Capture {
  /** Everything written since the capture started. */
  text(): string;
  /** JSON lines written since `mark` (an offset from `offset()`). */
  jsonLinesSince(mark: number): Record<string, unknown>[];
  offset(): number;
  restore(): void;
}

export function captureOutput(): Capture {
  const chunks: string[] = [];
  let length = 0;
  const originals = { out: process.stdout.write, err: process.stderr.write };
  const intercept = (chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    chunks.push(text);
    length += text.length;
    const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  };
  process.stdout.write = intercept as typeof process.stdout.write;
  process.stderr.write = intercept as typeof process.stderr.write;
  const text = () => chunks.join('');
  return {
    text,
    offset: () => length,
    jsonLinesSince: (mark) =>
      text()
        .slice(mark)
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => {
          try {
            return JSON.parse(l) as Record<string, unknown>;
          } catch {
            return { unparsable: l };
          }
        }),
    restore: () => {
      process.stdout.write = originals.out;
      process.stderr.write = originals.err;
    },
  };
}

/** Secrets a suite handed to the handlers; none may appear in their output. */
export class SecretWatch {
  private readonly secrets = new Map<string, string>();

  /** Registers a secret and its telling parts (a JWT's signature and payload segments, a bearer value). */
  add(label: string, secret: string): void {
    const value = secret.replace(/^\s*(bearer|basic)\s+/i, '');
    if (value.length >= 8) this.secrets.set(value.slice(0, 4096), label);
    if (secret.length >= 8 && secret !== value) this.secrets.set(secret.slice(0, 4096), `${label} (header)`);
    for (const segment of value.split('.')) {
      if (segment.length >= 24) this.secrets.set(segment.slice(0, 4096), `${label} (segment)`);
    }
  }

  get size(): number {
    return this.secrets.size;
  }

  /** The labels of every secret found in `output` (empty when clean). */
  findIn(output: string): string[] {
    const found: string[] = [];
    for (const [secret, label] of this.secrets) if (output.includes(secret)) found.push(label);
    // Whatever was registered: nothing JWT-shaped or bearer-shaped at all.
    if (/eyJ[\w-]{8,}\.[\w-]{8,}/.test(output)) found.push('a JWT-shaped string');
    if (/\bbearer\s+[\w-]{16,}/i.test(output)) found.push('a bearer header');
    return found;
  }
}
