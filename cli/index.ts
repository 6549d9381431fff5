/**
 * cognito-revocation — the admin CLI (package bin). Talks to the deployed admin signout Lambda by name/ARN with the
 * usual AWS region/profile resolution, or to a local stack with --endpoint-url. See docs/cli.md.
 */
import { createProgram } from './program.js';

// The SDK's notice about its own future Node requirement is not the admin's concern at an incident; keep the
// output to what the command did.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const program = createProgram({
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  readStdin,
});

program.run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
