// Self-test of provider.mjs as a plain HTTP client: node e2e/oidc/selftest.mjs
// Starts the provider on a free port, runs the authorization code flow with PKCE (manual
// redirects, cookies carried by hand), checks the id_token claims and every test mode.

import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { createRemoteJWKSet, jwtVerify, decodeJwt, decodeProtectedHeader } from 'jose';

const REDIRECT = 'http://127.0.0.1:9/callback';
const POST_LOGOUT = 'http://127.0.0.1:9/utloggad';
const CLIENT_ID = 'uppfolj';
const CLIENT_SECRET = 'hemligt';

const started = Date.now();
const child = spawn(process.execPath, [fileURLToPath(new URL('./provider.mjs', import.meta.url))], {
  env: { ...process.env, OIDC_PORT: '0', OIDC_REDIRECT_URIS: REDIRECT, OIDC_POST_LOGOUT_REDIRECT_URIS: POST_LOGOUT },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let stderr = '';
child.stderr.on('data', (d) => { stderr += d; });
const killTimer = setTimeout(() => { console.error('selftest: timeout'); child.kill(); process.exit(1); }, 20000);

const stdoutLines = [];
const issuer = await new Promise((resolve, reject) => {
  const rl = createInterface({ input: child.stdout });
  rl.on('line', (line) => {
    stdoutLines.push(line);
    const m = line.match(/^ISSUER (http:\/\/127\.0\.0\.1:\d+)$/);
    if (m) resolve(m[1]);
  });
  child.on('exit', (code) => reject(new Error(`provider exited ${code}: ${stderr}`)));
});

let passed = 0;
let failed = 0;
async function check(name, fn) {
  try {
    await fn();
    passed += 1;
    console.log(`ok   ${name}`);
  } catch (err) {
    failed += 1;
    console.log(`FAIL ${name}\n     ${err.stack?.split('\n').slice(0, 3).join('\n     ')}`);
  }
}

// ---- a tiny cookie jar (name -> value; paths ignored, the names differ) ----
function newJar() {
  const jar = new Map();
  return {
    jar,
    take(res) {
      for (const sc of res.headers.getSetCookie()) {
        const [pair, ...attrs] = sc.split(';');
        const i = pair.indexOf('=');
        const name = pair.slice(0, i).trim();
        const value = pair.slice(i + 1).trim();
        const expired = attrs.some((a) => /^\s*expires=thu, 01 jan 1970/i.test(a)) || value === '';
        if (expired) jar.delete(name); else jar.set(name, value);
      }
    },
    header() {
      return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    },
  };
}

async function go(jar, url, init = {}) {
  const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers ?? {}), cookie: jar.header() } });
  jar.take(res);
  return res;
}

const b64url = (buf) => Buffer.from(buf).toString('base64url');

// Runs /auth -> (login form) -> back at the redirect URI. Returns { code, state, iss, verifier, nonce, sawLogin }.
async function authorize(jar, { login = 'anna', extra = {} } = {}) {
  const verifier = b64url(randomBytes(32));
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const state = b64url(randomBytes(12));
  const nonce = b64url(randomBytes(12));
  const q = new URLSearchParams({
    client_id: CLIENT_ID,
    response_type: 'code',
    scope: 'openid email profile',
    redirect_uri: REDIRECT,
    state,
    nonce,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  });
  let url = `${config.authorization_endpoint}?${q}`;
  let res = await go(jar, url);
  let sawLogin = false;
  for (let hops = 0; hops < 10; hops += 1) {
    if (res.status >= 300 && res.status < 400) {
      const loc = new URL(res.headers.get('location'), url).href;
      await res.arrayBuffer();
      if (loc.startsWith(REDIRECT)) {
        const p = new URL(loc).searchParams;
        return { code: p.get('code'), state: p.get('state'), iss: p.get('iss'), error: p.get('error'), verifier, nonce, sentState: state, sawLogin };
      }
      url = loc;
      res = await go(jar, url);
      continue;
    }
    const html = await res.text();
    assert.equal(res.status, 200, `unexpected ${res.status} at ${url}: ${html.slice(0, 300)}`);
    assert.match(new URL(url).pathname, /^\/interaction\/[^/]+$/);
    assert.match(html, /<form method="post" action="\/interaction\/[^"]+"/);
    assert.match(html, /name="login"/);
    assert.match(html, /<button type="submit">Logga in<\/button>/);
    sawLogin = true;
    res = await go(jar, url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ login, password: 'vadsomhelst' }),
    });
  }
  throw new Error('too many redirects');
}

async function token(code, verifier, { post = false } = {}) {
  const body = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier });
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  if (post) {
    body.set('client_id', CLIENT_ID);
    body.set('client_secret', CLIENT_SECRET);
  } else {
    headers.authorization = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
  }
  const res = await fetch(config.token_endpoint, { method: 'POST', headers, body });
  const json = await res.json();
  return { status: res.status, json };
}

