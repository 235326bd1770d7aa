//! Logging in and out, and the first login with a one-time link.

use askama::Template;
use axum::Extension;
use axum::Router;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use time::OffsetDateTime;
use uppfolj_model::AuditAction;

use crate::auth::{self, Caller, SESSION_COOKIE};
use crate::forms::{Confirmation, Form, check_csrf};
use crate::layout::Nav;
use crate::layout::capitalised;
use crate::{AppState, WebError};
use uppfolj_app::login::{self, FirstLogin, Locked, PasswordLogin};
use uppfolj_app::{audit, secrets};

/// The cookie that carries the login form's CSRF token before there is a session.
const FORM_COOKIE: &str = "uppfolj_form";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/logga-in", get(login_form).post(login))
        .route("/logga-ut", post(logout))
        .route(
            "/forsta-inloggning/{token}",
            get(first_login_form).post(first_login),
        )
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    nav: Option<Nav>,
    csrf: String,
    email: String,
    error: Option<String>,
    /// A form posted after the session had ended, carried through the login.
    carried: Option<Carried>,
    /// With single sign-on: whom the button names («Logga in med …»).
    sso: Option<String>,
    /// Whether the password form is offered (not when single sign-on is the only way).
    passwords: bool,
    /// Said after logging out.
    notice: Option<String>,
    /// Where to log out of the identity provider too, after logging out of Uppfölj.
    end_session: Option<String>,
}

impl LoginPage {
    /// The page as single sign-on is set up, with no one's input yet.
    fn new(state: &AppState, csrf: String) -> LoginPage {
        let settings = state.sso.as_ref().map(|p| &p.settings);
        LoginPage {
            nav: None,
            csrf,
            email: String::new(),
            error: None,
            carried: None,
            sso: settings.map(|s| s.label.clone()),
            passwords: !settings.is_some_and(|s| s.only),
            notice: None,
            end_session: None,
        }
    }
}

/// A form that was posted after its session had ended: where it went and its fields (all but
/// the old CSRF token), so that logging in again does not lose what was written.
#[derive(Clone, Default)]
pub(crate) struct Carried {
    pub till: String,
    pub fields: Vec<(String, String)>,
}

impl Carried {
    /// The posted comment, shown so that the person sees their text is still there.
    fn comment(&self) -> Option<&str> {
        self.fields
            .iter()
            .find(|(name, _)| name == "kommentar")
            .map(|(_, value)| value.as_str())
            .filter(|text| !text.trim().is_empty())
    }

    /// Only a form of the site's own answer pages is carried: never a way to send the browser
    /// elsewhere after login.
    fn from_form(form: &LoginForm) -> Option<Carried> {
        let till = form.till.as_deref()?;
        let own = super::addresses::is_answer_save_path(till);
        (own && form.bevarat_namn.len() == form.bevarat_varde.len()).then(|| Carried {
            till: till.to_owned(),
            fields: form
                .bevarat_namn
                .iter()
                .cloned()
                .zip(form.bevarat_varde.iter().cloned())
                .collect(),
        })
    }
}

/// After a login that carried a form: the form again, with the new session's token, to send
/// with one press.
#[derive(Template)]
#[template(path = "continue.html")]
struct ContinuePage {
    nav: Option<Nav>,
    csrf: String,
    carried: Carried,
}

/// The login page for a form posted after its session had ended, carrying what was posted.
pub(crate) fn login_to_continue(state: &AppState, carried: Carried) -> Response {
    let (csrf, cookie) = form_token(state);
    render(
        LoginPage {
            error: Some(
                "Du har loggats ut, och det du skrev är inte sparat än. Logga in igen så kan du spara det."
                    .into(),
            ),
            carried: Some(carried),
            ..LoginPage::new(state, csrf)
        },
        StatusCode::UNAUTHORIZED,
        vec![cookie],
    )
}

#[derive(Template)]
#[template(path = "first_login.html")]
struct FirstLoginPage {
    nav: Option<Nav>,
    csrf: String,
    token: String,
    error: Option<String>,
}

/// A `Set-Cookie` value with the attributes every Uppfölj cookie has.
pub(super) fn cookie_header(
    state: &AppState,
    name: &str,
    value: &str,
    max_age: i64,
) -> HeaderValue {
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .expect("cookie values are ASCII")
}

