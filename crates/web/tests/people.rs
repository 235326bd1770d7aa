//! The coordinators' organisations and users, and every user's own account, through the real
//! router on both backends: adding and editing with refused input shown at its field, stale
//! edits as conflicts, deactivation, first-login links by e-mail (through a real SMTP server) or
//! shown once, the last coordinator kept, changing the password, API tokens, logging out
//! everywhere, and that nobody else gets in and no form is accepted without its CSRF token.

use crate::common;

use axum::http::{Method, StatusCode, header};
use uppfolj_model::{Key, Role};

use common::smtp::SmtpSink;
use common::{Reply, TestApp, encode, hidden, login, session, with_cookie};

on_both_backends!(
    organisations_are_listed_the_swedish_way_and_added_with_a_key_made_from_the_name,
    a_refused_organisation_is_shown_at_its_field_and_nothing_is_added,
    an_edit_keeps_the_key_and_a_stale_edit_is_a_conflict_that_changes_nothing,
    a_form_field_that_cannot_be_read_is_named_and_nothing_changes,
    an_inactive_organisation_gets_no_questions_until_it_is_active_again,
    without_a_mailer_the_coordinator_is_shown_the_login_link_once,
    a_refused_user_is_shown_at_its_field_and_nothing_is_created,
    a_new_role_and_organisations_take_effect_on_the_users_next_request,
    a_stale_user_edit_is_a_conflict_that_changes_nothing,
    deactivating_a_user_ends_their_sessions_and_stops_their_tokens,
    the_last_active_coordinator_and_oneself_cannot_be_removed,
    changing_the_password_checks_the_current_and_ends_only_the_other_sessions,
    api_tokens_are_created_shown_once_and_revoked_from_the_account_page,
    logging_out_everywhere_ends_every_session_including_this_one,
    respondents_and_readers_are_refused_the_coordinators_pages_and_strangers_must_log_in,
    every_form_refuses_a_post_without_its_csrf_token,
    changes_are_in_the_log_with_before_and_after_and_refused_ones_are_not,
);

on_both_backends_with_mail!(
    a_new_user_gets_the_login_link_by_email_and_sets_a_password_with_it,
    a_new_login_link_by_email_replaces_the_old_one,
);

/// A user's session cookie and its CSRF token, with an API token.
async fn signed_in(
    app: &TestApp,
    email: &str,
    role: Role,
    organisations: &[&str],
) -> (String, String, String) {
    let token = app.user(email, role, organisations).await;
    let cookie = session(app, email).await;
    let csrf = csrf_of(app, &cookie).await;
    (token, cookie, csrf)
}

async fn csrf_of(app: &TestApp, cookie: &str) -> String {
    hidden(&get(app, cookie, "/konto").await.text, "csrf")
}

async fn coordinator(app: &TestApp) -> (String, String) {
    let (_, cookie, csrf) = signed_in(app, "sam@stad.test", Role::Samordnare, &[]).await;
    (cookie, csrf)
}

async fn get(app: &TestApp, cookie: &str, uri: &str) -> Reply {
    with_cookie(app, Method::GET, uri, cookie, None, None).await
}

async fn post(app: &TestApp, cookie: &str, uri: &str, fields: &[(&str, &str)]) -> Reply {
    with_cookie(app, Method::POST, uri, cookie, None, Some(&encode(fields))).await
}

fn location(reply: &Reply) -> &str {
    reply.headers[header::LOCATION].to_str().unwrap()
}

/// The text of the first `<input id="ID" … value="…">` on a page.
fn input_value(html: &str, id: &str) -> String {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in {html}"));
    let rest = &html[start..];
    let value = rest.find("value=\"").unwrap() + "value=\"".len();
    rest[value..].split('"').next().unwrap().to_owned()
}

async fn organisations_are_listed_the_swedish_way_and_added_with_a_key_made_from_the_name(
    app: TestApp,
) {
    let (cookie, csrf) = coordinator(&app).await;
    let list = get(&app, &cookie, "/organisationer").await;
    assert_eq!(list.status, StatusCode::OK);
    let at = |name: &str| {
        list.text
            .find(&format!("<th scope=\"row\">{name}</th>"))
            .unwrap_or_else(|| panic!("{name} listed"))
    };
    assert!(at("Arkivnämnden") < at("Kommunstyrelsen"));
    assert!(
        at("Kommunstyrelsen") < at("Äldre samt vård- och omsorgsnämnden"),
        "Ä after the Latin letters, as in Swedish"
    );
    assert!(at("Äldre samt vård- och omsorgsnämnden") < at("Överförmyndarnämnden"));

    let added = post(
        &app,
        &cookie,
        "/organisationer",
        &[
            ("csrf", &csrf),
            ("namn", "Nämnden för Ökad Trygghet"),
            ("kortnamn", "Trygghet"),
            ("typ", "nämnd"),
            ("nyckel", ""),
        ],
    )
    .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text);
    assert_eq!(
        location(&added),
        "/organisationer?ny=namnden-for-okad-trygghet"
    );
    let list = get(&app, &cookie, location(&added)).await;
    assert!(list.text.contains("Nämnden för Ökad Trygghet är tillagd."));
    assert!(
        list.text
            .contains("<th scope=\"row\">Nämnden för Ökad Trygghet</th>\n    <td>Trygghet</td>\n    <td>Nämnd</td>\n    <td>Aktiv</td>")
    );
    let definitions = app.store().definitions().await.unwrap();
    let made = definitions
        .organisations
        .iter()
        .find(|o| o.key.as_str() == "namnden-for-okad-trygghet")
        .expect("stored, and the cached definitions reloaded");
    assert_eq!(made.short_name.as_deref(), Some("Trygghet"));

    let own_key = post(
        &app,
        &cookie,
        "/organisationer",
        &[
            ("csrf", &csrf),
            ("namn", "Stiftelsen Göteborgs Kulturlokaler"),
            ("kortnamn", ""),
            ("typ", "styrelse"),
            ("nyckel", "kulturlokaler"),
        ],
    )
    .await;
    assert_eq!(location(&own_key), "/organisationer?ny=kulturlokaler");
    let definitions = app.store().definitions().await.unwrap();
    let made = definitions
        .organisations
        .iter()
        .find(|o| o.key.as_str() == "kulturlokaler")
        .unwrap();
    assert_eq!(made.short_name, None, "an empty short name is none");
}