async function setMode(mode) {
  const res = await fetch(`${issuer}/test/next-token?mode=${mode}`, { method: 'POST' });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { mode: mode === 'none' ? null : mode });
}

let config;
let JWKS;
const jar = newJar();
let first;

await check('stdout has exactly the ISSUER line', async () => {
  assert.deepEqual(stdoutLines, [`ISSUER ${issuer}`]);
});

await check('discovery', async () => {
  const res = await fetch(`${issuer}/.well-known/openid-configuration`);
  assert.equal(res.status, 200);
  config = await res.json();
  assert.equal(config.issuer, issuer);
  assert.equal(config.end_session_endpoint, `${issuer}/session/end`);
  assert.deepEqual(config.code_challenge_methods_supported, ['S256']);
  assert.ok(config.token_endpoint_auth_methods_supported.includes('client_secret_basic'));
  assert.ok(config.claims_supported.includes('uppfolj_role'));
  assert.ok(config.claims_supported.includes('groups'));
  JWKS = createRemoteJWKSet(new URL(config.jwks_uri));
});

await check('code flow with PKCE as anna, client_secret_basic', async () => {
  const r = await authorize(jar, { login: 'anna' });
  assert.equal(r.error, null);
  assert.ok(r.sawLogin);
  assert.ok(r.code);
  assert.equal(r.state, r.sentState);
  assert.equal(r.iss, issuer);
  assert.ok(jar.jar.has('_session'), `cookies: ${[...jar.jar.keys()]}`);
  const t = await token(r.code, r.verifier);
  assert.equal(t.status, 200, JSON.stringify(t.json));
  assert.equal(t.json.token_type, 'Bearer');
  const c = decodeJwt(t.json.id_token);
  assert.equal(c.sub, 'sub-anna');
  assert.equal(c.email, 'anna@intraservice.se');
  assert.equal(c.email_verified, true);
  assert.equal(c.name, 'Anna Andersson');
  assert.equal(c.uppfolj_role, 'uppgiftslamnare');
  assert.deepEqual(c.groups, ['uppfolj-uppgiftslamnare']);
  assert.equal(c.nonce, r.nonce);
  assert.equal(c.aud, CLIENT_ID);
  assert.equal(c.iss, issuer);
  const v = await jwtVerify(t.json.id_token, JWKS, { issuer, audience: CLIENT_ID });
  assert.equal(v.protectedHeader.alg, 'RS256');
  first = { idToken: t.json.id_token, code: r.code, verifier: r.verifier };
});

await check('code is single use', async () => {
  const t = await token(first.code, first.verifier);
  assert.equal(t.status, 400);
  assert.equal(t.json.error, 'invalid_grant');
});

await check('PKCE is required', async () => {
  const r = await authorize(newJar(), { extra: { code_challenge: '', code_challenge_method: '' } });
  assert.equal(r.error, 'invalid_request');
});

await check('wrong code_verifier is refused', async () => {
  const r = await authorize(jar);
  const t = await token(r.code, b64url(randomBytes(32)));
  assert.equal(t.json.error, 'invalid_grant');
});

await check('session cookie skips the login; client_secret_post works', async () => {
  const r = await authorize(jar);
  assert.equal(r.sawLogin, false);
  const t = await token(r.code, r.verifier, { post: true });
  assert.equal(t.status, 200, JSON.stringify(t.json));
  assert.equal(decodeJwt(t.json.id_token).sub, 'sub-anna');
});

