// What people do on the site today, step by step. Each flow runs twice, in a fresh browser
// context with JavaScript on and with it off, and gets `page` (in that context, not logged in)
// and `{ javaScript }`, for the few steps that differ.
//
// To add a flow, add an entry: `name` and `run(page)`; fail with node:assert.

import assert from 'node:assert/strict';

import { ACCOUNTS, PASSWORD, SSO_LABEL } from './lib/server.mjs';
import { focused, heading, logInByKeyboard, submitWith, tabTo, where } from './lib/browser.mjs';
import { axeViolations, overflowAt360 } from './lib/checks.mjs';
import { follow, linkProblem, pageLinks } from './lib/links.mjs';

const ROUND = '/omgangar/2025';

/**
 * Saves the question whose Spara button has focus by pressing Enter: a plain form post without
 * JavaScript; with it, the form's script saves in place, and the line under the button says so.
 */
async function saveQuestion(page, javaScript, what) {
  if (!javaScript) {
    assert.equal(await submitWith(page), 303, what);
    return;
  }
  const form = page.locator('form.answer-form:focus-within');
  await page.keyboard.press('Enter');
  await page.waitForFunction(
    (element) => !element.dataset.saving,
    await form.elementHandle(),
  );
  assert.match(await form.locator('.save-state').innerText(), /^Sparat 20\d\d-\d\d-\d\d \d\d:\d\d av /, what);
}

/** The text of the element `selector` matches, trimmed, with white space collapsed. */
async function text(page, selector) {
  return (await page.locator(selector).innerText()).replace(/\s+/g, ' ').trim();
}