async fn a_refused_organisation_is_shown_at_its_field_and_nothing_is_added(app: TestApp) {
    let (cookie, csrf) = coordinator(&app).await;
    let before = app.store().organisations().await.unwrap().len();
    let cases: [(&str, &str, &str, &str, &str); 5] = [
        ("", "nämnd", "", "namn", "Skriv organisationens namn."),
        (
            "Arkivnämnden",
            "nämnd",
            "",
            "namn",
            "Det finns redan en organisation som heter «Arkivnämnden».",
        ),
        (
            "Nya nämnden",
            "nämnd",
            "intraservice",
            "nyckel",
            "Nyckeln «intraservice» används redan av en annan organisation.",
        ),
        (
            "Nya nämnden",
            "nämnd",
            "Nya Nämnden",
            "nyckel",
            "får bara innehålla a–z, 0–9 och bindestreck",
        ),
        (
            "Nya nämnden",
            "kommun",
            "",
            "typ",
            "Välj vilken typ av organisation det är.",
        ),
    ];
    for (name, kind, key, field, message) in cases {
        let refused = post(
            &app,
            &cookie,
            "/organisationer",
            &[
                ("csrf", &csrf),
                ("namn", name),
                ("kortnamn", ""),
                ("typ", kind),
                ("nyckel", key),
            ],
        )
        .await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{name} {key}");
        assert!(
            refused.text.contains(message),
            "{message}: {}",
            refused.text
        );
        assert!(
            refused.text.contains(&format!("<li><a href=\"#{field}\">")),
            "the summary links to #{field}"
        );
        assert!(
            refused.text.contains(&format!("id=\"fel-{field}\"")),
            "the message is at #{field}"
        );
        assert!(refused.text.contains("aria-invalid=\"true\""));
        assert_eq!(
            input_value(&refused.text, "namn"),
            name,
            "what was written stays"
        );
    }
    assert_eq!(app.store().organisations().await.unwrap().len(), before);
}

async fn a_form_field_that_cannot_be_read_is_named_and_nothing_changes(app: TestApp) {
    let (cookie, csrf) = coordinator(&app).await;
    let before = app.store().organisations().await.unwrap();
    for (fields, named) in [
        (
            vec![
                ("csrf", csrf.as_str()),
                ("version", "tre"),
                ("namn", "X"),
                ("typ", "nämnd"),
            ],
            "«version»",
        ),
        (
            vec![("csrf", csrf.as_str()), ("namn", "X"), ("typ", "nämnd")],
            "«version» saknas",
        ),
    ] {
        let refused = post(&app, &cookie, "/organisationer/intraservice", &fields).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.text);
        assert!(
            refused.text.contains("Formuläret kunde inte läsas"),
            "{}",
            refused.text
        );
        assert!(refused.text.contains(named), "{}", refused.text);
    }
    let json = with_cookie(
        &app,
        Method::POST,
        "/organisationer",
        &cookie,
        None,
        Some("{\"namn\": \"X\"}"),
    )
    .await;
    assert_eq!(json.status, StatusCode::BAD_REQUEST);
    assert_eq!(app.store().organisations().await.unwrap(), before);
}