await check('sam and okand (no role); unknown login gets the form again', async () => {
  const jarSam = newJar();
  const r = await authorize(jarSam, { login: 'sam' });
  const c = decodeJwt((await token(r.code, r.verifier)).json.id_token);
  assert.equal(c.sub, 'sub-sam');
  assert.equal(c.email, 'samordnare@demo.uppfolj.se');
  assert.equal(c.uppfolj_role, 'samordnare');
  const r2 = await authorize(newJar(), { login: 'okand' });
  const c2 = decodeJwt((await token(r2.code, r2.verifier)).json.id_token);
  assert.equal(c2.sub, 'sub-okand');
  assert.equal(c2.email, 'okand@example.se');
  assert.equal('uppfolj_role' in c2, false);
  assert.deepEqual(c2.groups, []);
  // unknown name: 400 with the form
  const j = newJar();
  const q = new URLSearchParams({ client_id: CLIENT_ID, response_type: 'code', scope: 'openid', redirect_uri: REDIRECT, code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' });
  const res = await go(j, `${config.authorization_endpoint}?${q}`);
  const loc = new URL(res.headers.get('location'), issuer).href;
  const post = await go(j, loc, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'login=nobody' });
  assert.equal(post.status, 400);
  assert.match(await post.text(), /Okänt användarnamn/);
});

async function tokenWithMode(mode) {
  await setMode(mode);
  const r = await authorize(jar);
  const t = await token(r.code, r.verifier);
  assert.equal(t.status, 200, JSON.stringify(t.json));
  return { idToken: t.json.id_token, nonce: r.nonce };
}

await check('wrong-audience: aud differs, signature verifies', async () => {
  const { idToken } = await tokenWithMode('wrong-audience');
  const c = decodeJwt(idToken);
  assert.notEqual(c.aud, CLIENT_ID);
  assert.equal(c.sub, 'sub-anna');
  assert.deepEqual(decodeProtectedHeader(idToken), decodeProtectedHeader(first.idToken));
  await jwtVerify(idToken, JWKS, { issuer });
  await assert.rejects(jwtVerify(idToken, JWKS, { issuer, audience: CLIENT_ID }), /aud/);
});

await check('mode resets after one token', async () => {
  const r = await authorize(jar);
  const t = await token(r.code, r.verifier);
  await jwtVerify(t.json.id_token, JWKS, { issuer, audience: CLIENT_ID });
});

await check('expired: verifies by signature, refused as expired', async () => {
  const { idToken } = await tokenWithMode('expired');
  const c = decodeJwt(idToken);
  assert.ok(c.exp < Date.now() / 1000 - 3000);
  await jwtVerify(idToken, JWKS, { issuer, audience: CLIENT_ID, currentDate: new Date((c.exp - 10) * 1000) });
  await assert.rejects(jwtVerify(idToken, JWKS, { issuer, audience: CLIENT_ID }), { code: 'ERR_JWT_EXPIRED' });
});

await check('wrong-nonce: nonce differs, signature verifies', async () => {
  const { idToken, nonce } = await tokenWithMode('wrong-nonce');
  const v = await jwtVerify(idToken, JWKS, { issuer, audience: CLIENT_ID });
  assert.notEqual(v.payload.nonce, nonce);
});

await check('wrong-issuer: iss differs, signature verifies', async () => {
  const { idToken } = await tokenWithMode('wrong-issuer');
  const v = await jwtVerify(idToken, JWKS, { audience: CLIENT_ID });
  assert.notEqual(v.payload.iss, issuer);
  await assert.rejects(jwtVerify(idToken, JWKS, { issuer }), { code: 'ERR_JWT_CLAIM_VALIDATION_FAILED' });
});

for (const mode of ['tampered', 'bad-signature', 'alg-none']) {
  await check(`${mode}: does not verify`, async () => {
    const { idToken } = await tokenWithMode(mode);
    if (mode === 'tampered') assert.equal(decodeJwt(idToken).uppfolj_role, 'samordnare');
    await assert.rejects(jwtVerify(idToken, JWKS));
  });
}

await check('admin endpoint refuses unknown modes; none clears', async () => {
  const res = await fetch(`${issuer}/test/next-token?mode=bogus`, { method: 'POST' });
  assert.equal(res.status, 400);
  await setMode('expired');
  await setMode('none');
  const r = await authorize(jar);
  await jwtVerify((await token(r.code, r.verifier)).json.id_token, JWKS, { issuer, audience: CLIENT_ID });
});

await check('end session: form without JavaScript, back to post_logout_redirect_uri', async () => {
  const q = new URLSearchParams({ id_token_hint: first.idToken, post_logout_redirect_uri: POST_LOGOUT, state: 'hej' });
  const res = await go(jar, `${config.end_session_endpoint}?${q}`);
  const html = await res.text();
  assert.equal(res.status, 200, html);
  assert.match(html, /name="logout" value="yes"/);
  assert.doesNotMatch(html, /googleapis|<script/);
  const action = html.match(/<form id="op.logoutForm" method="post" action="([^"]+)"/)[1];
  const xsrf = html.match(/name="xsrf" value="([^"]+)"/)[1];
  const post = await go(jar, new URL(action, issuer).href, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ xsrf, logout: 'yes' }),
  });
  assert.equal(post.status, 303);
  const loc = new URL(post.headers.get('location'));
  assert.equal(`${loc.origin}${loc.pathname}`, POST_LOGOUT);
  assert.equal(loc.searchParams.get('state'), 'hej');
  // logged out: the next /auth asks for a login again
  const r = await authorize(jar);
  assert.equal(r.sawLogin, true);
});

clearTimeout(killTimer);
child.kill('SIGTERM');
console.log(`selftest took ${Date.now() - started} ms`);
console.log(`${passed} passed, ${failed} failed`);
if (failed) {
  console.log(`provider stderr:\n${stderr}`);
  process.exit(1);
}
