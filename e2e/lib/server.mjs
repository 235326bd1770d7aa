// Starts the real `uppfolj` binary as `uppfolj demo` on a free loopback port, with a throw-away
// SQLite database in a temporary folder and single sign-on against a real OpenID provider
// (e2e/oidc/provider.mjs, npm `oidc-provider`) on another loopback port, and stops both again.

import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

/** What the login page's single sign-on button names (`oidc_label`). */
export const SSO_LABEL = 'Testkommunens konto';

/** A loopback port nobody listens on now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts the test identity provider on `port` for Uppfölj at `url`; resolves to the child. */
async function startProvider(port, url, out) {
  const script = join(dirname(fileURLToPath(import.meta.url)), '..', 'oidc', 'provider.mjs');
  const child = spawn(process.execPath, [script], {
    env: {
      ...process.env,
      OIDC_PORT: String(port),
      OIDC_REDIRECT_URIS: `${url}/logga-in/sso/svar`,
      OIDC_POST_LOGOUT_REDIRECT_URIS: `${url}/logga-in`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr.pipe(out, { end: false });
  await new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error('the identity provider did not start')), START_TIMEOUT_MS);
    child.stdout.on('data', (chunk) => {
      seen += chunk;
      if (seen.includes('ISSUER ')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`the identity provider stopped (exit ${code})`)));
  });
  return child;
}

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
  const providerPort = await freePort();
  let provider = null;
  const child = spawn(binary, ['demo', '--bind', '127.0.0.1:0'], {
    env: {
      ...process.env,
      DATABASE_URL: `sqlite://${join(dir, 'e2e.db')}`,
      UPPFOLJ_DATA_DIR: dir,
      UPPFOLJ_OIDC_ISSUER: `http://127.0.0.1:${providerPort}`,
      UPPFOLJ_OIDC_CLIENT_ID: 'uppfolj',
      UPPFOLJ_OIDC_CLIENT_SECRET: 'hemligt',
      UPPFOLJ_OIDC_LABEL: SSO_LABEL,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  // Never leave the server behind, whichever way this process ends.
  const kill = () => {
    child.kill('SIGKILL');
    provider?.kill('SIGKILL');
  };
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
    provider?.kill('SIGTERM');
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
    provider = await startProvider(providerPort, url, out);
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
