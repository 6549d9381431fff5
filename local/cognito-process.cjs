// Child-process entry of the local stack's cognito-local (see local/cognito.ts). Runs with cwd = a fresh
// temporary directory holding .cognito/config.json; reports its port over IPC and exits when the parent goes
// away (the IPC channel closes), so a killed parent never leaves cognito-local running.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startCognitoServer, pino } = require('./cognito-server.cjs');

// The parent went away without stopping us (crash, SIGKILL), or a signal reached this process directly (its
// process group was signalled: a closed terminal, `timeout`, `kill -- -<pgid>`): remove our own temporary directory
// too, since it holds plain-text passwords and refresh tokens. Only ever a directory local/cognito.ts created. When
// the parent stops us on purpose (SIGTERM) it removes the directory as well; removing it twice is harmless.
function removeOwnDirectory() {
  try {
    const dir = process.cwd();
    if (
      path.basename(dir).startsWith('cognito-local-') &&
      path.dirname(dir) === fs.realpathSync(os.tmpdir())
    ) {
      process.chdir(os.tmpdir());
      fs.rmSync(dir, { recursive: true, force: true });
    }
  } catch {
    // best effort
  }
}
process.on('disconnect', () => {
  removeOwnDirectory();
  process.exit(0);
});
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
  process.on(signal, () => {
    removeOwnDirectory();
    process.exit(0);
  });
}

// Warnings and errors only, to stderr (the parent keeps the last lines for its error messages).
startCognitoServer(process.cwd(), pino.destination(2), process.env.COGNITO_LOCAL_LOG_LEVEL || 'warn')
  .then((server) => {
    const address = server.address();
    process.send({ ready: true, port: address.port });
  })
  .catch((err) => {
    process.send({ ready: false, code: err?.code, message: String(err?.message || err) });
    process.exitCode = 1;
    setTimeout(() => process.exit(1), 50);
  });
