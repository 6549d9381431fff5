// One cognito-local server whose state lives under <directory>/.cognito (config.json, db/). The local stack's child
// process runs one (local/cognito-process.cjs); the tests run theirs inside the test process (local/cognito.ts,
// `hosting: 'in-process'`), where the emulator's code is then loaded once per process instead of once per start.
'use strict';
const cognitoLocal = require.resolve('cognito-local');
const pino = require(require.resolve('pino', { paths: [cognitoLocal] }));
const { createDefaultServer } = require(cognitoLocal);

/**
 * Starts the server and resolves with its listening `http.Server`; rejects with the listen error (`code`
 * EADDRINUSE for a port in use) or the configuration error.
 * @param {string} directory absolute path of the directory holding `.cognito/config.json`
 * @param {{ write(line: string): unknown }} destination where the emulator's log lines go, one JSON line each
 * @param {string} level the lowest level logged: `warn` by default, since debug lines print request bodies, which
 *   hold passwords and tokens
 */
async function startCognitoServer(directory, destination, level = 'warn') {
  const logger = pino({ level }, destination);
  const server = await (await createDefaultServer(logger, directory)).start();
  // Node closes a keep-alive socket after 5 s idle; an SDK client on a busy machine may send its next request on
  // that socket just as it closes ("socket hang up"). Idle sockets stay open for the life of the server instead:
  // the clients close them, and stopping the server closes the rest.
  server.keepAliveTimeout = 10 * 60 * 1000;
  server.headersTimeout = server.keepAliveTimeout + 1000;
  return server;
}

module.exports = { startCognitoServer, pino };
