//! The coordinators' users: every one listed with role, organisations and whether they have
//! chosen a password; a form to add one (who gets a first-login link, by e-mail when Uppfölj can
//! send it, otherwise shown once to the coordinator); and an edit page per user for role and
//! organisations, deactivation and a new login link. Users are named by address in the URL.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use uppfolj_app::accounts::{self, AccountError, LOGIN_LINK_VALIDITY, LinkDelivery};
use uppfolj_app::lookup::require_coordinator;
use uppfolj_model::text::swedish_cmp;
use uppfolj_model::{Email, Key, Organisation, Role};
use uppfolj_store::{Account, AccountChangeError, StoreError};

use crate::auth::Caller;
use crate::error::{Failure, WebError};
use crate::forms::{Confirmation, ConflictPage, ConflictRow, FieldErrors, Form, check_csrf};
use crate::layout::{Nav, capitalised, page};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/anvandare", get(list))
        .route("/anvandare/ny", get(new_user).post(create))
        .route("/anvandare/{email}", get(edit).post(save))
        .route("/anvandare/{email}/ny-lank", post(new_link))
        .route("/anvandare/{email}/inaktivera", post(deactivate))
        .route("/anvandare/{email}/aktivera", post(activate))
}

/// The new-user form as posted; a field left out reads as empty and is refused as such.
#[derive(Default, Deserialize)]
#[serde(default)]
struct NewUserForm {
    csrf: String,
    epost: String,
    roll: String,
    /// The organisations ticked, by key.
    organisation: Vec<String>,
}

/// The role form as posted, with the version it was made from.
#[derive(Deserialize)]
struct RoleForm {
    #[serde(default)]
    csrf: String,
    version: i64,
    #[serde(default)]
    roll: String,
    #[serde(default)]
    organisation: Vec<String>,
}

/// The address of a user's edit page; the address is percent-encoded where a path needs it.
fn user_path(email: &Email) -> String {
    let segment: String = email
        .as_str()
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'@' | b'+' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("/anvandare/{segment}")
}

/// A user as the list shows them.
struct UserRow {
    email: String,
    path: String,
    role: &'static str,
    organisations: String,
    active: bool,
    has_password: bool,
}

#[derive(Template)]
#[template(path = "users.html")]
struct ListPage {
    nav: Option<Nav>,
    users: Vec<UserRow>,
}

/// Organisation names by key, for showing a user's organisations.
async fn names(state: &AppState) -> Result<HashMap<Key, String>, WebError> {
    Ok(state
        .store
        .definitions()
        .await?
        .organisations
        .iter()
        .map(|o| (o.key.clone(), o.name.clone()))
        .collect())
}

/// A user's organisations by name, the Swedish way, joined for a table cell.
fn organisation_names(keys: &[Key], names: &HashMap<Key, String>) -> Vec<String> {
    let mut shown: Vec<String> = keys
        .iter()
        .map(|k| names.get(k).cloned().unwrap_or_else(|| k.to_string()))
        .collect();
    shown.sort_by(|a, b| swedish_cmp(a, b));
    shown
}

async fn list(State(state): State<AppState>, caller: Caller) -> Result<Response, WebError> {
    require_coordinator(&caller.actor)?;
    let names = names(&state).await?;
    let mut users: Vec<UserRow> = state
        .store
        .accounts()
        .await?
        .into_iter()
        .map(|a| UserRow {
            email: a.actor.email.to_string(),
            path: user_path(&a.actor.email),
            role: a.actor.role.label(),
            organisations: organisation_names(&a.actor.organisations, &names).join(", "),
            active: a.active,
            has_password: a.has_password,
        })
        .collect();
    users.sort_by(|a, b| swedish_cmp(&a.email, &b.email));
    Ok(page(
        ListPage {
            nav: caller.nav(),
            users,
        },
        StatusCode::OK,
    ))
}

/// An organisation as a checkbox of the user form: key, name, ticked.
struct Choice {
    key: String,
    name: String,
    checked: bool,
    active: bool,
}

/// Every active organisation, and inactive ones already ticked, by name the Swedish way.
fn choices(organisations: &[Organisation], ticked: &[String]) -> Vec<Choice> {
    let mut choices: Vec<Choice> = organisations
        .iter()
        .filter(|o| o.active || ticked.contains(&o.key.to_string()))
        .map(|o| Choice {
            key: o.key.to_string(),
            name: o.name.clone(),
            checked: ticked.contains(&o.key.to_string()),
            active: o.active,
        })
        .collect();
    choices.sort_by(|a, b| swedish_cmp(&a.name, &b.name));
    choices
}

