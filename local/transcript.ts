/**
 * `npm run demo:transcript`: runs the demo and writes its transcript to docs/demo-transcript.txt, with the values
 * that change from run to run masked (timings, ports, pool id, ids, epoch seconds, times), so the file changes
 * only when the story does. test/e2e/demo.test.ts checks that the checked-in file matches a fresh run.
 *
 * Exported API: `maskTranscript(lines) → string[]`, `TRANSCRIPT_PATH`, `TRANSCRIPT_HEADER`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runDemo } from './demo.js';
import { ROOT } from './lambda-endpoint.js';

export const TRANSCRIPT_PATH = join(ROOT, 'docs', 'demo-transcript.txt');
export const TRANSCRIPT_HEADER = [
  '# Transcript of `npm run demo` (local stack, no AWS account). Regenerate: `npm run demo:transcript`.',
  '# Values that change on every run are masked: N = a number of ms/s/min, PORT, pool id, <session-k> = the k-th',
  '# session id, <uuid-k> = the k-th origin_jti / sub, <epoch> = epoch seconds, <time> = a UTC time.',
];

/** Masks the run-specific values; equal ids keep equal labels, so the story stays readable. */
export function maskTranscript(lines: readonly string[]): string[] {
  const labels = new Map<string, string>();
  const label = (kind: string, value: string) => {
    const key = `${kind}:${value}`;
    let found = labels.get(key);
    if (!found) {
      const n = [...labels.keys()].filter((k) => k.startsWith(`${kind}:`)).length + 1;
      found = `<${kind}-${n}>`;
      labels.set(key, found);
    }
    return found;
  };
  return lines.map((line) =>
    line
      .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, (m) => label('uuid', m))
      .replace(/\b(?:[0-9a-f]{44}|[0-9a-f]{32})\b/g, (m) => label('session', m))
      .replace(/\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z\b/g, '<time>')
      .replace(/\b1\d{9}\b/g, '<epoch>')
      .replace(/\b([a-z]{2}-[a-z]+-\d)_[0-9A-Za-z]{9}\b/g, '$1_XXXXXXXXX')
      .replace(/(127\.0\.0\.1|localhost):\d+/g, '$1:PORT')
      .replace(/(?<!TTL )\b\d+(\.\d+)? (ms|s|min)\b/g, 'N $2')
      .replace(/\b\d+ stale allows\b/g, 'N stale allows'),
  );
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const result = await runDemo();
  if (!result.ok) {
    process.stderr.write(
      `demo:transcript: the demo deviated (${result.error}); ${TRANSCRIPT_PATH} left as it was\n`,
    );
    process.exitCode = 1;
    return;
  }
  writeFileSync(TRANSCRIPT_PATH, `${[...TRANSCRIPT_HEADER, ...maskTranscript(result.lines)].join('\n')}\n`);
  process.stdout.write(`\nwrote ${TRANSCRIPT_PATH}\n`);
}

if (process.argv[1] && /local[\\/]transcript\.ts$/.test(process.argv[1])) {
  main().catch((err: unknown) => {
    process.stderr.write(`npm run demo:transcript: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