export const FLOWS = [
  {
    name: 'logs in through the form by keyboard only',
    async run(page) {
      await page.goto('/logga-in');
      // The first Tab stop skips to the content, and shows itself when it has focus.
      await page.keyboard.press('Tab');
      assert.equal(await focused(page), 'a "Hoppa till innehållet"');
      const skip = await page.locator('a.skip').boundingBox();
      assert.ok(skip && skip.x >= 0 && skip.y >= 0, `the skip link is in view when focused: ${JSON.stringify(skip)}`);
      const status = await logInByKeyboard(page, 'samordnare');
      assert.equal(status, 303, 'a good login redirects');
      assert.equal(where(page), '/');
      assert.equal(await heading(page), 'Uppföljningsomgångar');
    },
  },
  {
    name: 'shows each role its start page',
    async run(page) {
      await logInByKeyboard(page, 'samordnare');
      assert.match(await text(page, '#omgangar'), /Omgångar/);
      assert.match(await text(page, 'main'), /Uppföljning 2025 2025 Öppen/);
      assert.match(await text(page, 'main'), /41 organisationer deltar/);
      await page.context().clearCookies();

      await logInByKeyboard(page, 'uppgiftslamnare');
      assert.equal(await heading(page), 'Uppföljningsomgångar');
      assert.match(await text(page, 'main'), /Att besvara/);
      assert.match(await text(page, 'main'), /Uppföljning 2025 2025 Öppen/);
      await page.context().clearCookies();

      // A reader sees rounds once they are published; the demo's round is open.
      await logInByKeyboard(page, 'lasare');
      assert.equal(await heading(page), 'Uppföljningsomgångar');
      // (Only published ones: the coordinator's flow publishes a round of its own.)
      assert.doesNotMatch(await text(page, 'main'), /Öppen/, 'a reader sees no open round');
    },
  },
  {
    name: 'opens the round and picks an organisation',
    async run(page) {
      await logInByKeyboard(page, 'samordnare');
      await page.getByRole('link', { name: 'Uppföljning 2025', exact: true }).click();
      assert.equal(where(page), ROUND);
      assert.equal(await heading(page), 'Uppföljning 2025');
      assert.match(await text(page, 'main'), /Status: Öppen\./);
      // The filter is a plain GET form: pick by keyboard, send with Enter.
      await page.locator('#organisation').selectOption({ label: 'Nämnden för Intraservice (17 frågor)' });
      await page.focus('#organisation');
      await tabTo(page, 'button "Visa"', 1);
      await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
      assert.equal(where(page), `${ROUND}?organisation=intraservice`);
      assert.match(await text(page, '.summary'), /Nämnden för Intraservice får 17 frågor i omgången/);
      assert.equal(await page.locator('section.question').count(), 17);
    },
  },
  {
    name: 'reads an organisation report',
    async run(page) {
      await logInByKeyboard(page, 'uppgiftslamnare');
      await page.goto(`${ROUND}?organisation=intraservice`);
      await page.getByRole('link', { name: 'webbsida' }).click();
      assert.equal(where(page), `${ROUND}/svar/intraservice/rapport.html`);
      assert.equal(await heading(page), 'Uppföljning 2025 – Nämnden för Intraservice');
      // The seed report's 17 answers, each in the table beside its question.
      assert.equal(await page.locator('tbody tr').count(), 17);
      assert.equal(await page.locator('.unanswered').count(), 0);
    },
  },
  {
    name: 'reads the compilation',
    async run(page) {
      await logInByKeyboard(page, 'samordnare');
      await page.goto(ROUND);
      await page.getByRole('link', { name: 'Sammanställning av omgångens svar' }).click();
      assert.equal(where(page), `${ROUND}/sammanstallning`);
      assert.equal(await heading(page), 'Sammanställning – Uppföljning 2025');
      await page.getByRole('link', { name: 'Organisationerna' }).click();
      assert.equal(new URL(page.url()).hash, '#organisationer');
      const intraservice = page.getByRole('row', { name: /^Nämnden för Intraservice/ });
      assert.match(await intraservice.innerText(), /17 av 17/);
      // Every chart has a table with the same numbers.
      const charts = await page.locator('svg.chart').count();
      assert.ok(charts > 0, 'the compilation has charts');
      assert.equal(await page.locator('section.question svg.chart + table').count(), charts);
      // Each question's details are folded, its counts in the summary; Enter opens them.
      const first = page.locator('section.question details').first();
      assert.equal(await first.evaluate((d) => d.open), false);
      assert.match(await first.locator('summary').innerText(), /^Ja \d+ \(\d+ %\)/);
      await first.locator('summary').focus();
      await page.keyboard.press('Enter');
      assert.equal(await first.evaluate((d) => d.open), true);
      assert.ok(await first.locator('table').isVisible());
    },
  },
  {
    name: 'answers an unknown address with a 404 page',
    async run(page) {
      await logInByKeyboard(page, 'samordnare');
      for (const path of ['/finns-inte', '/omgangar/1999']) {
        const response = await page.goto(path);
        assert.equal(response.status(), 404, path);
        assert.equal(await heading(page), 'Sidan finns inte');
        await page.getByRole('link', { name: 'Till startsidan' }).click();
        assert.equal(where(page), '/');
      }
    },
  },
  {
    name: 'says so when the password is wrong, and keeps the e-mail address',
    async run(page) {
      const status = await logInByKeyboard(page, 'uppgiftslamnare', 'inte lösenordet');
      assert.equal(status, 401);
      assert.equal(where(page), '/logga-in');
      assert.equal(await text(page, '[role="alert"]'), 'Fel e-postadress eller lösenord.');
      assert.equal(await page.inputValue('#email'), ACCOUNTS.uppgiftslamnare);
      for (const field of ['#email', '#password']) {
        assert.equal(await page.getAttribute(field, 'aria-invalid'), 'true', field);
        assert.equal(await page.getAttribute(field, 'aria-describedby'), 'fel', field);
      }
      // The address is still there: Tab to the password and try again.
      await tabTo(page, 'input#password');
      await page.keyboard.type(PASSWORD);
      assert.equal(await submitWith(page), 303);
      assert.equal(where(page), '/');
    },
  },
  {
    name: "logs in with the city's identity provider, and out of Uppfölj and the provider",
    async run(page) {
      await page.goto('/logga-in');
      await tabTo(page, `a "Logga in med ${SSO_LABEL}"`);
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/interaction\//);
      // The provider's own login form (e2e/oidc/provider.mjs): the demo coordinator's account,
      // matched to Uppfölj's by its verified e-mail address.
      await page.fill('input[name="login"]', 'sam');
      await page.getByRole('button', { name: 'Logga in' }).click();
      await page.waitForURL((url) => url.pathname === '/');
      assert.equal(await heading(page), 'Uppföljningsomgångar');
      assert.match(await text(page, 'header'), new RegExp(ACCOUNTS.samordnare));
      await page.getByRole('button', { name: 'Logga ut' }).focus();
      assert.equal(await submitWith(page, 'Enter'), 303);
      assert.equal(where(page), '/logga-in?utloggad=1');
      assert.match(await text(page, '[role="status"]'), /Du är utloggad ur Uppfölj/);
      await page.getByRole('link', { name: `Logga ut från ${SSO_LABEL} också` }).click();
      await page.getByRole('button', { name: 'Logga ut' }).click();
      await page.waitForURL((url) => url.pathname === '/logga-in');
      // Logged out at the provider too: the button asks for the login again.
      await page.getByRole('link', { name: `Logga in med ${SSO_LABEL}` }).click();
      await page.waitForURL(/\/interaction\//);
    },
  },
  {
    name: 'logs out',
    async run(page) {
      await logInByKeyboard(page, 'samordnare');
      const session = await page.context().cookies();
      await page.getByRole('button', { name: 'Logga ut' }).focus();
      assert.equal(await submitWith(page, 'Enter'), 303);
      assert.equal(where(page), '/logga-in?utloggad=1');
      assert.equal(await heading(page), 'Logga in');
      // The session is ended on the server too: its old cookie leads back to the login.
      await page.context().addCookies(session);
      await page.goto('/');
      assert.equal(where(page), '/logga-in');
    },
  },
  {
    name: 'a respondent answers every question by keyboard, fixes a missing comment, submits; the coordinator returns it with a message',
    async run(page, { javaScript }) {
      const form = `${ROUND}/svar/socialnamnden-centrum`;
      await logInByKeyboard(page, 'socialnamnd');
      await page.goto(form);
      const questions = page.locator('form.answer-form');
      const count = await questions.count();
      assert.ok(count >= 10, `the Göteborg set asks Socialnämnden Centrum ${count} questions`);
      // The first question whose comment is required for Nej gets Nej without a comment.
      let nej = -1;
      for (let i = 0; i < count; i++) {
        const hint = questions.nth(i).locator('.hint');
        if ((await hint.count()) > 0 && /Nej/.test(await hint.first().innerText())) {
          nej = i;
          break;
        }
      }
      assert.ok(nej >= 0, 'some question needs a comment for Nej');
      for (let i = 0; i < count; i++) {
        const question = questions.nth(i);
        const radios = question.locator('input[type=radio]');
        // Focus lands on the first option as a Tab into the group would; the rest is keys.
        await radios.first().focus();
        await page.keyboard.press('Space');
        if (i === nej) await page.keyboard.press('ArrowRight');
        await page.keyboard.press('Tab');
        assert.match(await focused(page), /^textarea#kommentar-/, 'Tab from the options reaches the comment');
        await page.keyboard.press('Control+A');
        await page.keyboard.press('Delete');
        await page.keyboard.press('Tab');
        assert.match(await focused(page), /^input#ej-publicera-/);
        await page.keyboard.press('Tab');
        assert.match(await focused(page), /^button "Spara/);
        await saveQuestion(page, javaScript, `question ${i + 1} saved`);
      }
      // The progress line is current without a reload (the script keeps it so; without the
      // script every save reloads the page), and the question says what it lacks.
      assert.match(await text(page, '#framsteg'), /^(\d+) av \1 frågor besvarade, 1 behöver åtgärdas$/);
      assert.match(await text(page, '.attention:not([hidden])'), /^Frågan behöver en kommentar när svaret är Nej\.$/);
      await page.reload();
      assert.equal(await page.locator('text=Ej besvarad').count(), 0, 'every question answered');

      await page.goto(`${form}/skicka-in`);
      const problems = page.locator('main li a');
      assert.equal(await problems.count(), 1, 'one problem: the missing comment');
      assert.match(await problems.first().innerText(), /kommentar/);
      await problems.first().focus();
      await page.keyboard.press('Enter');
      await page.waitForURL(/#kommentar-/);
      const anchor = new URL(page.url()).hash.slice('#kommentar-'.length);
      assert.equal(
        await page.locator(`#fraga-${anchor}`).evaluate((e) => getComputedStyle(e).backgroundColor),
        'rgb(255, 244, 214)',
        'the question the link lands on is highlighted',
      );
      await page.locator(`#kommentar-${anchor}`).focus();
      await page.keyboard.type('Vi saknar personal för insatsen i år.');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab');
      await saveQuestion(page, javaScript, 'the comment is saved');

      await page.goto(`${form}/skicka-in`);
      assert.equal(await page.locator('main li a').count(), 0, 'no problems left');
      await page.getByRole('button', { name: 'Skicka in svaret' }).focus();
      assert.equal(await submitWith(page), 303, 'submitted');
      assert.match(await text(page, 'main'), /inskickat och låst/);
      await page.context().clearCookies();

      await logInByKeyboard(page, 'samordnare');
      await page.goto(`${form}/granska`);
      await page.locator('#meddelande-aterskicka').focus();
      await page.keyboard.type('Beskriv hur ni följer upp insatserna.');
      await page.keyboard.press('Tab');
      assert.equal(await submitWith(page), 303, 'returned');
      await page.context().clearCookies();

      await logInByKeyboard(page, 'socialnamnd');
      await page.goto(form);
      assert.match(await text(page, '.notice.returned'), /Beskriv hur ni följer upp insatserna\./);
    },
  },
  {
    name: 'keeps a comment written after the session ended, and puts it back after a new login',
    async run(page, { javaScript }) {
      const form = `${ROUND}/svar/socialnamnden-centrum`;
      const written = 'Det här får inte försvinna.';
      await logInByKeyboard(page, 'socialnamnd');
      await page.goto(form);
      const question = page.locator('form.answer-form').first();
      await page.context().clearCookies();
      await question.locator('textarea[name=kommentar]').focus();
      await page.keyboard.press('Control+A');
      await page.keyboard.type(written);
      if (!javaScript) {
        // The post lands on the login page, which carries the text through the login; then one
        // press sends it.
        await question.getByRole('button', { name: /^Spara/ }).focus();
        assert.equal(await submitWith(page), 401, 'the login page, with the text carried');
        assert.match(await text(page, '[role=alert]'), /inte sparat än/);
        await tabTo(page, 'input#email');
        await page.keyboard.type(ACCOUNTS.socialnamnd);
        await page.keyboard.press('Tab');
        await page.keyboard.type(PASSWORD);
        assert.equal(await submitWith(page), 200, 'logged in, the form to send again');
        assert.match(await text(page, 'blockquote.carried'), /Det här får inte försvinna\./);
        await page.getByRole('button', { name: 'Spara det du skrev' }).focus();
        assert.equal(await submitWith(page), 303, 'the carried text is saved');
        assert.equal(await page.locator('form.answer-form').first().locator('textarea[name=kommentar]').inputValue(), written);
        return;
      }
      await page.keyboard.press('Tab');
      await page.waitForFunction((element) => !element.dataset.saving, await question.elementHandle());
      assert.match(await question.locator('.save-state').innerText(), /Du har loggats ut/);
      // Leaving with text the server lacks asks first; the person goes on to log in.
      page.once('dialog', (dialog) => dialog.accept());
      await logInByKeyboard(page, 'socialnamnd');
      await page.goto(form);
      const again = page.locator('form.answer-form').first();
      assert.equal(await again.locator('textarea[name=kommentar]').inputValue(), written);
      assert.match(await again.locator('.save-state').innerText(), /osparade text/);
      await again.getByRole('button', { name: /^Spara/ }).focus();
      await saveQuestion(page, javaScript, 'the kept comment is saved');
      await page.reload();
      assert.equal(await page.locator('form.answer-form').first().locator('textarea[name=kommentar]').inputValue(), written);
      const left = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('uppfolj-osparat:')));
      assert.deepEqual(left, [], 'nothing kept once the server has it');
    },
  },
  {
    name: 'a coordinator creates next year\'s round from last year\'s, targets its questions, opens, closes and publishes it',
    async run(page, { javaScript }) {
      // A key of its own for each run of the flow (JavaScript on and off share the server).
      const key = `2026-${Date.now() % 100000}`;
      await logInByKeyboard(page, 'samordnare');
      await page.getByRole('link', { name: 'Skapa en ny omgång' }).focus();
      await page.keyboard.press('Enter');
      await page.waitForURL('**/omgangar/ny');
      assert.equal(await heading(page), 'Ny omgång');
      assert.notEqual(await page.locator('#kopiera').inputValue(), '', 'the latest round is copied by default');
      const name = await page.locator('#namn').inputValue();
      await page.locator('#nyckel').focus();
      await page.keyboard.press('Control+A');
      await page.keyboard.type(key);
      await page.keyboard.press('Enter');
      await page.waitForURL(`**/omgangar/${key}/hantera`);
      assert.match(await text(page, '.summary'), /Status: Utkast/);

      // Turn the first cell of the matrix over by keyboard (the round copied may be another run's).
      await page.getByRole('link', { name: 'Vem som får vilka frågor' }).focus();
      await page.keyboard.press('Enter');
      await page.waitForURL(`**/omgangar/${key}/tilldelning`);
      const cell = page.locator('table.matrix input[type=checkbox]').first();
      const before = await cell.isChecked();
      await cell.focus();
      await page.keyboard.press('Space');
      await page.getByRole('button', { name: 'Spara tilldelningen' }).focus();
      assert.equal(await submitWith(page), 303, 'the assignment is saved');
      assert.match(await text(page, '[role=status]'), /Tilldelningen är sparad/);
      assert.equal(await page.locator('table.matrix input[type=checkbox]').first().isChecked(), !before);
      // «Alla/inga» ticks a whole column (or clears it when all are ticked) before saving.
      const firstColumn = page.locator('table.matrix input[type=checkbox][value^="0-"]');
      await page.getByRole('button', { name: /^Alla\/inga för fråga 1\.1\.1 a$/ }).focus();
      assert.equal(await submitWith(page), 200, 'a toggle shows the matrix, unsaved');
      assert.match(await text(page, '.notice.used'), /inte sparad ännu/);
      const ticks = await firstColumn.evaluateAll((boxes) => boxes.map((b) => b.checked));
      assert.ok(ticks.length > 10 && ticks.every((t) => t === ticks[0]), 'the whole column alike');
      await page.getByRole('button', { name: 'Spara tilldelningen' }).focus();
      assert.equal(await submitWith(page), 303, 'the toggled column is saved');
      await page.getByRole('link', { name: 'Tillbaka till omgången' }).focus();
      await page.keyboard.press('Enter');
      await page.waitForURL(`**/omgangar/${key}/hantera`);
      await page.getByRole('button', { name: 'Öppna omgången' }).focus();
      assert.equal(await submitWith(page), 303, 'opening asks nothing');
      assert.match(await text(page, '.summary'), /Status: Öppen/);
      // Closing and publishing go through a page that says what they leave behind, with a box
      // to tick; sent without it, nothing happens.
      for (const [action, path, state] of [
        ['Stäng omgången', 'stang', 'Stängd'],
        ['Publicera sammanställningen', 'publicera', 'Publicerad'],
      ]) {
        await page.getByRole('link', { name: `${action} …` }).focus();
        await page.keyboard.press('Enter');
        await page.waitForURL(`**/omgangar/${key}/${path}`);
        await page.getByRole('button', { name: action }).focus();
        assert.equal(await submitWith(page), 400, `${action} without the box ticked`);
        assert.match(await text(page, '.error-summary'), /Kryssa i rutan/);
        await page.locator('#bekrafta').focus();
        await page.keyboard.press('Space');
        await page.getByRole('button', { name: action }).focus();
        assert.equal(await submitWith(page), 303, action);
        assert.match(await text(page, '.summary'), new RegExp(`Status: ${state}`));
      }
      await page.context().clearCookies();
      await page.goto(`/publicerat/${key}`);
      assert.equal(await heading(page), `Sammanställning – ${name}`);
      assert.match(await text(page, 'main'), /Publicerad version/);
      // Every link and download of the published page answers, for anyone.
      const broken = [];
      for (const link of await pageLinks(page)) {
        const problem = linkProblem(await follow(page.context().request, link.url), {
          download: link.download,
          loggedIn: false,
        });
        if (problem) broken.push(`${link.url}: ${problem}`);
      }
      assert.deepEqual(broken, [], 'the published page has no broken link');
      // The council report of a document is public beside it: charts with their words, axe clean.
      await page.goto(`/publicerat/${key}/rapport/trygghetsprogram`);
      assert.match(await heading(page), /^Uppföljning Göteborgs Stads trygghetsskapande/);
      assert.ok(await page.locator('figure.chart svg[role=img]').count() >= 3, 'one chart per indicator');
      assert.match(await page.locator('figure.chart svg desc').first().textContent(), /Värden per år – 2022: 55 %/);
      if (javaScript) {
        // axe runs as a script in the page: checked once, with JavaScript on (the HTML is the same).
        assert.deepEqual(await axeViolations(page, 'council-public'), []);
        assert.equal(await overflowAt360(page), 0, 'the public report fits 360 px');
      }
    },
  },
  {
    name: 'a coordinator assesses a strategy beside its answers and the suggestion, and writes a goal area\'s text',
    async run(page, { javaScript }) {
      await logInByKeyboard(page, 'samordnare');
      await page.goto(`${ROUND}/hantera`);
      await page.getByRole('link', { name: /trygghetsskapande och brottsförebyggande program/ }).focus();
      await page.keyboard.press('Enter');
      await page.waitForURL(`**${ROUND}/rapport/trygghetsprogram`);
      assert.match(await text(page, 'main'), /Förslag utifrån svaren \(inte sparat\)/);
      // Strategy 2:2: pick a level by keyboard, write why, save with Enter on the button.
      const form = page.locator('form:has(input[name=amne][value="strategi-2-2"])');
      await form.locator('#niva-strategi-2-2-stort-utvecklingsbehov').focus();
      await page.keyboard.press('Space');
      const why = `Samverkan saknas i flera stadsområden (JavaScript ${javaScript ? 'på' : 'av'}).`;
      await form.locator('textarea').fill(why);
      await form.getByRole('button').focus();
      assert.equal(await submitWith(page), 303, 'the assessment is saved');
      assert.equal(where(page), `${ROUND}/rapport/trygghetsprogram?sparad=bedomning`);
      assert.match(await text(page, '[role=status]'), /Bedömningen är sparad/);
      assert.equal(await form.locator('textarea').inputValue(), why);
      assert.ok(await form.locator('#niva-strategi-2-2-stort-utvecklingsbehov').isChecked());
      assert.match(await text(page, 'form:has(input[name=amne][value="strategi-2-2"]) .save-state'), /^Sparad av samordnare@/);
      // The goal area's text, saved the same way.
      const area = page.locator('form:has(input[name=omrade][value="malomrade-2"])');
      await area.locator('textarea[name=sedan]').fill(`Fler forum sedan 2022.\n\n- Centralt\n- Lokalt (${javaScript ? 'på' : 'av'})`);
      await area.getByRole('button').focus();
      assert.equal(await submitWith(page), 303, 'the text is saved');
      assert.match(await text(page, '[role=status]'), /Texten är sparad/);
      // The Word file carries it.
      const word = await page.request.get(`${ROUND}/rapport/trygghetsprogram/fil/rapport.docx`);
      assert.equal(word.status(), 200);
      assert.match(word.headers()['content-disposition'], /attachment; filename="uppfoljningsrapport-trygghetsprogram-2025\.docx"/);
    },
  },
  {
    name: 'a coordinator adds an indicator with its values and is told what is wrong with a bad one',
    async run(page, { javaScript }) {
      await logInByKeyboard(page, 'samordnare');
      await page.goto('/styrdokument/trygghetsprogram');
      await page.getByRole('link', { name: 'Indikatorer', exact: true }).focus();
      await page.keyboard.press('Enter');
      await page.waitForURL('**/styrdokument/trygghetsprogram/indikatorer');
      const name = `Andel nöjda med belysningen (JavaScript ${javaScript ? 'på' : 'av'})`;
      await page.fill('#namn', name);
      await page.fill('#enhet', '%');
      await page.locator('#riktning').focus();
      await page.keyboard.press('Space');
      await page.fill('#utgangsar', '2021');
      await page.fill('#utgangsvarde', '50');
      await page.fill('#malar', '2026');
      await page.fill('#malvarde', '60');
      await page.fill('#varden', '2022: 51\n2024: tre');
      await page.getByRole('button', { name: 'Lägg till indikatorn' }).focus();
      assert.equal(await submitWith(page), 400, 'a value that is not a number is refused');
      assert.match(await text(page, '.error-summary'), /Rad 2 \(«2024: tre»\) är inte på formen «år: värde»/);
      assert.equal(await page.locator('#namn').inputValue(), name, 'what was written is kept');
      await page.fill('#varden', '2022: 51\n2024: 56,5');
      await page.getByRole('button', { name: 'Lägg till indikatorn' }).focus();
      assert.equal(await submitWith(page), 303, 'the indicator is added');
      const row = page.getByRole('row', { name: new RegExp(name.replace(/[()]/g, '\\$&')) });
      assert.match(await row.innerText(), /56,5 % \(2024\)\s+I fas med målet/);
    },
  },
  {
    name: 'a coordinator downloads a document as XLSForm, reads a question set in from a file, and is told every problem of a broken one',
    async run(page, { javaScript }) {
      await logInByKeyboard(page, 'samordnare');
      await page.goto('/styrdokument/trygghetsprogram');
      const download = await page.request.get('/styrdokument/trygghetsprogram/fragor.xlsx');
      assert.equal(download.status(), 200);
      assert.match(download.headers()['content-disposition'], /attachment; filename="trygghetsprogram.xlsx"/);

      const key = javaScript ? 'skolplanen-js' : 'skolplanen';
      const survey = {
        title: `Skolplanen ${javaScript ? 'med' : 'utan'} skript`,
        uppfolj: { key },
        pages: [{ name: 'mal-1', title: 'Mål 1: Fler behöriga', elements: [
          { type: 'radiogroup', name: 'q1', title: 'Följer ni upp behörigheten?', choices: ['Ja', 'Nej'] },
          { type: 'comment', name: 'q1-kommentar', requiredIf: "{q1} = 'nej'" },
        ] }],
      };
      await page.goto('/styrdokument');
      await page.locator('#fil').setInputFiles({
        name: 'skolplanen.json',
        mimeType: 'application/json',
        buffer: Buffer.from(JSON.stringify(survey)),
      });
      await page.getByRole('button', { name: 'Läs in filen' }).focus();
      assert.equal(await submitWith(page), 303, 'the file is read in');
      assert.equal(new URL(page.url()).pathname, `/styrdokument/${key}`);
      assert.equal(await heading(page), survey.title);
      assert.match(await text(page, '[role=status]'), /Filen är inläst/);
      assert.match(await text(page, 'main'), /Följer ni upp behörigheten\?/);

      const broken = { title: 'Trasig', pages: [{ name: 'a', elements: [{ type: 'matrix', name: 'm' }] }] };
      await page.goto('/styrdokument');
      await page.locator('#fil').setInputFiles({
        name: 'trasig.json',
        mimeType: 'application/json',
        buffer: Buffer.from(JSON.stringify(broken)),
      });
      await page.getByRole('button', { name: 'Läs in filen' }).focus();
      assert.equal(await submitWith(page), 400, 'nothing is stored');
      assert.match(await text(page, '.error-summary'), /Ett fel i filen; inget sparades/);
      assert.match(await text(page, '.error-summary'), /trasig\.json: pages\[0\]\.elements\[0\]: elementtypen «matrix»/);
    },
  },
];
