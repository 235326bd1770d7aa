// The browser tests: starts the real server (`uppfolj demo` on a throw-away database), then
// checks every page kind in PAGES and runs every flow in FLOWS with JavaScript on and off, in
// Debian's Chromium. Run with `npm test` (or `node run.mjs`) in e2e/; exits non-zero on failure.
//
//   UPPFOLJ_BIN   the server binary (default: ../target/debug/uppfolj)
//   CHROMIUM      the browser (default: /usr/bin/chromium)

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { FLOWS } from './flows.mjs';
import { heading, launch, logInByKeyboard, newContext } from './lib/browser.mjs';
import { axeViolations, invisibleFocus, overflowAt360, screenshots } from './lib/checks.mjs';
import { startServer } from './lib/server.mjs';
import { PAGES } from './pages.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const BINARY = resolve(process.env.UPPFOLJ_BIN ?? join(HERE, '..', 'target', 'debug', 'uppfolj'));
const SCREENSHOTS = join(HERE, 'screenshots');
const LOG = join(HERE, 'server.log');
/** No single page check or flow takes longer; a hang fails instead of stalling CI. */
const TIMEOUT_MS = 60_000;

let server;
let browser;
/** Logged-in cookies per role, so page checks log in once per role. */
const sessions = new Map();

before(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  server = await startServer({ binary: BINARY, log: LOG });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  console.log(`server log: ${LOG}; screenshots: ${SCREENSHOTS}`);
});

/** A fresh context, logged in as `role` (by keyboard, once per role) unless it is null. */
async function contextFor(role, javaScript) {
  if (role && !sessions.has(role)) {
    const context = await newContext(browser, server.url);
    const page = await context.newPage();
    assert.equal(await logInByKeyboard(page, role), 303, `log in as ${role}`);
    sessions.set(role, await context.storageState());
    await context.close();
  }
  return newContext(browser, server.url, { javaScript, storageState: sessions.get(role) });
}

/** Runs `body(page)` in a fresh context and closes it, also when the body fails. */
async function inContext(role, javaScript, body) {
  const context = await contextFor(role, javaScript);
  try {
    await body(await context.newPage());
  } finally {
    await context.close();
  }
}

describe('every page kind', () => {
  for (const kind of PAGES) {
    test(kind.name, { timeout: TIMEOUT_MS }, () =>
      inContext(kind.role, true, async (page) => {
        const status = kind.open
          ? await kind.open(page)
          : (await page.goto(kind.path)).status();
        assert.equal(status, kind.status ?? 200, `status of ${kind.name}`);
        assert.equal(await heading(page), kind.h1);
        if (kind.screenshot !== false) await screenshots(page, SCREENSHOTS, kind.name);
        const problems = [
          ...(await axeViolations(page, kind.name)),
          ...(await invisibleFocus(page)).map((p) => `${kind.name}: focus not visible on ${p}`),
        ];
        const overflow = await overflowAt360(page);
        if (overflow > 0) {
          problems.push(`${kind.name}: ${overflow} px wider than a 360 px screen`);
        }
        assert.deepEqual(problems, [], `${kind.name} has problems:\n${problems.join('\n')}`);
      }),
    );
  }
});

for (const javaScript of [true, false]) {
  describe(`flows with JavaScript ${javaScript ? 'on' : 'off'}`, () => {
    for (const flow of FLOWS) {
      test(flow.name, { timeout: TIMEOUT_MS }, () => inContext(null, javaScript, (page) => flow.run(page, { javaScript })));
    }
  });
}
