// Following a page's links and downloads the way a reader would: which links a page has, what
// each one answers (every redirect hop included), and what counts as a broken one.
//
// A link is requested with GET, so a link to an action (which the site only takes as a POST)
// answers 405 and fails like any other broken link: links must never change anything.

/** The login page; a logged-in reader sent there by a link has lost their session or access. */
const LOGIN = '/logga-in';
/** More redirects than this in a row fail as a loop. */
const MAX_HOPS = 5;
/** A download that builds a large file (every report as a ZIP) may take a few seconds. */
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * The links on `page` that a click would load from the site: `{ url, download }`, with `url`
 * absolute (relative hrefs resolved against the page's address) and without its fragment, one
 * entry per URL (a download when any anchor to it has a `download` attribute). Pure fragment
 * links (`#…`), other schemes (`mailto:`, `tel:`, `javascript:`) and other origins are left out.
 */
export async function pageLinks(page) {
  const anchors = await page.locator('a[href]').evaluateAll((elements) =>
    elements.map((a) => ({
      written: a.getAttribute('href'),
      resolved: a.href,
      download: a.hasAttribute('download'),
    })),
  );
  const origin = new URL(page.url()).origin;
  const links = new Map();
  for (const { written, resolved, download } of anchors) {
    if (written.trim().startsWith('#')) continue;
    const url = new URL(resolved);
    if (!['http:', 'https:'].includes(url.protocol) || url.origin !== origin) continue;
    url.hash = '';
    const known = links.get(url.href);
    links.set(url.href, { url: url.href, download: download || known?.download === true });
  }
  return [...links.values()];
}

/**
 * GETs `url` with `request` (a context's, so with its cookies), following redirects one hop at a
 * time. Resolves to `{ hops, status, disposition, bytes }`: `hops` is every `{ url, status }`
 * on the way, `status` the last one's; or to `{ hops, error }` when a request fails outright.
 */
export async function follow(request, url) {
  const hops = [];
  let current = url;
  try {
    for (;;) {
      const response = await request.get(current, { maxRedirects: 0, timeout: REQUEST_TIMEOUT_MS });
      const status = response.status();
      hops.push({ url: current, status });
      const location = response.headers().location;
      if (status >= 300 && status < 400 && location && hops.length <= MAX_HOPS) {
        await response.dispose();
        current = new URL(location, current).href;
        continue;
      }
      const result = {
        hops,
        status,
        disposition: response.headers()['content-disposition'] ?? '',
        bytes: (await response.body()).length,
      };
      await response.dispose();
      return result;
    }
  } catch (error) {
    return { hops, error: error.message.split('\n')[0] };
  }
}

/**
 * What is wrong with following `link` when it answered `result` (from `follow`), or null when
 * nothing is: any answer of 400 or more, a redirect to the login page for a logged-in reader, a
 * redirect loop; and a download must answer 200 itself, non-empty, as `attachment`.
 */
export function linkProblem(result, { download, loggedIn }) {
  const chain = result.hops.map((h) => `${h.status} ${path(h.url)}`).join(' → ');
  if (result.error) return `request failed after [${chain}]: ${result.error}`;
  const redirected = result.hops.length > 1 ? ` (${chain})` : '';
  if (loggedIn && result.hops.slice(1).some((h) => new URL(h.url).pathname === LOGIN)) {
    return `redirects a logged-in reader to the login page (${chain})`;
  }
  if (result.status >= 400) return `answers ${result.status}${redirected}`;
  if (result.status >= 300) return `redirects more than ${MAX_HOPS} times (${chain})`;
  if (download) {
    if (result.hops.length > 1) return `download redirects instead of answering 200 (${chain})`;
    if (!/^\s*attachment\b/i.test(result.disposition)) {
      return `download answers without content-disposition: attachment (got '${result.disposition}')`;
    }
    if (result.bytes === 0) return 'download is empty';
  }
  return null;
}

/** The path and query of an absolute URL, as failure messages show it. */
export function path(url) {
  const u = new URL(url);
  return u.pathname + u.search;
}

/** Runs `task` on every item, at most `limit` at a time; resolves when all are done. */
export async function eachLimited(items, limit, task) {
  const queue = [...items];
  const worker = async () => {
    while (queue.length > 0) await task(queue.shift());
  };
  await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, worker));
}
