// A small OpenID Connect provider for Uppfölj's login tests, built on oidc-provider.
//
// Start:  OIDC_PORT=0 OIDC_REDIRECT_URIS=http://127.0.0.1:8080/auth/callback node e2e/oidc/provider.mjs
// Stdout: exactly one line, `ISSUER http://127.0.0.1:PORT`, once it listens; everything else goes
//         to stderr. It runs until killed (SIGTERM/SIGINT end it at once).
//
// Env:
//   OIDC_PORT                      port on 127.0.0.1 (0 = any free port; default 0)
//   OIDC_CLIENT_ID                 default `uppfolj`
//   OIDC_CLIENT_SECRET             default `hemligt`
//   OIDC_REDIRECT_URIS             comma-separated, required (exact match, http loopback is fine)
//   OIDC_POST_LOGOUT_REDIRECT_URIS comma-separated, optional (for the end-session endpoint)
//
// The one client: grant authorization_code, response_type code, token endpoint auth
// client_secret_basic or client_secret_post, PKCE required (S256 only), id_token RS256.
// Scopes: openid email profile. `groups` and `uppfolj_role` belong to the `openid` scope, so
// they are in every id_token (conformIdTokenClaims: false puts all granted claims there).
//
// Login, no JavaScript needed (a browser or a plain HTTP client that carries cookies):
//   1. GET  /auth?client_id=…&response_type=code&scope=openid email profile&redirect_uri=…
//           &state=…&nonce=…&code_challenge=…&code_challenge_method=S256
//        -> 303 to /interaction/UID   (sets cookie `_interaction` (+ `_interaction.sig`), path
//           /interaction/UID, and `_interaction_resume` (+ `.sig`), path /auth/UID)
//   2. GET  /interaction/UID  -> 200 HTML: <form method="post" action="/interaction/UID">
//           with a text input name="login", a password input name="password" (ignored) and a
//           submit button labelled "Logga in".
//   3. POST /interaction/UID  (application/x-www-form-urlencoded) login=anna
//        -> 303 to /auth/UID. Unknown login: 400 and the form again with an error.
//           Consent is granted automatically (openid email profile for this client); there is
//           no consent page.
//   4. GET  /auth/UID (needs `_interaction_resume`) -> sets `_session` (+ `.sig`), path /, and
//        303 to REDIRECT_URI?code=…&state=…&iss=http%3A%2F%2F127.0.0.1%3APORT
//   The login name may also be the account's email or sub. A second /auth with the same
//   `_session` cookie skips the login (unless prompt=login or max_age asks for it).
//
// Logout: end_session_endpoint is /session/end (GET or POST with id_token_hint,
//   post_logout_redirect_uri, state). It shows a form (id "op.logoutForm", POST
//   /session/end/confirm, hidden field `xsrf`) and a button name="logout" value="yes" labelled
//   "Logga ut"; POST xsrf=…&logout=yes with the `_session` cookie -> 303 to the
//   post_logout_redirect_uri (with state) or to a plain "Utloggad" page.
//
// Refusal tests: POST /test/next-token?mode=MODE rewrites the id_token of the NEXT successful
// token endpoint response, then resets. Answers 200 {"mode": MODE}. Modes:
//   wrong-audience  aud = "some-other-client"                      (re-signed)
//   expired         iat = now-7200, exp = now-3600, auth_time too   (re-signed)
//   wrong-nonce     nonce = "wrong-nonce-…"                         (re-signed)
//   wrong-issuer    iss = "http://127.0.0.1:PORT/wrong-issuer"      (re-signed)
//   tampered        uppfolj_role = "samordnare", email changed, old signature kept
//   bad-signature   one character in the middle of the signature changed
//   alg-none        header {"alg":"none"}, payload unchanged, empty signature
//   none / clear    cancel a pending mode
// Re-signed tokens use the provider's own RS256 key (same kid and header), so only the
// named claim is wrong. GET /test/next-token shows the pending mode.
//
// Accounts (login name -> claims), see ACCOUNTS below: anna, sam, okand, lena.

import http from 'node:http';
import { randomBytes } from 'node:crypto';

