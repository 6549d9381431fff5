/**
 * Checks captured output (`test/support/capture.ts`) for secrets: tokens, refresh tokens, passwords,
 * Authorization header values.
 */

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
