/**
 * Checks that a stopped stack left nothing behind (e2e test support).
 * - `portClosed(port)` → true when nothing accepts connections on 127.0.0.1:<port>.
 * - `processGone(pid)` → true when no process has that id.
 */
import { connect } from 'node:net';

export function portClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

export function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}
