// Debian's Chromium driven by playwright-core (never a downloaded browser), and the helpers every
// flow and page check shares: contexts, keyboard-only login, small assertions.

import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

import { ACCOUNTS, PASSWORD } from './server.mjs';

const EXECUTABLE = process.env.CHROMIUM ?? '/usr/bin/chromium';

// Without the networking flags Chromium keeps calling out, and this machine's closed network
// refuses every call.
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 360, height: 740 };

export function launch() {
  return chromium.launch({ executablePath: EXECUTABLE, args: FLAGS, headless: true });
}

/** A fresh browser context (own cookies) against the server, with JavaScript on or off. */
export async function newContext(browser, baseURL, { javaScript = true, storageState } = {}) {
  const context = await browser.newContext({
    baseURL,
    javaScriptEnabled: javaScript,
    viewport: DESKTOP,
    locale: 'sv-SE',
    timezoneId: 'Europe/Stockholm',
    colorScheme: 'light',
    storageState,
  });
  context.setDefaultTimeout(10_000);
  return context;
}

/** How the focused element reads in a failure message: `input#email`, `a "Uppfölj"`. */
export function focused(page) {
  return page.evaluate(() => {
    const element = document.activeElement;
    if (!element || element === document.body) return 'body';
    const name = element.tagName.toLowerCase();
    if (element.id) return `${name}#${element.id}`;
    return `${name} "${(element.textContent ?? '').trim().slice(0, 40)}"`;
  });
}

/** Presses Tab until `target` (as `focused` names it) has focus; fails after `limit` presses. */
export async function tabTo(page, target, limit = 15) {
  const path = [];
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const now = await focused(page);
    path.push(now);
    if (now === target) return path;
  }
  assert.fail(`Tab never reached ${target}; focus went ${path.join(' → ')}`);
}

/**
 * Presses a key that submits a form and waits for the page it leads to (after any redirect).
 * Returns the status of the form's own response.
 */
export async function submitWith(page, key = 'Enter') {
  const posted = page.waitForResponse((r) => r.request().method() === 'POST');
  const loaded = page.waitForEvent('load');
  await page.keyboard.press(key);
  const response = await posted;
  await loaded;
  return response.status();
}

/**
 * Logs in through the login form by keyboard only: Tab to the e-mail field, type, Tab, type,
 * Enter. Returns the status of the form post (303 when it succeeds).
 */
export async function logInByKeyboard(page, role, password = PASSWORD) {
  await page.goto('/logga-in');
  await tabTo(page, 'input#email');
  await page.keyboard.type(ACCOUNTS[role]);
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'input#password', 'Tab from the e-mail field');
  await page.keyboard.type(password);
  return submitWith(page, 'Enter');
}

/** The text of the page's one `h1`. */
export async function heading(page) {
  const headings = page.locator('h1');
  assert.equal(await headings.count(), 1, `${page.url()} has one h1`);
  return (await headings.textContent()).trim();
}

/** The path and query of the page's address. */
export function where(page) {
  const url = new URL(page.url());
  return url.pathname + url.search;
}
