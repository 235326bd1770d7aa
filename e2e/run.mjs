// The browser tests: starts the real server (`uppfolj demo` on a throw-away database), then
// checks every page kind in PAGES, follows every link and download on them, and runs every flow
// in FLOWS with JavaScript on and off, in Debian's Chromium. Run with `npm test` (or
// `node run.mjs`) in e2e/; exits non-zero on failure.
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
import { eachLimited, follow, linkProblem, pageLinks, path } from './lib/links.mjs';
import { startServer } from './lib/server.mjs';
import { PAGES } from './pages.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const BINARY = resolve(process.env.UPPFOLJ_BIN ?? join(HERE, '..', 'target', 'debug', 'uppfolj'));
const SCREENSHOTS = join(HERE, 'screenshots');
const LOG = join(HERE, 'server.log');
/** No single page check or flow takes longer; a hang fails instead of stalling CI. */
const TIMEOUT_MS = 60_000;
/** Following the links of every page kind is one test, so it gets longer. */
const LINKS_TIMEOUT_MS = 180_000;
/** How many links are requested at once. */
const LINKS_AT_ONCE = 4;

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

/** Opens the page kind `kind` in `page`; returns the HTTP status of the page shown. */
async function open(page, kind) {
  return kind.open ? kind.open(page) : (await page.goto(kind.path)).status();
}

describe('every page kind', () => {
  for (const kind of PAGES) {
    test(kind.name, { timeout: TIMEOUT_MS }, () =>
      inContext(kind.role, true, async (page) => {
        const status = await open(page, kind);
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

// Opens every page kind as its role and GETs every link on it in the same logged-in context (a
// URL once per role, as the menu repeats on every page). Every answer must be under 400 and a
// download 200 as an attachment; one assertion lists every broken link with the pages it is on.
// Runs before the flows, which change the demo data the page kinds expect.
describe('every link and download answers', () => {
  test('on every page kind', { timeout: LINKS_TIMEOUT_MS }, async (t) => {
    /** `follow` results (promises) by role and URL. */
    const answers = new Map();
    /** Broken links by role, URL and problem: `{ role, url, problem, kinds }`. */
    const broken = new Map();
    const report = (role, url, problem, kind) => {
      const key = `${role} ${url} ${problem}`;
      if (!broken.has(key)) broken.set(key, { role, url, problem, kinds: [] });
      broken.get(key).kinds.push(kind.name);
    };
    /** The keys of `answers` that some page links to as a download. */
    const downloads = new Set();
    for (const kind of PAGES) {
      const role = kind.role ?? 'anonymous';
      await inContext(kind.role, true, async (page) => {
        const status = await open(page, kind);
        if (status !== (kind.status ?? 200)) {
          report(role, page.url(), `the page kind itself answers ${status}`, kind);
        }
        const { request } = page.context();
        await eachLimited(await pageLinks(page), LINKS_AT_ONCE, async (link) => {
          const key = `${role} ${link.url}`;
          if (!answers.has(key)) answers.set(key, follow(request, link.url));
          if (link.download) downloads.add(key);
          const problem = linkProblem(await answers.get(key), {
            download: link.download,
            loggedIn: kind.role !== null,
          });
          if (problem) report(role, link.url, problem, kind);
        });
        // No link may have ended the session (a GET logout, say).
        if (kind.role) {
          const account = await request.get('/konto', { maxRedirects: 0 });
          if (account.status() !== 200) {
            const problem = `answers ${account.status()} after the links were followed: the session ended`;
            report(role, account.url(), problem, kind);
          }
          await account.dispose();
        }
      });
    }
    t.diagnostic(`${answers.size} role-and-URL pairs requested, ${downloads.size} of them downloads`);
    const lines = [...broken.values()].map(
      (b) => `  ${path(b.url)} as ${b.role}: ${b.problem}\n    on ${b.kinds.join(', ')}`,
    );
    assert.equal(lines.length, 0, `${lines.length} broken links or downloads:\n${lines.join('\n')}`);
  });
});

for (const javaScript of [true, false]) {
  describe(`flows with JavaScript ${javaScript ? 'on' : 'off'}`, () => {
    for (const flow of FLOWS) {
      test(flow.name, { timeout: TIMEOUT_MS }, () => inContext(null, javaScript, (page) => flow.run(page, { javaScript })));
    }
  });
}
