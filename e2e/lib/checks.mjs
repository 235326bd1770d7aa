// The checks every page kind gets: an axe-core scan at WCAG 2.1 A and AA, no horizontal scroll
// at 360 px, a visible focus on every Tab stop, and full-page screenshots.

import { AxeBuilder } from '@axe-core/playwright';

import { DESKTOP, PHONE, focused } from './browser.mjs';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** axe's violations on the page, one line per element: `page: rule (impact) target – help`. */
export async function axeViolations(page, label) {
  const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  return violations.flatMap((v) =>
    v.nodes.map(
      (node) =>
        `${label}: ${v.id} (${v.impact}) ${node.target.join(' ')} – ${v.help}\n` +
        `    ${node.failureSummary.replaceAll('\n', '\n    ')}`,
    ),
  );
}

/** How much wider than the viewport the page is at 360 px (0 when it fits). */
export async function overflowAt360(page) {
  await page.setViewportSize(PHONE);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  await page.setViewportSize(DESKTOP);
  return Math.max(0, width - PHONE.width);
}

/**
 * Tabs through the first `limit` stops and returns those without a visible focus indicator (an
 * outline of at least 2 px, or a box shadow) or outside the viewport once focused.
 */
export async function invisibleFocus(page, limit = 25) {
  const problems = [];
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate(() => {
      const element = document.activeElement;
      if (!element || element === document.body) return { last: true };
      // Tab has come round again once it reaches an element it has been on.
      const last = element.hasAttribute('data-e2e-visited');
      element.setAttribute('data-e2e-visited', '');
      const style = getComputedStyle(element);
      const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
      const box = element.getBoundingClientRect();
      const inView =
        box.width > 0 && box.height > 0 && box.right > 0 && box.bottom > 0 &&
        box.left < innerWidth && box.top < innerHeight;
      let problem = null;
      if (!outline && style.boxShadow === 'none') problem = 'no outline or shadow';
      else if (!inView) problem = 'not in view';
      return { last, problem };
    });
    if (stop.last) break;
    if (stop.problem) problems.push(`${await focused(page)}: ${stop.problem}`);
  }
  return problems;
}

/** Full-page screenshots at 1280 px and 360 px: `NAME-1280.png`, `NAME-360.png`. */
export async function screenshots(page, directory, name) {
  for (const size of [DESKTOP, PHONE]) {
    await page.setViewportSize(size);
    await page.screenshot({ path: `${directory}/${name}-${size.width}.png`, fullPage: true });
  }
  await page.setViewportSize(DESKTOP);
}