// oidc-provider prints notices with console.info; stdout is for the ISSUER line only.
console.log = console.error;
console.info = console.error;

const { default: Provider } = await import('oidc-provider');
const { generateKeyPair, exportJWK, decodeProtectedHeader, decodeJwt, CompactSign } = await import('jose');

const ACCOUNTS = {
  anna: {
    sub: 'sub-anna',
    email: 'anna@intraservice.se',
    email_verified: true,
    name: 'Anna Andersson',
    groups: ['uppfolj-uppgiftslamnare'],
    uppfolj_role: 'uppgiftslamnare',
  },
  sam: {
    sub: 'sub-sam',
    email: 'samordnare@demo.uppfolj.se',
    email_verified: true,
    name: 'Sam Samordnare',
    groups: ['uppfolj-samordnare'],
    uppfolj_role: 'samordnare',
  },
  okand: {
    sub: 'sub-okand',
    email: 'okand@example.se',
    email_verified: true,
    name: 'Okänd Person',
    groups: [],
    // no uppfolj_role
  },
  lena: {
    sub: 'sub-lena',
    email: 'lena@intraservice.se',
    email_verified: false,
    name: 'Lena Overifierad',
    groups: ['uppfolj-uppgiftslamnare'],
    uppfolj_role: 'uppgiftslamnare',
  },
};

function findAccountByLogin(login) {
  const l = String(login ?? '').trim().toLowerCase();
  if (!l) return undefined;
  for (const [key, a] of Object.entries(ACCOUNTS)) {
    if (key === l || a.email.toLowerCase() === l || a.sub === l) return { key, ...a };
  }
  return undefined;
}

function accountBySub(sub) {
  for (const [key, a] of Object.entries(ACCOUNTS)) if (a.sub === sub) return { key, ...a };
  return undefined;
}

const list = (v) => String(v ?? '').split(',').map((s) => s.trim()).filter(Boolean);

const port = Number(process.env.OIDC_PORT ?? 0);
const clientId = process.env.OIDC_CLIENT_ID || 'uppfolj';
const clientSecret = process.env.OIDC_CLIENT_SECRET || 'hemligt';
const redirectUris = list(process.env.OIDC_REDIRECT_URIS);
const postLogoutRedirectUris = list(process.env.OIDC_POST_LOGOUT_REDIRECT_URIS);
if (redirectUris.length === 0) {
  console.error('OIDC_REDIRECT_URIS is required (comma-separated redirect URIs)');
  process.exit(2);
}
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`OIDC_PORT must be a port number, got ${process.env.OIDC_PORT}`);
  process.exit(2);
}

// The signing key: made at start, kept here to re-sign rewritten id_tokens.
const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const signingJwk = { ...(await exportJWK(privateKey)), kid: `test-${randomBytes(6).toString('hex')}`, alg: 'RS256', use: 'sig' };

const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));

// Plain pages, no external resources (the default pages load web fonts from the internet).
function page(title, body) {
  return `<!DOCTYPE html>
<html lang="sv">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title>
<style>body{font-family:sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem}label{display:block;margin:.5rem 0 .2rem}input{font-size:1rem;padding:.3rem;width:100%;box-sizing:border-box}button{margin-top:1rem;font-size:1rem;padding:.4rem 1rem}.fel{color:#a00}</style>
</head>
<body>
<h1>${esc(title)}</h1>
${body}
</body>
</html>`;
}

