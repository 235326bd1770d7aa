// Starts the real `uppfolj` binary as `uppfolj demo` on a free loopback port, with a throw-away
// SQLite database in a temporary folder, and stops it again.

import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** The password of every demo account (`DEMO_PASSWORD` in crates/cli/src/main.rs). */
export const PASSWORD = 'uppfolj-demo';

/** The demo's accounts, by role. */
export const ACCOUNTS = {
  samordnare: 'samordnare@demo.uppfolj.se',
  uppgiftslamnare: 'intraservice@demo.uppfolj.se',
  socialnamnd: 'sn-centrum@demo.uppfolj.se',
  lasare: 'lasare@demo.uppfolj.se',
};

const START_TIMEOUT_MS = 30_000;

/**
 * Starts the server and resolves once `/halsa` answers. `log` is the file its output goes to.
 * Returns `{ url, stop }`; `stop()` ends the server and removes its database.
 */
export async function startServer({ binary, log }) {
  if (!existsSync(binary)) {
    throw new Error(
      `no server binary at ${binary}: build it with 'cargo build --locked -p uppfolj' ` +
        'or point UPPFOLJ_BIN at one',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'uppfolj-e2e-'));
  const child = spawn(binary, ['demo', '--bind', '127.0.0.1:0'], {
    env: {
      ...process.env,
      DATABASE_URL: `sqlite://${join(dir, 'e2e.db')}`,
      UPPFOLJ_DATA_DIR: dir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  // Never leave the server behind, whichever way this process ends.
  const kill = () => child.kill('SIGKILL');
  const interrupted = () => {
    kill();
    process.exit(1);
  };
  process.once('exit', kill);
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);

  const out = createWriteStream(log);
  child.stderr.pipe(out, { end: false });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(kill, 5_000);
      await exited;
      clearTimeout(timer);
    }
    process.removeListener('exit', kill);
    process.removeListener('SIGINT', interrupted);
    process.removeListener('SIGTERM', interrupted);
    out.end();
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    // The demo prints "Uppfölj är igång: öppna http://127.0.0.1:PORT/" once it listens.
    const url = await new Promise((resolve, reject) => {
      let seen = '';
      const timer = setTimeout(
        () => reject(new Error(`the server printed no address within ${START_TIMEOUT_MS} ms`)),
        START_TIMEOUT_MS,
      );
      child.stdout.on('data', (chunk) => {
        out.write(chunk);
        seen += chunk;
        const match = seen.match(/(http:\/\/127\.0\.0\.1:\d+)\//);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`the server stopped at start (exit ${code}); see ${log}`));
      });
    });
    await waitForHealth(url);
    return { url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function waitForHealth(url) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    try {
      const response = await fetch(`${url}/halsa`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`${url}/halsa did not answer`);
    await sleep(100);
  }
}
