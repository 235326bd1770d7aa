// Every kind of page, as a reader of the site meets it. Each one is opened as `role` (null: not
// logged in), must answer `status` with one `h1` reading `h1`, passes the axe scan, fits 360 px,
// shows focus on every Tab stop, and is photographed at 1280 and 360 px as screenshots/NAME-*.png
// (unless `screenshot: false`: a long page whose look another entry already shows).
//
// To add a page kind, add an entry: `path` to open it with a GET, or `open(page)` for one that
// takes more (a form post), returning the HTTP status of the page shown. `status` is 200 unless
// given.

import { ACCOUNTS } from './lib/server.mjs';
import { submitWith } from './lib/browser.mjs';

const ROUND = '/omgangar/2025';
const DOCUMENT = '/styrdokument/trygghetsprogram';

export const PAGES = [
  { name: 'login', role: null, path: '/logga-in', h1: 'Logga in' },
  {
    name: 'login-error',
    role: null,
    async open(page) {
      await page.goto('/logga-in');
      await page.fill('#email', ACCOUNTS.lasare);
      await page.fill('#password', 'fel lösenord');
      await page.focus('#password');
      return submitWith(page);
    },
    status: 401,
    h1: 'Logga in',
  },
  { name: 'first-login', role: null, path: '/forsta-inloggning/okand-lank', h1: 'Välj ditt lösenord' },
  { name: 'start-coordinator', role: 'samordnare', path: '/', h1: 'Uppföljningsomgångar' },
  { name: 'start-respondent', role: 'uppgiftslamnare', path: '/', h1: 'Uppföljningsomgångar' },
  { name: 'start-reader', role: 'lasare', path: '/', h1: 'Uppföljningsomgångar' },
  { name: 'round', role: 'samordnare', path: ROUND, h1: 'Uppföljning 2025', screenshot: false },
  {
    name: 'round-organisation',
    role: 'uppgiftslamnare',
    path: `${ROUND}?organisation=intraservice`,
    h1: 'Uppföljning 2025',
  },
  {
    name: 'report',
    role: 'uppgiftslamnare',
    path: `${ROUND}/svar/intraservice/rapport.html`,
    h1: 'Uppföljning 2025 – Nämnden för Intraservice',
  },
  {
    name: 'compilation',
    role: 'samordnare',
    path: `${ROUND}/sammanstallning`,
    h1: 'Sammanställning – Uppföljning 2025',
  },
  {
    name: 'answer-form',
    role: 'uppgiftslamnare',
    path: `${ROUND}/svar/intraservice`,
    h1: 'Nämnden för Intraservice – Uppföljning 2025',
  },
  {
    name: 'submit',
    role: 'uppgiftslamnare',
    path: `${ROUND}/svar/intraservice/skicka-in`,
    h1: 'Skicka in svaret',
  },
  {
    name: 'submit-errors',
    role: 'samordnare',
    path: `${ROUND}/svar/socialnamnden-centrum/skicka-in`,
    h1: 'Skicka in svaret',
  },
  {
    name: 'history',
    role: 'uppgiftslamnare',
    path: `${ROUND}/svar/intraservice/historik`,
    h1: 'Historik för svaret från Nämnden för Intraservice',
  },
  {
    name: 'review',
    role: 'samordnare',
    path: `${ROUND}/svar/intraservice/granska`,
    h1: 'Granska svaret från Nämnden för Intraservice',
  },
  { name: 'new-round', role: 'samordnare', path: '/omgangar/ny', h1: 'Ny omgång' },
  {
    name: 'manage-round',
    role: 'samordnare',
    path: `${ROUND}/hantera`,
    h1: 'Hantera Uppföljning 2025',
  },
  {
    name: 'confirm-close',
    role: 'samordnare',
    path: `${ROUND}/stang`,
    h1: 'Stänga Uppföljning 2025?',
  },
  {
    name: 'confirm-close-unticked',
    role: 'samordnare',
    async open(page) {
      await page.goto(`${ROUND}/stang`);
      await page.getByRole('button', { name: 'Stäng omgången' }).focus();
      return submitWith(page);
    },
    status: 400,
    h1: 'Stänga Uppföljning 2025?',
  },
  {
    name: 'assignment',
    role: 'samordnare',
    path: `${ROUND}/tilldelning`,
    h1: 'Tilldelning av frågor – Uppföljning 2025',
  },
  { name: 'organisations', role: 'samordnare', path: '/organisationer', h1: 'Organisationer' },
  {
    name: 'organisation-edit',
    role: 'samordnare',
    path: '/organisationer/intraservice',
    h1: 'Ändra Nämnden för Intraservice',
  },
  { name: 'users', role: 'samordnare', path: '/anvandare', h1: 'Användare' },
  {
    name: 'user-edit',
    role: 'samordnare',
    path: `/anvandare/${ACCOUNTS.uppgiftslamnare}`,
    h1: `Användaren ${ACCOUNTS.uppgiftslamnare}`,
  },
  {
    name: 'user-new-error',
    role: 'samordnare',
    async open(page) {
      await page.goto('/anvandare/ny');
      await page.fill('#epost', 'inte-en-adress');
      await page.focus('#epost');
      return submitWith(page);
    },
    status: 400,
    h1: 'Ny användare',
  },
  { name: 'audit-log', role: 'samordnare', path: '/logg', h1: 'Logg över administrativa händelser' },
  { name: 'account', role: 'uppgiftslamnare', path: '/konto', h1: 'Mitt konto' },
  { name: 'documents', role: 'samordnare', path: '/styrdokument', h1: 'Styrdokument' },
  {
    name: 'document-tree',
    role: 'samordnare',
    path: `${DOCUMENT}`,
    h1: 'Göteborgs Stads trygghetsskapande och brottsförebyggande program 2022–2026',
  },
  {
    name: 'document-edit',
    role: 'samordnare',
    path: `${DOCUMENT}/uppgifter`,
    h1: 'Ändra dokumentets uppgifter',
  },
  {
    name: 'section-edit',
    role: 'samordnare',
    path: `${DOCUMENT}/avsnitt/malomrade-1`,
    h1: 'Ändra avsnitt 1.1.1',
  },
  {
    name: 'question-edit',
    role: 'samordnare',
    path: `${DOCUMENT}/fragor/strategi-1-1`,
    h1: 'Ändra fråga 1.1.1 a',
  },
  {
    name: 'question-edit-errors',
    role: 'samordnare',
    async open(page) {
      await page.goto(`${DOCUMENT}/fragor/strategi-1-1`);
      await page.fill('#text', '');
      await page.check('#kommentar-vid-svar');
      for (const box of await page.locator('input[name=kommentar_vid]').all()) await box.uncheck();
      await page.focus('#malgrupp');
      return submitWith(page);
    },
    status: 400,
    h1: 'Ändra fråga 1.1.1 a',
  },
  {
    name: 'council',
    role: 'samordnare',
    path: `${ROUND}/rapport/trygghetsprogram`,
    h1: 'Uppföljning Göteborgs Stads trygghetsskapande och brottsförebyggande program 2022-2026',
  },
  {
    name: 'council-error',
    role: 'samordnare',
    async open(page) {
      await page.goto(`${ROUND}/rapport/trygghetsprogram`);
      await page.fill('#motivering-strategi-2-2', 'x'.repeat(20_001));
      await page.locator('form:has(input[name=amne][value="strategi-2-2"]) button').focus();
      return submitWith(page);
    },
    status: 400,
    h1: 'Uppföljning Göteborgs Stads trygghetsskapande och brottsförebyggande program 2022-2026',
  },
  {
    name: 'indicators',
    role: 'samordnare',
    path: `${DOCUMENT}/indikatorer`,
    h1: 'Indikatorer för Göteborgs Stads trygghetsskapande och brottsförebyggande program 2022–2026',
  },
  {
    name: 'indicator-edit',
    role: 'samordnare',
    path: `${DOCUMENT}/indikatorer/trygga-kvall`,
    h1: 'Ändra indikatorn Andel invånare som känner sig trygga utomhus i sitt bostadsområde sent en kväll',
  },
  { name: 'published', role: null, path: '/publicerat', h1: 'Publicerade sammanställningar' },
  { name: 'not-found', role: 'samordnare', path: '/finns-inte', status: 404, h1: 'Sidan finns inte' },
  {
    name: 'forbidden',
    role: 'lasare',
    path: `${ROUND}/svar/intraservice/rapport.html`,
    status: 403,
    h1: 'Åtkomst nekad',
  },
];