fn render(page: impl Template, status: StatusCode, cookies: Vec<HeaderValue>) -> Response {
    match page.render() {
        Ok(html) => {
            let mut response = (status, Html(html)).into_response();
            for cookie in cookies {
                response.headers_mut().append(header::SET_COOKIE, cookie);
            }
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(e) => WebError::Render(e.to_string()).into_response(),
    }
}

/// A new form token, set as a cookie and echoed in the form (double submit).
fn form_token(state: &AppState) -> (String, HeaderValue) {
    let token = secrets::new_secret("");
    let cookie = cookie_header(state, FORM_COOKIE, &token, 3600);
    (token, cookie)
}

fn form_token_ok(headers: &HeaderMap, given: &str) -> bool {
    auth::cookie(headers, FORM_COOKIE)
        .is_some_and(|expected| !given.is_empty() && expected == given)
}

/// `?utloggad=1`: the login page says the person has logged out, and links to the identity
/// provider's end of session when there is one.
#[derive(Deserialize)]
struct LoginQuery {
    utloggad: Option<String>,
}

async fn login_form(State(state): State<AppState>, Query(query): Query<LoginQuery>) -> Response {
    let (csrf, cookie) = form_token(&state);
    let mut page = LoginPage::new(&state, csrf);
    if query.utloggad.is_some() {
        page.notice = Some("Du är utloggad ur Uppfölj.".into());
        if let Some(provider) = &state.sso {
            let back = format!("{}/logga-in", state.config.public_url.trim_end_matches('/'));
            page.end_session = provider.end_session_url(&back).await;
        }
    }
    render(page, StatusCode::OK, vec![cookie])
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
    /// A form carried through the login ([`Carried`]): where it goes, and its fields' names and
    /// values, in order.
    till: Option<String>,
    #[serde(default)]
    bevarat_namn: Vec<String>,
    #[serde(default)]
    bevarat_varde: Vec<String>,
}

async fn login(
    State(state): State<AppState>,
    address: Option<Extension<ConnectInfo<std::net::SocketAddr>>>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, WebError> {
    let (csrf, cookie) = form_token(&state);
    let carried = Carried::from_form(&form);
    let refuse =
        |error: String, status: StatusCode, email: String, csrf: String, cookie: HeaderValue| {
            render(
                LoginPage {
                    email,
                    error: Some(error),
                    carried: carried.clone(),
                    ..LoginPage::new(&state, csrf)
                },
                status,
                vec![cookie],
            )
        };
    if !form_token_ok(&headers, &form.csrf) {
        let message = "Formuläret hade gått ut. Försök igen.".to_owned();
        return Ok(refuse(
            message,
            StatusCode::FORBIDDEN,
            form.email,
            csrf,
            cookie,
        ));
    }
    if state.sso.as_ref().is_some_and(|p| p.settings.only) {
        let message = "Lösenord används inte här. Logga in med knappen ovanför.".to_owned();
        return Ok(refuse(
            message,
            StatusCode::FORBIDDEN,
            form.email,
            csrf,
            cookie,
        ));
    }
    let now = OffsetDateTime::now_utc();
    let address = client_address(&state, address, &headers);
    let attempt = login::with_password(&state.store, &form.email, form.password, &address, now);
    let (message, status) = match attempt.await? {
        PasswordLogin::Accepted(user) => {
            return start_session(&state, user.id, carried.clone()).await;
        }
        PasswordLogin::Locked(locked) => {
            let (what, until) = match locked {
                Locked::Account(until) => ("Kontot", until),
                Locked::Address(until) => ("Inloggningen från din adress", until),
            };
            let minutes = (((until - now).whole_seconds() + 59) / 60).max(1);
            let unit = if minutes == 1 { "minut" } else { "minuter" };
            let message = format!(
                "{what} är låst efter för många misslyckade försök. Försök igen om {minutes} {unit}."
            );
            (message, StatusCode::TOO_MANY_REQUESTS)
        }
        PasswordLogin::Refused { locked: true } => {
            let minutes = login::ACCOUNT_LIMIT.window.whole_minutes();
            let message =
                format!("Fel e-postadress eller lösenord. Kontot är nu låst i {minutes} minuter.");
            (message, StatusCode::UNAUTHORIZED)
        }
        PasswordLogin::Refused { locked: false } => (
            "Fel e-postadress eller lösenord.".to_owned(),
            StatusCode::UNAUTHORIZED,
        ),
    };
    Ok(refuse(message, status, form.email, csrf, cookie))
}

/// The client's address for throttling (see [`auth::client_address`]).
pub(super) fn client_address(
    state: &AppState,
    peer: Option<Extension<ConnectInfo<std::net::SocketAddr>>>,
    headers: &HeaderMap,
) -> String {
    auth::client_address(
        peer.map(|p| p.0.0.ip()),
        headers,
        &state.config.trusted_proxies,
    )
    .map_or_else(|| "okänd".to_owned(), |a| a.to_string())
}

/// Starts a session and goes to the start page, or, when the login carried a form, shows that
/// form to send again.
pub(super) async fn start_session(
    state: &AppState,
    user_id: i64,
    carried: Option<Carried>,
) -> Result<Response, WebError> {
    let token = secrets::new_secret("");
    let csrf = secrets::new_secret("");
    let expires = OffsetDateTime::now_utc() + auth::SESSION_ABSOLUTE;
    state
        .store
        .create_session(user_id, &secrets::secret_hash(&token), &csrf, expires)
        .await?;
    let mut response = match carried {
        Some(carried) => render(
            ContinuePage {
                nav: None,
                csrf,
                carried,
            },
            StatusCode::OK,
            vec![],
        ),
        None => Redirect::to("/").into_response(),
    };
    let max_age = auth::SESSION_ABSOLUTE.whole_seconds();
    response.headers_mut().append(
        header::SET_COOKIE,
        cookie_header(state, SESSION_COOKIE, &token, max_age),
    );
    response
        .headers_mut()
        .append(header::SET_COOKIE, cookie_header(state, FORM_COOKIE, "", 0));
    Ok(response)
}

async fn logout(
    State(state): State<AppState>,
    caller: Caller,
    Form(form): Form<Confirmation>,
) -> Result<Response, WebError> {
    check_csrf(&caller, &form.csrf)?;
    if let Some(session) = &caller.session {
        state.store.delete_session(&session.token_hash).await?;
        let email = caller.actor.email.as_str();
        let subject = format!("användare/{email}");
        audit::record(
            &state.store,
            email,
            AuditAction::Logout,
            &subject,
            None,
            None,
        )
        .await;
    }
    // With single sign-on, the login page offers to end the provider's session too.
    let to = if state.sso.is_some() {
        "/logga-in?utloggad=1"
    } else {
        "/logga-in"
    };
    let mut response = Redirect::to(to).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        cookie_header(&state, SESSION_COOKIE, "", 0),
    );
    Ok(response)
}

async fn first_login_form(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let (csrf, cookie) = form_token(&state);
    render(
        FirstLoginPage {
            nav: None,
            csrf,
            token,
            error: None,
        },
        StatusCode::OK,
        vec![cookie],
    )
}

#[derive(Deserialize)]
struct FirstLoginForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    repeat: String,
    #[serde(default)]
    csrf: String,
}