/// The roles as the form offers them: value, label and what the role may do.
fn roles() -> [(&'static str, &'static str, &'static str); 3] {
    [
        (
            Role::Uppgiftslamnare.as_str(),
            Role::Uppgiftslamnare.label(),
            "svarar och skickar in för sina organisationer",
        ),
        (
            Role::Lasare.as_str(),
            Role::Lasare.label(),
            "läser publicerade sammanställningar och sina organisationers inskickade svar",
        ),
        (
            Role::Samordnare.as_str(),
            Role::Samordnare.label(),
            "sköter allt: styrdokument, omgångar, organisationer och användare",
        ),
    ]
}

/// The role and organisations as a form shows them.
struct RoleValues {
    role: String,
    organisations: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "new_user.html")]
struct NewPage<'a> {
    nav: Option<Nav>,
    csrf: &'a str,
    email: String,
    values: RoleValues,
    roles: [(&'static str, &'static str, &'static str); 3],
    mail: bool,
    days: i64,
    errors: FieldErrors,
}

async fn new_user(State(state): State<AppState>, caller: Caller) -> Result<Response, WebError> {
    require_coordinator(&caller.actor)?;
    let definitions = state.store.definitions().await?;
    Ok(page(
        NewPage {
            nav: caller.nav(),
            csrf: caller.csrf(),
            email: String::new(),
            values: RoleValues {
                role: Role::Uppgiftslamnare.as_str().to_owned(),
                organisations: choices(&definitions.organisations, &[]),
            },
            roles: roles(),
            mail: state.config.mailer.is_some(),
            days: LOGIN_LINK_VALIDITY.whole_days(),
            errors: FieldErrors::default(),
        },
        StatusCode::OK,
    ))
}

/// The role and organisation keys as posted, checked against the rule for the role; refusals go
/// to `errors`. Whether each organisation exists is the store's to say.
fn read_role(
    role: &str,
    organisations: &[String],
    errors: &mut FieldErrors,
) -> Option<(Role, Vec<Key>)> {
    let role = Role::parse(role);
    if role.is_none() {
        errors.add("roll", "Välj en roll.");
    }
    let mut keys = Vec::new();
    for text in organisations {
        match Key::parse(text) {
            Ok(key) => keys.push(key),
            Err(_) => errors.add(
                "organisationer",
                format!("Organisationen «{text}» finns inte."),
            ),
        }
    }
    let role = role?;
    if let Err(AccountError::Role(message)) = accounts::check_role(role, &keys) {
        errors.refuse("organisationer", &message);
    }
    errors.is_empty().then_some((role, keys))
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Form(form): Form<NewUserForm>,
) -> Result<Response, WebError> {
    check_csrf(&caller, &form.csrf)?;
    require_coordinator(&caller.actor)?;
    let mut errors = FieldErrors::default();
    let email_text = form.epost.trim().to_owned();
    let email = if email_text.is_empty() {
        errors.add("epost", "Skriv användarens e-postadress.");
        None
    } else {
        Email::parse(&email_text)
            .map_err(|e| {
                errors.add(
                    "epost",
                    format!("{} Skriv den som namn@exempel.se.", capitalised(&e)),
                )
            })
            .ok()
    };
    let role = read_role(&form.roll, &form.organisation, &mut errors);
    if let (Some(email), Some((role, organisations))) = (&email, &role) {
        match accounts::create_user(
            &state.app,
            caller.actor.email.as_str(),
            email,
            *role,
            organisations,
            None,
        )
        .await
        {
            Ok(link) => {
                let link = link.expect("a user without a password gets a login link");
                let delivery = accounts::deliver_login_link(&state.app, email, link, true).await;
                let account = state
                    .store
                    .account(email)
                    .await?
                    .ok_or_else(|| WebError::NotFound(format!("användaren {email}")))?;
                let notice = Notice::created(email, delivery);
                return edit_page(
                    &state,
                    &caller,
                    account,
                    None,
                    notice,
                    FieldErrors::default(),
                    StatusCode::CREATED,
                )
                .await;
            }
            Err(AccountError::Store(StoreError::Rule(_))) => errors.add(
                "epost",
                format!("Det finns redan en användare med adressen {email}."),
            ),
            Err(AccountError::Store(StoreError::NotFound(what))) => errors.add(
                "organisationer",
                format!("{} finns inte.", capitalised(&what).trim_end_matches('.')),
            ),
            Err(AccountError::Role(message)) => errors.refuse("organisationer", &message),
            Err(other) => return Err(Failure::from(other).into()),
        }
    }
    let definitions = state.store.definitions().await?;
    Ok(page(
        NewPage {
            nav: caller.nav(),
            csrf: caller.csrf(),
            email: email_text,
            values: RoleValues {
                role: form.roll,
                organisations: choices(&definitions.organisations, &form.organisation),
            },
            roles: roles(),
            mail: state.config.mailer.is_some(),
            days: LOGIN_LINK_VALIDITY.whole_days(),
            errors,
        },
        StatusCode::BAD_REQUEST,
    ))
}

/// What the edit page tells after an action: a sentence, and a login link to pass on.
#[derive(Default)]
struct Notice {
    message: Option<String>,
    /// The link, shown once, when it could not be sent.
    link: Option<String>,
    /// Why sending failed.
    failure: Option<String>,
}

impl Notice {
    fn created(email: &Email, delivery: LinkDelivery) -> Notice {
        Notice::delivered(email, delivery, format!("Användaren {email} är skapad."))
    }

    fn delivered(email: &Email, delivery: LinkDelivery, first: String) -> Notice {
        let days = LOGIN_LINK_VALIDITY.whole_days();
        match delivery {
            LinkDelivery::Sent => Notice {
                message: Some(format!(
                    "{first} En inloggningslänk har skickats med e-post till {email}. Den fungerar en gång och i {days} dagar."
                )),
                ..Notice::default()
            },
            LinkDelivery::Shown { link, failure } => Notice {
                message: Some(format!(
                    "{first} Ge användaren länken nedan, till exempel med e-post. Med den väljer hen sitt lösenord och loggar in. Den fungerar en gång och i {days} dagar, och visas bara nu."
                )),
                link: Some(link),
                failure: failure.map(|f| format!("E-postmeddelandet kunde inte skickas: {f}.")),
            },
        }
    }
}

#[derive(Template)]
#[template(path = "user.html")]
struct EditPage<'a> {
    nav: Option<Nav>,
    csrf: &'a str,
    account: Account,
    path: String,
    organisations: String,
    values: RoleValues,
    roles: [(&'static str, &'static str, &'static str); 3],
    /// Whether this is the caller's own account (which they cannot deactivate).
    own: bool,
    mail: bool,
    notice: Notice,
    errors: FieldErrors,
}

async fn edit_page(
    state: &AppState,
    caller: &Caller,
    account: Account,
    posted: Option<&RoleForm>,
    notice: Notice,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, WebError> {
    let definitions = state.store.definitions().await?;
    let names = names(state).await?;
    let values = match posted {
        Some(form) => RoleValues {
            role: form.roll.clone(),
            organisations: choices(&definitions.organisations, &form.organisation),
        },
        None => RoleValues {
            role: account.actor.role.as_str().to_owned(),
            organisations: choices(
                &definitions.organisations,
                &account
                    .actor
                    .organisations
                    .iter()
                    .map(Key::to_string)
                    .collect::<Vec<_>>(),
            ),
        },
    };
    Ok(page(
        EditPage {
            nav: caller.nav(),
            csrf: caller.csrf(),
            path: user_path(&account.actor.email),
            organisations: organisation_names(&account.actor.organisations, &names).join(", "),
            own: account.id == caller.user_id,
            account,
            values,
            roles: roles(),
            mail: state.config.mailer.is_some(),
            notice,
            errors,
        },
        status,
    ))
}

/// The stored user `email`, or a 404.
async fn stored(state: &AppState, email: &str) -> Result<Account, WebError> {
    let missing = || WebError::NotFound(format!("användaren {email}"));
    let parsed = Email::parse(email).map_err(|_| missing())?;
    state.store.account(&parsed).await?.ok_or_else(missing)
}

async fn edit(
    State(state): State<AppState>,
    caller: Caller,
    Path(email): Path<String>,
) -> Result<Response, WebError> {
    require_coordinator(&caller.actor)?;
    let account = stored(&state, &email).await?;
    edit_page(
        &state,
        &caller,
        account,
        None,
        Notice::default(),
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

async fn save(
    State(state): State<AppState>,
    caller: Caller,
    Path(email): Path<String>,
    Form(form): Form<RoleForm>,
) -> Result<Response, WebError> {
    check_csrf(&caller, &form.csrf)?;
    require_coordinator(&caller.actor)?;
    let account = stored(&state, &email).await?;
    let email = account.actor.email.clone();
    let mut errors = FieldErrors::default();
    if let Some((role, organisations)) = read_role(&form.roll, &form.organisation, &mut errors) {
        let by = caller.actor.email.as_str();
        let changed_role = accounts::change_role(
            &state.store,
            by,
            &account.actor,
            role,
            &organisations,
            form.version,
        );
        match changed_role.await {
            Ok(()) => return Ok(Redirect::to(&user_path(&email)).into_response()),
            Err(AccountChangeError::Changed(now)) => {
                let names = names(&state).await?;
                return Ok(changed(&caller, &now, role, &organisations, &names));
            }
            Err(AccountChangeError::LastCoordinator(_)) => errors.add(
                "roll",
                format!("{email} är den sista aktiva samordnaren. Gör någon annan till samordnare först."),
            ),
            Err(AccountChangeError::Store(StoreError::NotFound(what))) => errors.add(
                "organisationer",
                format!("{} finns inte.", capitalised(&what).trim_end_matches('.')),
            ),
            Err(other) => return Err(Failure::from(other).into()),
        }
    }
    edit_page(
        &state,
        &caller,
        account,
        Some(&form),
        Notice::default(),
        errors,
        StatusCode::BAD_REQUEST,
    )
    .await
}

async fn deactivate(
    state: State<AppState>,
    caller: Caller,
    email: Path<String>,
    form: Form<Confirmation>,
) -> Result<Response, WebError> {
    set_active(state, caller, email, form, false).await
}

async fn activate(
    state: State<AppState>,
    caller: Caller,
    email: Path<String>,
    form: Form<Confirmation>,
) -> Result<Response, WebError> {
    set_active(state, caller, email, form, true).await
}

/// Deactivates or activates a user; nobody deactivates themselves, and the last active
/// coordinator stays.
async fn set_active(
    State(state): State<AppState>,
    caller: Caller,
    Path(email): Path<String>,
    Form(form): Form<Confirmation>,
    active: bool,
) -> Result<Response, WebError> {
    check_csrf(&caller, &form.csrf)?;
    require_coordinator(&caller.actor)?;
    let account = stored(&state, &email).await?;
    let email = account.actor.email.clone();
    let mut errors = FieldErrors::default();
    if !active && account.id == caller.user_id {
        errors.add(
            "aktiv",
            "Du kan inte inaktivera dig själv. Be en annan samordnare om det.",
        );
    } else {
        let by = caller.actor.email.as_str();
        match accounts::set_active(&state.store, by, &email, active).await {
            Ok(()) => return Ok(Redirect::to(&user_path(&email)).into_response()),
            Err(AccountChangeError::LastCoordinator(_)) => errors.add(
                "aktiv",
                format!("{email} är den sista aktiva samordnaren och kan inte inaktiveras. Gör någon annan till samordnare först."),
            ),
            Err(other) => return Err(Failure::from(other).into()),
        }
    }
    edit_page(
        &state,
        &caller,
        account,
        None,
        Notice::default(),
        errors,
        StatusCode::CONFLICT,
    )
    .await
}

/// Makes a new login link for a user, sent by e-mail when Uppfölj can, otherwise shown once.
async fn new_link(
    State(state): State<AppState>,
    caller: Caller,
    Path(email): Path<String>,
    Form(form): Form<Confirmation>,
) -> Result<Response, WebError> {
    check_csrf(&caller, &form.csrf)?;
    require_coordinator(&caller.actor)?;
    let account = stored(&state, &email).await?;
    let email = account.actor.email.clone();
    if !account.active {
        let mut errors = FieldErrors::default();
        errors.add(
            "lankar",
            "Användaren är inaktiv. Aktivera hen först, så fungerar länken.",
        );
        return edit_page(
            &state,
            &caller,
            account,
            None,
            Notice::default(),
            errors,
            StatusCode::CONFLICT,
        )
        .await;
    }
    let link = accounts::login_link(&state.store, &state.config.public_url, account.id).await?;
    let delivery = accounts::deliver_login_link(&state.app, &email, link, false).await;
    let notice = Notice::delivered(
        &email,
        delivery,
        "En ny inloggningslänk är skapad; tidigare länkar fungerar inte längre.".to_owned(),
    );
    edit_page(
        &state,
        &caller,
        account,
        None,
        notice,
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// The conflict page for a stale edit: the user as stored now beside what the coordinator chose.
fn changed(
    caller: &Caller,
    now: &Account,
    role: Role,
    organisations: &[Key],
    names: &HashMap<Key, String>,
) -> Response {
    let or_dash = |list: Vec<String>| {
        if list.is_empty() {
            "–".to_owned()
        } else {
            list.join(", ")
        }
    };
    ConflictPage {
        nav: caller.nav(),
        title: "Någon annan har ändrat användaren under tiden".into(),
        explanation: format!(
            "Dina ändringar av {} är inte sparade, eftersom användaren har ändrats sedan du öppnade formuläret. Öppna den aktuella versionen och gör om dina ändringar om de fortfarande behövs.",
            now.actor.email
        ),
        yours: "Din ändring",
        rows: vec![
            ConflictRow {
                label: "Roll",
                stored: now.actor.role.label().to_owned(),
                yours: role.label().to_owned(),
                multiline: false,
            },
            ConflictRow {
                label: "Organisationer",
                stored: or_dash(organisation_names(&now.actor.organisations, names)),
                yours: or_dash(organisation_names(organisations, names)),
                multiline: false,
            },
        ],
        stored_note: None,
        keep: None,
        back: (user_path(&now.actor.email), "Öppna den aktuella versionen"),
        also: None,
    }
    .response()
}