async fn an_edit_keeps_the_key_and_a_stale_edit_is_a_conflict_that_changes_nothing(app: TestApp) {
    let (cookie, csrf) = coordinator(&app).await;
    let form = get(&app, &cookie, "/organisationer/intraservice").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.text
            .contains("<h1>Ändra Nämnden för Intraservice</h1>")
    );
    let version = hidden(&form.text, "version");
    let edit = |name: &'static str, version: String| {
        vec![
            ("csrf".to_owned(), csrf.clone()),
            ("version".to_owned(), version),
            ("namn".to_owned(), name.to_owned()),
            ("kortnamn".to_owned(), "Intraservice".to_owned()),
            ("typ".to_owned(), "förvaltning".to_owned()),
            ("nyckel".to_owned(), "ny-nyckel".to_owned()),
        ]
    };
    let fields = |pairs: &[(String, String)]| {
        encode(
            &pairs
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect::<Vec<_>>(),
        )
    };
    let saved = with_cookie(
        &app,
        Method::POST,
        "/organisationer/intraservice",
        &cookie,
        None,
        Some(&fields(&edit("Intraservicenämnden", version.clone()))),
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    assert_eq!(location(&saved), "/organisationer?sparad=intraservice");
    let definitions = app.store().definitions().await.unwrap();
    let stored = definitions
        .organisations
        .iter()
        .find(|o| o.key.as_str() == "intraservice")
        .expect("the key does not change");
    assert_eq!(stored.name, "Intraservicenämnden");
    assert_eq!(stored.kind.as_str(), "förvaltning");

    let stale = with_cookie(
        &app,
        Method::POST,
        "/organisationer/intraservice",
        &cookie,
        None,
        Some(&fields(&edit("Gamla formulärets namn", version))),
    )
    .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(
        stale
            .text
            .contains("Någon annan har ändrat organisationen under tiden")
    );
    assert!(
        stale.text.contains("<td>Intraservicenämnden</td>"),
        "the current value is shown"
    );
    assert!(stale.text.contains("<td>Gamla formulärets namn</td>"));
    let definitions = app.store().definitions().await.unwrap();
    assert!(
        definitions
            .organisations
            .iter()
            .any(|o| o.name == "Intraservicenämnden"),
        "nothing was overwritten"
    );

    let blank = post(
        &app,
        &cookie,
        "/organisationer/intraservice",
        &[
            ("csrf", &csrf),
            (
                "version",
                &hidden(
                    &get(&app, &cookie, "/organisationer/intraservice")
                        .await
                        .text,
                    "version",
                ),
            ),
            ("namn", " "),
            ("typ", "nämnd"),
        ],
    )
    .await;
    assert_eq!(blank.status, StatusCode::BAD_REQUEST);
    assert!(blank.text.contains("Skriv organisationens namn."));
    let taken = post(
        &app,
        &cookie,
        "/organisationer/intraservice",
        &[
            ("csrf", &csrf),
            ("version", &hidden(&blank.text, "version")),
            ("namn", "Arkivnämnden"),
            ("typ", "nämnd"),
        ],
    )
    .await;
    assert_eq!(taken.status, StatusCode::BAD_REQUEST);
    assert!(
        taken
            .text
            .contains("Det finns redan en organisation som heter «Arkivnämnden».")
    );
    let missing = get(&app, &cookie, "/organisationer/finns-inte").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

async fn an_inactive_organisation_gets_no_questions_until_it_is_active_again(app: TestApp) {
    let (cookie, csrf) = coordinator(&app).await;
    let page = get(&app, &cookie, "/organisationer/intraservice").await;
    assert!(
        page.text
            .contains("En inaktiv organisation får inga frågor")
    );
    let off = post(
        &app,
        &cookie,
        "/organisationer/intraservice/inaktivera",
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(off.status, StatusCode::SEE_OTHER);
    let definitions = app.store().definitions().await.unwrap();
    let round = definitions
        .rounds
        .iter()
        .find(|r| r.key.as_str() == "2025")
        .unwrap();
    let intraservice = definitions
        .organisations
        .iter()
        .find(|o| o.key.as_str() == "intraservice")
        .unwrap();
    assert!(!intraservice.active);
    assert!(
        round
            .assigned_questions(&definitions.documents, intraservice)
            .is_empty()
    );
    let list = get(&app, &cookie, "/organisationer").await;
    assert!(list.text.contains(
        "<td>Nämnd</td>\n    <td>Inaktiv</td>\n    <td><a href=\"/organisationer/intraservice\">"
    ));

    post(
        &app,
        &cookie,
        "/organisationer/intraservice/aktivera",
        &[("csrf", &csrf)],
    )
    .await;
    let definitions = app.store().definitions().await.unwrap();
    let intraservice = definitions
        .organisations
        .iter()
        .find(|o| o.key.as_str() == "intraservice")
        .unwrap();
    assert!(intraservice.active);
    assert_eq!(
        definitions.rounds[0]
            .assigned_questions(&definitions.documents, intraservice)
            .len(),
        17,
        "the seed's 17 questions again"
    );
}

/// Adds a user through the form.
async fn add_user(
    app: &TestApp,
    cookie: &str,
    csrf: &str,
    email: &str,
    role: &str,
    organisations: &[&str],
) -> Reply {
    let mut fields = vec![("csrf", csrf), ("epost", email), ("roll", role)];
    fields.extend(organisations.iter().map(|o| ("organisation", *o)));
    post(app, cookie, "/anvandare/ny", &fields).await
}

/// The path of a first-login link, from wherever it was found.
fn link_path(text: &str) -> String {
    let start = text
        .find("http://uppfolj.test/forsta-inloggning/")
        .expect("a login link")
        + "http://uppfolj.test".len();
    text[start..]
        .split(|c: char| c.is_whitespace() || c == '"' || c == '<')
        .next()
        .unwrap()
        .to_owned()
}

/// Chooses a password with a login link and returns the session cookie it starts.
async fn use_link(app: &TestApp, path: &str, password: &str) -> Reply {
    let form = app
        .send(
            axum::http::Request::get(path)
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    let token = common::cookie(&form, "uppfolj_form").unwrap();
    app.send(
        axum::http::Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, format!("uppfolj_form={token}"))
            .body(axum::body::Body::from(encode(&[
                ("password", password),
                ("repeat", password),
                ("csrf", &token),
            ])))
            .unwrap(),
    )
    .await
}

async fn a_new_user_gets_the_login_link_by_email_and_sets_a_password_with_it(
    app: TestApp,
    sink: &SmtpSink,
) {
    let (cookie, csrf) = coordinator(&app).await;
    let form = get(&app, &cookie, "/anvandare/ny").await;
    assert!(
        form.text
            .contains("Användaren får ett e-postmeddelande med en länk")
    );
    let created = add_user(
        &app,
        &cookie,
        &csrf,
        "Anna@Intraservice.test",
        "uppgiftslamnare",
        &["intraservice", "arkivnamnden"],
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    assert!(created.text.contains(
        "Användaren anna@intraservice.test är skapad. En inloggningslänk har skickats med e-post till anna@intraservice.test."
    ));
    assert!(
        !created.text.contains("/forsta-inloggning/"),
        "a link sent is not shown"
    );
    let messages = sink.messages(1);
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0]["to"][0], "anna@intraservice.test");
    assert_eq!(messages[0]["subject"], "Ditt konto i Uppfölj");
    let body = messages[0]["body"].as_str().unwrap();
    assert!(body.contains("Du har fått ett konto i Uppfölj"), "{body}");
    assert!(
        body.contains("Länken fungerar en gång och i 7 dagar, till och med"),
        "{body}"
    );

    let list = get(&app, &cookie, "/anvandare").await;
    assert!(list.text.contains(
        "<a href=\"/anvandare/anna@intraservice.test\">anna@intraservice.test</a></th>\n    <td>Uppgiftslämnare</td>\n    <td>Arkivnämnden, Nämnden för Intraservice</td>\n    <td>Aktiv</td>\n    <td>Inte valt ännu</td>"
    ), "{}", list.text);

    let path = link_path(body);
    let signed_in = use_link(&app, &path, "ett nytt långt lösenord").await;
    assert_eq!(
        signed_in.status,
        StatusCode::SEE_OTHER,
        "{}",
        signed_in.text
    );
    let anna = common::cookie(&signed_in, "uppfolj_session").unwrap();
    let start = get(&app, &anna, "/konto").await;
    assert!(start.text.contains("<dd>anna@intraservice.test</dd>"));
    let again = login(&app, "anna@intraservice.test", "ett nytt långt lösenord").await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "the password works");
    let list = get(&app, &cookie, "/anvandare").await;
    assert!(list.text.contains("<td>Valt</td>"));
    let used = use_link(&app, &path, "ett annat långt lösenord").await;
    assert_eq!(used.status, StatusCode::GONE, "a link works once");
}