async fn first_login(
    State(state): State<AppState>,
    Path(token): Path<String>,
    peer: Option<Extension<ConnectInfo<std::net::SocketAddr>>>,
    headers: HeaderMap,
    Form(form): Form<FirstLoginForm>,
) -> Result<Response, WebError> {
    let (csrf, cookie) = form_token(&state);
    let again = |error: &str, status| {
        render(
            FirstLoginPage {
                nav: None,
                csrf: csrf.clone(),
                token: token.clone(),
                error: Some(error.to_owned()),
            },
            status,
            vec![cookie.clone()],
        )
    };
    if !form_token_ok(&headers, &form.csrf) {
        return Ok(again(
            "Formuläret hade gått ut. Försök igen.",
            StatusCode::FORBIDDEN,
        ));
    }
    if form.password != form.repeat {
        return Ok(again("Lösenorden är inte lika.", StatusCode::BAD_REQUEST));
    }
    let now = OffsetDateTime::now_utc();
    let address = client_address(&state, peer, &headers);
    match login::first_login(&state.store, &token, form.password, &address, now).await? {
        FirstLogin::Done(user_id) => start_session(&state, user_id, None).await,
        FirstLogin::Throttled => Ok(again(
            "För många försök från din adress. Försök igen om en stund.",
            StatusCode::TOO_MANY_REQUESTS,
        )),
        FirstLogin::LinkInvalid => Ok(again(
            "Länken är redan använd eller har gått ut. Be en samordnare om en ny.",
            StatusCode::GONE,
        )),
        FirstLogin::PasswordRefused(reason) => {
            Ok(again(&capitalised(&reason), StatusCode::BAD_REQUEST))
        }
    }
}