// Server listens first (port 0 means we only learn the port then), the provider comes after.
let handler = (req, res) => { res.statusCode = 503; res.end(); };
const server = http.createServer((req, res) => handler(req, res));
await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(port, '127.0.0.1', resolve);
});
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: redirectUris,
    post_logout_redirect_uris: postLogoutRedirectUris,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: 'RS256',
  }],
  // client_secret_post is allowed too: oidc-provider accepts the registered method and, for
  // client_secret_basic, also client_secret_post (same secret).
  clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
  jwks: { keys: [signingJwk] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  pkce: { required: () => true },
  responseTypes: ['code'],
  scopes: ['openid', 'email', 'profile'],
  claims: {
    openid: ['sub', 'groups', 'uppfolj_role'],
    email: ['email', 'email_verified'],
    profile: ['name', 'preferred_username'],
  },
  conformIdTokenClaims: false,
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      async logoutSource(ctx, form) {
        ctx.type = 'html';
        ctx.body = page('Logga ut', `${form}
<p>Vill du logga ut från testinloggningen?</p>
<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Logga ut</button>
<button type="submit" form="op.logoutForm">Stanna inloggad</button>`);
      },
      async postLogoutSuccessSource(ctx) {
        ctx.type = 'html';
        ctx.body = page('Utloggad', '<p>Du är utloggad.</p>');
      },
    },
  },
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Fel', Object.entries(out).map(([k, v]) => `<p><strong>${esc(k)}</strong>: ${esc(v)}</p>`).join('\n'));
  },
  async findAccount(ctx, sub) {
    const a = accountBySub(sub);
    if (!a) return undefined;
    return {
      accountId: a.sub,
      async claims() {
        const c = {
          sub: a.sub,
          email: a.email,
          email_verified: a.email_verified,
          name: a.name,
          preferred_username: a.key,
          groups: a.groups,
        };
        if (a.uppfolj_role) c.uppfolj_role = a.uppfolj_role;
        return c;
      },
    };
  },
  ttl: {
    AccessToken: 3600,
    AuthorizationCode: 60,
    IdToken: 3600,
    Interaction: 3600,
    Session: 24 * 3600,
    Grant: 24 * 3600,
  },
});

// ---- test modes: rewrite the next token response's id_token ----

const MODES = new Set(['wrong-audience', 'expired', 'wrong-nonce', 'wrong-issuer', 'tampered', 'bad-signature', 'alg-none']);
let nextTokenMode = null;

const b64u = (obj) => Buffer.from(JSON.stringify(obj)).toString('base64url');

async function resign(header, payload) {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader(header)
    .sign(privateKey);
}

async function rewriteIdToken(idToken, mode) {
  const header = decodeProtectedHeader(idToken);
  const payload = decodeJwt(idToken);
  const [h, p, s] = idToken.split('.');
  const now = Math.floor(Date.now() / 1000);
  switch (mode) {
    case 'wrong-audience':
      return resign(header, { ...payload, aud: 'some-other-client' });
    case 'expired': {
      const out = { ...payload, iat: now - 7200, exp: now - 3600 };
      if (out.auth_time) out.auth_time = now - 7200;
      return resign(header, out);
    }
    case 'wrong-nonce':
      return resign(header, { ...payload, nonce: `wrong-nonce-${randomBytes(8).toString('hex')}` });
    case 'wrong-issuer':
      return resign(header, { ...payload, iss: `${issuer}/wrong-issuer` });
    case 'tampered':
      return `${h}.${b64u({ ...payload, uppfolj_role: 'samordnare', email: 'inkraktare@example.se' })}.${s}`;
    case 'bad-signature': {
      // Not the last character: its low bits may be padding that decoders ignore.
      const i = Math.floor(s.length / 2);
      return `${h}.${p}.${s.slice(0, i)}${s[i] === 'A' ? 'B' : 'A'}${s.slice(i + 1)}`;
    }
    case 'alg-none':
      return `${b64u({ alg: 'none', typ: header.typ })}.${p}.`;
    default:
      return idToken;
  }
}

provider.use(async (ctx, next) => {
  await next();
  if (
    nextTokenMode
    && ctx.method === 'POST'
    && ctx.path === '/token'
    && ctx.status === 200
    && ctx.body && typeof ctx.body === 'object' && typeof ctx.body.id_token === 'string'
  ) {
    const mode = nextTokenMode;
    nextTokenMode = null;
    ctx.body = { ...ctx.body, id_token: await rewriteIdToken(ctx.body.id_token, mode) };
    console.error(`test mode ${mode}: id_token rewritten`);
  }
});

// ---- our own interaction routes (login form, automatic consent) ----

function send(res, status, html, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  res.end(html);
}

function sendJson(res, status, obj) {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(obj));
}