async fn a_new_login_link_by_email_replaces_the_old_one(app: TestApp, sink: &SmtpSink) {
    let (cookie, csrf) = coordinator(&app).await;
    add_user(&app, &cookie, &csrf, "bo@stad.test", "lasare", &[]).await;
    let first = link_path(sink.messages(1)[0]["body"].as_str().unwrap());
    let sent = post(
        &app,
        &cookie,
        "/anvandare/bo@stad.test/ny-lank",
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.text);
    assert!(
        sent.text
            .contains("En inloggningslänk har skickats med e-post till bo@stad.test.")
    );
    let messages = sink.messages(2);
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[1]["subject"], "Ny inloggningslänk till Uppfölj");
    let second = link_path(messages[1]["body"].as_str().unwrap());
    assert_ne!(first, second);
    assert_eq!(
        use_link(&app, &first, "ett långt lösenord här")
            .await
            .status,
        StatusCode::GONE,
        "the old link no longer works"
    );
    assert_eq!(
        use_link(&app, &second, "ett långt lösenord här")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

async fn without_a_mailer_the_coordinator_is_shown_the_login_link_once(app: TestApp) {
    let (cookie, csrf) = coordinator(&app).await;
    let form = get(&app, &cookie, "/anvandare/ny").await;
    assert!(form.text.contains("du får en länk att ge användaren"));
    let created = add_user(
        &app,
        &cookie,
        &csrf,
        "cia@stad.test",
        "lasare",
        &["kulturnamnden"],
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    assert!(created.text.contains("Ge användaren länken nedan"));
    let path = link_path(&created.text);
    let edit = get(&app, &cookie, "/anvandare/cia@stad.test").await;
    assert!(
        !edit.text.contains("/forsta-inloggning/"),
        "the link is shown only once"
    );
    let signed_in = use_link(&app, &path, "ciras långa lösenord").await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER);

    let renewed = post(
        &app,
        &cookie,
        "/anvandare/cia@stad.test/ny-lank",
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(renewed.status, StatusCode::OK);
    assert!(renewed.text.contains("En ny inloggningslänk är skapad"));
    assert_ne!(link_path(&renewed.text), path);
}

async fn a_refused_user_is_shown_at_its_field_and_nothing_is_created(app: TestApp) {
    let (cookie, csrf) = coordinator(&app).await;
    app.user("taken@stad.test", Role::Lasare, &[]).await;
    let cases: [(&str, &str, &[&str], &str, &str); 6] = [
        (
            "",
            "lasare",
            &[],
            "epost",
            "Skriv användarens e-postadress.",
        ),
        (
            "inte-en-adress",
            "lasare",
            &[],
            "epost",
            "«inte-en-adress» är inte en e-postadress",
        ),
        (
            "TAKEN@stad.test",
            "lasare",
            &[],
            "epost",
            "Det finns redan en användare med adressen taken@stad.test.",
        ),
        ("ny@stad.test", "", &[], "roll", "Välj en roll."),
        (
            "ny@stad.test",
            "uppgiftslamnare",
            &[],
            "organisationer",
            "En uppgiftslämnare måste svara för minst en organisation.",
        ),
        (
            "ny@stad.test",
            "samordnare",
            &["intraservice"],
            "organisationer",
            "En samordnare når alla organisationer; ange inga.",
        ),
    ];
    for (email, role, organisations, field, message) in cases {
        let refused = add_user(&app, &cookie, &csrf, email, role, organisations).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{email} {role}");
        assert!(
            refused.text.contains(message),
            "{message}: {}",
            refused.text
        );
        assert!(refused.text.contains(&format!("<li><a href=\"#{field}\">")));
        assert!(refused.text.contains(&format!("id=\"fel-{field}\"")));
        assert_eq!(
            input_value(&refused.text, "epost"),
            email,
            "what was written stays"
        );
        for organisation in organisations {
            assert!(refused.text.contains(&format!(
                "name=\"organisation\" value=\"{organisation}\" checked"
            )));
        }
    }
    let unknown = add_user(
        &app,
        &cookie,
        &csrf,
        "ny@stad.test",
        "lasare",
        &["finns-inte"],
    )
    .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert!(
        unknown
            .text
            .contains("Organisationen «finns-inte» finns inte."),
        "{}",
        unknown.text
    );
    let users = app.store().accounts().await.unwrap();
    assert_eq!(users.len(), 2, "nobody was added: {users:?}");
}

async fn a_new_role_and_organisations_take_effect_on_the_users_next_request(app: TestApp) {
    let (cookie, csrf) = coordinator(&app).await;
    let (_, anna, _) = signed_in(
        &app,
        "anna@stad.test",
        Role::Uppgiftslamnare,
        &["intraservice"],
    )
    .await;
    assert_eq!(
        get(&app, &anna, "/omgangar/2025/svar/intraservice")
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        get(&app, &anna, "/omgangar/2025/svar/kulturnamnden")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let form = get(&app, &cookie, "/anvandare/anna@stad.test").await;
    assert!(
        form.text
            .contains("name=\"organisation\" value=\"intraservice\" checked")
    );
    assert!(
        form.text
            .contains("name=\"roll\" value=\"uppgiftslamnare\" checked")
    );
    let saved = post(
        &app,
        &cookie,
        "/anvandare/anna@stad.test",
        &[
            ("csrf", &csrf),
            ("version", &hidden(&form.text, "version")),
            ("roll", "uppgiftslamnare"),
            ("organisation", "kulturnamnden"),
        ],
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    assert_eq!(location(&saved), "/anvandare/anna@stad.test");
    assert_eq!(
        get(&app, &anna, "/omgangar/2025/svar/kulturnamnden")
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        get(&app, &anna, "/omgangar/2025/svar/intraservice")
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    let form = get(&app, &cookie, "/anvandare/anna@stad.test").await;
    let promoted = post(
        &app,
        &cookie,
        "/anvandare/anna@stad.test",
        &[
            ("csrf", &csrf),
            ("version", &hidden(&form.text, "version")),
            ("roll", "samordnare"),
        ],
    )
    .await;
    assert_eq!(promoted.status, StatusCode::SEE_OTHER);
    assert_eq!(
        get(&app, &anna, "/anvandare").await.status,
        StatusCode::OK,
        "a coordinator now"
    );

    let form = get(&app, &cookie, "/anvandare/anna@stad.test").await;
    let refused = post(
        &app,
        &cookie,
        "/anvandare/anna@stad.test",
        &[
            ("csrf", &csrf),
            ("version", &hidden(&form.text, "version")),
            ("roll", "uppgiftslamnare"),
        ],
    )
    .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(
        refused
            .text
            .contains("En uppgiftslämnare måste svara för minst en organisation.")
    );
    assert_eq!(
        get(&app, &anna, "/anvandare").await.status,
        StatusCode::OK,
        "nothing changed"
    );
}

async fn a_stale_user_edit_is_a_conflict_that_changes_nothing(app: TestApp) {
    let (cookie, csrf) = coordinator(&app).await;
    app.user("anna@stad.test", Role::Uppgiftslamnare, &["intraservice"])
        .await;
    let form = get(&app, &cookie, "/anvandare/anna@stad.test").await;
    let version = hidden(&form.text, "version");
    let save = |organisation: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("version", version.clone()),
            ("roll", "uppgiftslamnare".to_owned()),
            ("organisation", organisation.to_owned()),
        ]
    };
    let fields = |pairs: Vec<(&str, String)>| {
        encode(
            &pairs
                .iter()
                .map(|(k, v)| (*k, v.as_str()))
                .collect::<Vec<_>>(),
        )
    };
    let first = with_cookie(
        &app,
        Method::POST,
        "/anvandare/anna@stad.test",
        &cookie,
        None,
        Some(&fields(save("arkivnamnden"))),
    )
    .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let second = with_cookie(
        &app,
        Method::POST,
        "/anvandare/anna@stad.test",
        &cookie,
        None,
        Some(&fields(save("kulturnamnden"))),
    )
    .await;
    assert_eq!(second.status, StatusCode::CONFLICT);
    assert!(
        second
            .text
            .contains("Någon annan har ändrat användaren under tiden")
    );
    assert!(
        second.text.contains("<td>Arkivnämnden</td>"),
        "the current value is shown"
    );
    assert!(second.text.contains("<td>Kulturnämnden</td>"));
    let anna = app
        .store()
        .account(&uppfolj_model::Email::parse("anna@stad.test").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        anna.actor.organisations,
        [Key::parse("arkivnamnden").unwrap()]
    );
}

async fn deactivating_a_user_ends_their_sessions_and_stops_their_tokens(app: TestApp) {
    let (cookie, csrf) = coordinator(&app).await;
    let (token, anna, _) = signed_in(
        &app,
        "anna@stad.test",
        Role::Uppgiftslamnare,
        &["intraservice"],
    )
    .await;
    assert_eq!(app.get("/api/v1/me", &token).await.status, StatusCode::OK);
    let off = post(
        &app,
        &cookie,
        "/anvandare/anna@stad.test/inaktivera",
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(off.status, StatusCode::SEE_OTHER);
    let page = get(&app, &cookie, "/anvandare/anna@stad.test").await;
    assert!(page.text.contains("Inaktiv: kan inte logga in"));
    let after = get(&app, &anna, "/").await;
    assert_eq!(after.status, StatusCode::SEE_OTHER, "the session ended");
    assert_eq!(location(&after), "/logga-in");
    assert_eq!(
        app.get("/api/v1/me", &token).await.status,
        StatusCode::UNAUTHORIZED,
        "the token stopped"
    );
    assert_eq!(
        login(&app, "anna@stad.test", "ett långt lösenord")
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let link = post(
        &app,
        &cookie,
        "/anvandare/anna@stad.test/ny-lank",
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(link.status, StatusCode::CONFLICT);
    assert!(
        link.text
            .contains("Användaren är inaktiv. Aktivera hen först")
    );

    let on = post(
        &app,
        &cookie,
        "/anvandare/anna@stad.test/aktivera",
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(on.status, StatusCode::SEE_OTHER);
    assert_eq!(
        login(&app, "anna@stad.test", "ett långt lösenord")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

async fn the_last_active_coordinator_and_oneself_cannot_be_removed(app: TestApp) {
    let (cookie, csrf) = coordinator(&app).await;
    let own = get(&app, &cookie, "/anvandare/sam@stad.test").await;
    assert!(own.text.contains("Du kan inte inaktivera dig själv"));
    assert!(
        !own.text.contains("value=\"inaktivera\""),
        "no button for it"
    );
    let myself = post(
        &app,
        &cookie,
        "/anvandare/sam@stad.test/inaktivera",
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(myself.status, StatusCode::CONFLICT);
    assert!(myself.text.contains("Du kan inte inaktivera dig själv."));
    let demoted = post(
        &app,
        &cookie,
        "/anvandare/sam@stad.test",
        &[
            ("csrf", &csrf),
            ("version", &hidden(&own.text, "version")),
            ("roll", "lasare"),
        ],
    )
    .await;
    assert_eq!(demoted.status, StatusCode::BAD_REQUEST);
    assert!(
        demoted
            .text
            .contains("sam@stad.test är den sista aktiva samordnaren."),
        "{}",
        demoted.text
    );
    assert_eq!(
        get(&app, &cookie, "/anvandare").await.status,
        StatusCode::OK,
        "still a coordinator"
    );

    // A second coordinator may go, but not once they are the last one.
    let (_, kim, kim_csrf) = signed_in(&app, "kim@stad.test", Role::Samordnare, &[]).await;
    let gone = post(
        &app,
        &kim,
        "/anvandare/sam@stad.test/inaktivera",
        &[("csrf", &kim_csrf)],
    )
    .await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER);
    let store = app.store();
    let kim_email = uppfolj_model::Email::parse("kim@stad.test").unwrap();
    let refused = store.set_account_active(&kim_email, false).await;
    assert!(
        matches!(
            refused,
            Err(uppfolj_store::AccountChangeError::LastCoordinator(_))
        ),
        "{refused:?}"
    );
}

async fn password_change(
    app: &TestApp,
    cookie: &str,
    csrf: &str,
    current: &str,
    new: &str,
    repeat: &str,
) -> Reply {
    post(
        app,
        cookie,
        "/konto/losenord",
        &[
            ("csrf", csrf),
            ("nuvarande", current),
            ("nytt", new),
            ("upprepa", repeat),
        ],
    )
    .await
}

async fn changing_the_password_checks_the_current_and_ends_only_the_other_sessions(app: TestApp) {
    let (_, here, csrf) = signed_in(&app, "anna@stad.test", Role::Lasare, &[]).await;
    let elsewhere = session(&app, "anna@stad.test").await;
    let wrong = password_change(
        &app,
        &here,
        &csrf,
        "fel lösenord",
        "ett nytt långt lösenord",
        "ett nytt långt lösenord",
    )
    .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert!(wrong.text.contains(
        "<p class=\"field-error\" id=\"fel-nuvarande\">Det nuvarande lösenordet stämmer inte.</p>"
    ));
    assert!(wrong.text.contains("<li><a href=\"#nuvarande\">"));
    let mismatch = password_change(
        &app,
        &here,
        &csrf,
        "ett långt lösenord",
        "ett nytt långt lösenord",
        "ett annat långt lösenord",
    )
    .await;
    assert_eq!(mismatch.status, StatusCode::BAD_REQUEST);
    assert!(
        mismatch
            .text
            .contains("id=\"fel-upprepa\">Lösenorden är inte lika.")
    );
    let short = password_change(&app, &here, &csrf, "ett långt lösenord", "kort", "kort").await;
    assert_eq!(short.status, StatusCode::BAD_REQUEST);
    assert!(
        short
            .text
            .contains("id=\"fel-nytt\">Lösenordet måste ha minst 10 tecken.")
    );
    assert_eq!(
        login(&app, "anna@stad.test", "ett långt lösenord")
            .await
            .status,
        StatusCode::SEE_OTHER,
        "nothing changed"
    );
    let this_too = session(&app, "anna@stad.test").await;

    let changed = password_change(
        &app,
        &here,
        &csrf,
        "ett långt lösenord",
        "ett nytt långt lösenord",
        "ett nytt långt lösenord",
    )
    .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.text);
    assert_eq!(location(&changed), "/konto?klart=losenord");
    let page = get(&app, &here, "/konto?klart=losenord").await;
    assert_eq!(page.status, StatusCode::OK, "this session goes on");
    assert!(page.text.contains("Lösenordet är bytt."));
    for other in [&elsewhere, &this_too] {
        assert_eq!(
            get(&app, other, "/konto").await.status,
            StatusCode::SEE_OTHER,
            "other sessions ended"
        );
    }
    assert_eq!(
        login(&app, "anna@stad.test", "ett långt lösenord")
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        login(&app, "anna@stad.test", "ett nytt långt lösenord")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

async fn api_tokens_are_created_shown_once_and_revoked_from_the_account_page(app: TestApp) {
    let (_, cookie, csrf) = signed_in(&app, "anna@stad.test", Role::Lasare, &[]).await;
    let page = get(&app, &cookie, "/konto").await;
    assert!(
        page.text.contains("<th scope=\"row\">test</th>"),
        "the test's own token"
    );
    let unnamed = post(
        &app,
        &cookie,
        "/konto/tokens",
        &[("csrf", &csrf), ("namn", "  ")],
    )
    .await;
    assert_eq!(unnamed.status, StatusCode::BAD_REQUEST);
    assert!(
        unnamed
            .text
            .contains("id=\"fel-namn\">Ge token ett namn på 1–100 tecken")
    );
    let created = post(
        &app,
        &cookie,
        "/konto/tokens",
        &[("csrf", &csrf), ("namn", "rapportskript")],
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED);
    assert!(
        created
            .text
            .contains("<strong>Kopiera den nu</strong>: den visas bara den här gången.")
    );
    let token = input_value(&created.text, "ny-token");
    assert!(token.starts_with("upf_"));
    assert_eq!(
        app.get("/api/v1/me", &token).await.status,
        StatusCode::OK,
        "the token works"
    );
    let again = get(&app, &cookie, "/konto").await;
    assert!(again.text.contains("<th scope=\"row\">rapportskript</th>"));
    assert!(!again.text.contains(&token), "shown only once");

    let id = app
        .store()
        .tokens(None)
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.name == "rapportskript")
        .unwrap()
        .id;
    let revoked = post(
        &app,
        &cookie,
        &format!("/konto/tokens/{id}/aterkalla"),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get("/api/v1/me", &token).await.status,
        StatusCode::UNAUTHORIZED
    );
    let page = get(&app, &cookie, location(&revoked)).await;
    assert!(page.text.contains("API-token är återkallad"));
    assert!(
        page.text
            .contains("<th scope=\"row\">rapportskript</th>\n    <td class=\"nowrap\">")
    );
    assert!(page.text.contains("<td>Återkallad</td>"));

    let (_, other, other_csrf) = signed_in(&app, "bo@stad.test", Role::Samordnare, &[]).await;
    let not_theirs = app
        .store()
        .tokens(None)
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.email.as_str() == "anna@stad.test" && !t.revoked)
        .unwrap()
        .id;
    let refused = post(
        &app,
        &other,
        &format!("/konto/tokens/{not_theirs}/aterkalla"),
        &[("csrf", &other_csrf)],
    )
    .await;
    assert_eq!(
        refused.status,
        StatusCode::NOT_FOUND,
        "only one's own tokens, even for a coordinator"
    );
}

async fn logging_out_everywhere_ends_every_session_including_this_one(app: TestApp) {
    let (token, here, csrf) = signed_in(&app, "anna@stad.test", Role::Lasare, &[]).await;
    let elsewhere = session(&app, "anna@stad.test").await;
    let out = post(&app, &here, "/konto/logga-ut-overallt", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&out), "/logga-in");
    assert_eq!(common::cookie(&out, "uppfolj_session").as_deref(), Some(""));
    for cookie in [&here, &elsewhere] {
        assert_eq!(
            get(&app, cookie, "/konto").await.status,
            StatusCode::SEE_OTHER
        );
    }
    assert_eq!(
        app.get("/api/v1/me", &token).await.status,
        StatusCode::OK,
        "API tokens are not sessions"
    );
}

async fn respondents_and_readers_are_refused_the_coordinators_pages_and_strangers_must_log_in(
    app: TestApp,
) {
    app.user("sam@stad.test", Role::Samordnare, &[]).await;
    let (_, respondent, respondent_csrf) = signed_in(
        &app,
        "anna@stad.test",
        Role::Uppgiftslamnare,
        &["intraservice"],
    )
    .await;
    let (_, reader, reader_csrf) = signed_in(&app, "bo@stad.test", Role::Lasare, &[]).await;
    let pages = [
        "/organisationer",
        "/organisationer/intraservice",
        "/anvandare",
        "/anvandare/ny",
        "/anvandare/sam@stad.test",
    ];
    for (cookie, csrf) in [(&respondent, &respondent_csrf), (&reader, &reader_csrf)] {
        for path in pages {
            let refused = get(&app, cookie, path).await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN, "{path}");
            assert!(refused.text.contains("Bara samordnare får göra detta."));
        }
        let posts: [(&str, &[(&str, &str)]); 4] = [
            ("/organisationer", &[("namn", "Ny"), ("typ", "nämnd")]),
            ("/organisationer/intraservice/inaktivera", &[]),
            (
                "/anvandare/ny",
                &[("epost", "x@stad.test"), ("roll", "samordnare")],
            ),
            ("/anvandare/sam@stad.test/inaktivera", &[]),
        ];
        for (path, fields) in posts {
            let mut with_csrf = vec![("csrf", csrf.as_str())];
            with_csrf.extend_from_slice(fields);
            assert_eq!(
                post(&app, cookie, path, &with_csrf).await.status,
                StatusCode::FORBIDDEN,
                "{path}"
            );
        }
        assert_eq!(
            get(&app, cookie, "/konto").await.status,
            StatusCode::OK,
            "everyone has an account page"
        );
    }
    let definitions = app.store().definitions().await.unwrap();
    assert!(
        definitions
            .organisations
            .iter()
            .all(|o| o.active && o.name != "Ny")
    );
    assert_eq!(
        app.store()
            .accounts()
            .await
            .unwrap()
            .iter()
            .filter(|a| a.active)
            .count(),
        3
    );
    for path in ["/organisationer", "/anvandare", "/anvandare/ny", "/konto"] {
        let stranger = app
            .send(
                axum::http::Request::get(path)
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(stranger.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(location(&stranger), "/logga-in");
    }
}

async fn every_form_refuses_a_post_without_its_csrf_token(app: TestApp) {
    let (cookie, _) = coordinator(&app).await;
    app.user("anna@stad.test", Role::Lasare, &[]).await;
    let id = app.store().tokens(None).await.unwrap()[0].id;
    let revoke = format!("/konto/tokens/{id}/aterkalla");
    let forms: [(&str, &[(&str, &str)]); 10] = [
        ("/organisationer", &[("namn", "Ny nämnd"), ("typ", "nämnd")]),
        ("/organisationer/intraservice/inaktivera", &[]),
        (
            "/anvandare/ny",
            &[("epost", "x@stad.test"), ("roll", "lasare")],
        ),
        ("/anvandare/anna@stad.test/inaktivera", &[]),
        ("/anvandare/anna@stad.test/ny-lank", &[]),
        (
            "/konto/losenord",
            &[
                ("nuvarande", "ett långt lösenord"),
                ("nytt", "ett nytt långt lösenord"),
                ("upprepa", "ett nytt långt lösenord"),
            ],
        ),
        ("/konto/tokens", &[("namn", "skript")]),
        (revoke.as_str(), &[]),
        ("/konto/logga-ut-overallt", &[]),
        (
            "/organisationer/intraservice",
            &[("namn", "X"), ("typ", "nämnd"), ("version", "1")],
        ),
    ];
    for (path, fields) in forms {
        for csrf in [None, Some("fel-token")] {
            let mut posted = fields.to_vec();
            if let Some(csrf) = csrf {
                posted.push(("csrf", csrf));
            }
            let refused = post(&app, &cookie, path, &posted).await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN, "{path} {csrf:?}");
            assert!(refused.text.contains("Formuläret hade gått ut."));
        }
    }
    assert_eq!(
        get(&app, &cookie, "/konto").await.status,
        StatusCode::OK,
        "still logged in"
    );
    assert!(
        login(&app, "sam@stad.test", "ett långt lösenord")
            .await
            .status
            == StatusCode::SEE_OTHER
    );
    let definitions = app.store().definitions().await.unwrap();
    assert!(
        definitions
            .organisations
            .iter()
            .all(|o| o.active && o.name != "Ny nämnd" && o.name != "X")
    );
    let accounts = app.store().accounts().await.unwrap();
    assert_eq!(accounts.len(), 2);
    assert!(accounts.iter().all(|a| a.active));
    assert!(
        app.store()
            .tokens(None)
            .await
            .unwrap()
            .iter()
            .all(|t| !t.revoked)
    );
}

async fn changes_are_in_the_log_with_before_and_after_and_refused_ones_are_not(app: TestApp) {
    let (cookie, csrf) = coordinator(&app).await;
    let version = hidden(
        &get(&app, &cookie, "/organisationer/intraservice")
            .await
            .text,
        "version",
    );
    let edit = |name: &str, version: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("version", version.to_owned()),
            ("namn", name.to_owned()),
            ("kortnamn", "Intraservice".to_owned()),
            ("typ", "nämnd".to_owned()),
        ]
    };
    let send = |fields: Vec<(&'static str, String)>| {
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        encode(&pairs)
    };
    let uri = "/organisationer/intraservice";
    let saved = with_cookie(
        &app,
        Method::POST,
        uri,
        &cookie,
        None,
        Some(&send(edit("Intraservicenämnden", &version))),
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    let stale = with_cookie(
        &app,
        Method::POST,
        uri,
        &cookie,
        None,
        Some(&send(edit("Gammalt namn", &version))),
    )
    .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);

    let filter = uppfolj_store::AuditFilter {
        subject: Some("organisation/intraservice".into()),
        limit: 10,
        ..Default::default()
    };
    let entries = app.store().audit_log(&filter).await.unwrap();
    assert_eq!(
        entries.len(),
        1,
        "the refused edit is not logged: {entries:?}"
    );
    let entry = &entries[0];
    assert_eq!(
        entry.action,
        uppfolj_model::AuditAction::OrganisationChanged
    );
    assert_eq!(entry.actor, "sam@stad.test");
    assert!(
        entry
            .before
            .as_deref()
            .unwrap()
            .contains("\"Nämnden för Intraservice\"")
    );
    assert!(
        entry
            .after
            .as_deref()
            .unwrap()
            .contains("\"Intraservicenämnden\"")
    );

    let page = get(
        &app,
        &cookie,
        "/logg?handelse=organisation_changed&vad=intraservice",
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Organisation ändrad"), "{}", page.text);
    assert!(page.text.contains("organisation/intraservice"));
    let other = get(&app, &cookie, "/logg?handelse=login_failed").await;
    assert!(
        other.text.contains("Inga händelser som passar filtret"),
        "{}",
        other.text
    );
    let refused = get(&app, &cookie, "/logg?handelse=radera").await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.text.contains("«radera»"));
}