async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const c of req) {
    size += c.length;
    if (size > 64 * 1024) throw new Error('body too large');
    chunks.push(c);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function loginForm(uid, { login = '', error = '' } = {}) {
  return page('Logga in (testleverantör)', `${error ? `<p class="fel" role="alert">${esc(error)}</p>` : ''}
<form method="post" action="/interaction/${esc(uid)}" autocomplete="off">
<label for="login">Användarnamn</label>
<input id="login" name="login" type="text" value="${esc(login)}" autofocus required>
<label for="password">Lösenord (ignoreras)</label>
<input id="password" name="password" type="password">
<button type="submit">Logga in</button>
</form>
<p>Konton: ${Object.keys(ACCOUNTS).map(esc).join(', ')}.</p>`);
}

// Grants what the client asked for within openid email profile, and nothing else.
async function grantFor(details, accountId) {
  const { params } = details;
  let grant;
  if (details.grantId) grant = await provider.Grant.find(details.grantId);
  if (!grant) grant = new provider.Grant({ accountId, clientId: params.client_id });
  const allowed = new Set(['openid', 'email', 'profile']);
  const scope = String(params.scope ?? '').split(' ').filter((s) => allowed.has(s));
  grant.addOIDCScope(scope.join(' '));
  return grant.save();
}

async function interaction(req, res, uid) {
  let details;
  try {
    details = await provider.interactionDetails(req, res);
  } catch (err) {
    send(res, 400, page('Fel', `<p>Inloggningen finns inte eller har gått ut (${esc(err.message)}). Börja om från tjänsten.</p>`));
    return;
  }
  if (details.uid !== uid) {
    send(res, 400, page('Fel', '<p>Fel inloggningsförsök för den här kakan. Börja om från tjänsten.</p>'));
    return;
  }
  const promptName = details.prompt.name;

  if (promptName === 'consent') {
    // Consent is automatic: no page, straight back to the provider.
    const grantId = await grantFor(details, details.session.accountId);
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    return;
  }

  if (req.method === 'GET') {
    send(res, 200, loginForm(uid, { login: details.params.login_hint ?? '' }));
    return;
  }

  const form = await readForm(req);
  const login = form.get('login') ?? '';
  const account = findAccountByLogin(login);
  if (!account) {
    send(res, 400, loginForm(uid, { login, error: `Okänt användarnamn: ${login || '(tomt)'}` }));
    return;
  }
  const grantId = await grantFor(details, account.sub);
  await provider.interactionFinished(req, res, {
    login: { accountId: account.sub, remember: true },
    consent: { grantId },
  }, { mergeWithLastSubmission: false });
}

const providerCallback = provider.callback();

handler = async (req, res) => {
  const url = new URL(req.url, issuer);
  try {
    const m = url.pathname.match(/^\/interaction\/([^/]+)(?:\/login)?\/?$/);
    if (m && (req.method === 'GET' || req.method === 'POST')) {
      await interaction(req, res, decodeURIComponent(m[1]));
      return;
    }
    if (url.pathname === '/test/next-token') {
      if (req.method === 'GET') {
        sendJson(res, 200, { mode: nextTokenMode });
        return;
      }
      if (req.method !== 'POST') {
        sendJson(res, 405, { error: 'use POST' });
        return;
      }
      const mode = url.searchParams.get('mode') ?? '';
      if (mode === 'none' || mode === 'clear') {
        nextTokenMode = null;
      } else if (MODES.has(mode)) {
        nextTokenMode = mode;
      } else {
        sendJson(res, 400, { error: `unknown mode ${mode}`, modes: [...MODES, 'none'] });
        return;
      }
      sendJson(res, 200, { mode: nextTokenMode });
      return;
    }
    providerCallback(req, res);
  } catch (err) {
    console.error(err);
    if (!res.headersSent) send(res, 500, page('Fel', `<p>${esc(err.message)}</p>`));
    else res.end();
  }
};

provider.on('server_error', (ctx, err) => console.error('server_error', err));

for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));

process.stdout.write(`ISSUER ${issuer}\n`);
