//! Changing a round's name, dates and extended last days, on the page and through the API:
//! stored only from the version read, dates already past only once confirmed, an organisation's
//! extension seen on its form and in the compilation's lateness.

use crate::common;

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use uppfolj_model::Role;

use common::{
    TestApp, get_page as get, hidden, location, not_coordinators, post_form as post, signed_in,
};

on_both_backends!(
    a_coordinator_renames_a_round_moves_its_deadline_and_extends_one_organisations,
    a_date_already_past_is_stored_only_once_confirmed,
    a_round_edit_made_from_an_old_version_is_a_conflict_and_changes_nothing,
    the_api_changes_a_round_from_its_version_and_refuses_what_does_not_hold,
);

const EDIT: &str = "/omgangar/2025/andra";

/// The edit form's fields as the page shows them, with the given ones replaced.
fn fields(page: &str, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut fields = vec![
        ("csrf".to_owned(), hidden(page, "csrf")),
        ("seen".to_owned(), hidden(page, "seen")),
    ];
    for name in ["namn", "oppnar", "stanger"] {
        let value = changes
            .iter()
            .find(|(n, _)| *n == name)
            .map_or_else(|| input_value(page, name), |(_, v)| (*v).to_owned());
        fields.push((name.to_owned(), value));
    }
    for organisation in page
        .split("<input type=\"hidden\" name=\"organisation\" value=\"")
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap()])
    {
        let extended = changes
            .iter()
            .find(|(n, _)| *n == organisation)
            .map_or("", |(_, v)| v);
        fields.push(("organisation".to_owned(), organisation.to_owned()));
        fields.push(("forlangd".to_owned(), extended.to_owned()));
    }
    fields
}

/// The value of the input with id `id`.
fn input_value(page: &str, id: &str) -> String {
    let at = page
        .find(&format!("id=\"{id}\" name=\""))
        .unwrap_or_else(|| panic!("no input {id}"));
    let rest = &page[at..];
    let start = rest.find("value=\"").unwrap() + 7;
    rest[start..start + rest[start..].find('"').unwrap()].to_owned()
}

async fn send(app: &TestApp, cookie: &str, fields: &[(String, String)]) -> common::Reply {
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    post(app, cookie, EDIT, &borrowed).await
}

async fn a_coordinator_renames_a_round_moves_its_deadline_and_extends_one_organisations(
    app: TestApp,
) {
    let (token, cookie, _) = signed_in(&app, "sam@stad.se", Role::Samordnare, &[]).await;
    let manage = get(&app, &cookie, "/omgangar/2025/hantera").await;
    assert!(manage.text.contains("href=\"/omgangar/2025/andra\""));
    let form = get(&app, &cookie, EDIT).await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(input_value(&form.text, "stanger"), "2027-01-29");
    let changed = send(
        &app,
        &cookie,
        &fields(
            &form.text,
            &[
                ("namn", "Uppföljning 2025 (trygghet)"),
                ("stanger", "2027-02-12"),
                ("intraservice", "2027-03-05"),
            ],
        ),
    )
    .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.text);
    assert_eq!(location(&changed), "/omgangar/2025/hantera?andrad=ja");
    let manage = get(&app, &cookie, location(&changed)).await;
    assert!(manage.text.contains("Ändringarna av omgången är sparade."));
    assert!(
        manage
            .text
            .contains("sista dag att svara 2027-02-12 (1 organisation har förlängd svarstid)")
    );

    let round = app.get("/api/v1/rounds/2025", &token).await.json();
    assert_eq!(round["name"], "Uppföljning 2025 (trygghet)");
    assert_eq!(round["closes"], "2027-02-12");
    assert_eq!(
        round["extensions"],
        json!([{"organisation": "intraservice", "closes": "2027-03-05"}])
    );

    // The organisation sees its own last day; another the round's.
    let anna = signed_in(
        &app,
        "maria@intraservice.se",
        Role::Uppgiftslamnare,
        &["intraservice"],
    )
    .await;
    let form = get(&app, &anna.1, "/omgangar/2025/svar/intraservice").await;
    assert!(
        form.text
            .contains("Sista dag 2027-03-05 (förlängd svarstid)"),
        "{}",
        form.text
    );
    let start = get(&app, &anna.1, "/").await;
    assert!(start.text.contains("<td>2027-03-05 ("));
    let bo = signed_in(
        &app,
        "bo@sdf.se",
        Role::Uppgiftslamnare,
        &["socialnamnden-centrum"],
    )
    .await;
    let other = get(&app, &bo.1, "/omgangar/2025/svar/socialnamnden-centrum").await;
    assert!(other.text.contains("Sista dag 2027-02-12 ("));

    // Closing says whose extended time it cuts short.
    let closing = get(&app, &cookie, "/omgangar/2025/stang").await;
    assert!(
        closing
            .text
            .contains("1 organisation har förlängd svarstid som inte har gått ut."),
        "{}",
        closing.text
    );

    // Removing the extension is an empty box.
    let form = get(&app, &cookie, EDIT).await;
    assert_eq!(
        input_value(&form.text, "forlangd-intraservice"),
        "2027-03-05"
    );
    let mut cleared = fields(&form.text, &[]);
    cleared.retain(|(k, _)| k != "forlangd");
    let organisations: Vec<String> = cleared
        .iter()
        .filter(|(k, _)| k == "organisation")
        .map(|(_, v)| v.clone())
        .collect();
    cleared.extend(
        organisations
            .iter()
            .map(|_| ("forlangd".to_owned(), String::new())),
    );
    assert_eq!(
        send(&app, &cookie, &cleared).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.get("/api/v1/rounds/2025", &token).await.json()["extensions"],
        json!([])
    );

    for (cookie, _) in not_coordinators(&app).await {
        assert_eq!(get(&app, &cookie, EDIT).await.status, StatusCode::FORBIDDEN);
    }
}

async fn a_date_already_past_is_stored_only_once_confirmed(app: TestApp) {
    let (token, cookie, _) = signed_in(&app, "sam@stad.se", Role::Samordnare, &[]).await;
    let form = get(&app, &cookie, EDIT).await;
    let past = fields(&form.text, &[("stanger", "2026-12-01")]);
    let warned = send(&app, &cookie, &past).await;
    assert_eq!(warned.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(warned.text.contains("Datum som redan har passerat"));
    assert!(
        warned.text.contains("<li>sista dag 2026-12-01</li>"),
        "{}",
        warned.text
    );
    assert_eq!(
        input_value(&warned.text, "stanger"),
        "2026-12-01",
        "what was written stays"
    );
    assert_eq!(
        app.get("/api/v1/rounds/2025", &token).await.json()["closes"],
        "2027-01-29",
        "nothing stored before confirming"
    );
    let mut confirmed = fields(&warned.text, &[("stanger", "2026-12-01")]);
    confirmed.push(("bekrafta".to_owned(), "ja".to_owned()));
    let stored = send(&app, &cookie, &confirmed).await;
    assert_eq!(stored.status, StatusCode::SEE_OTHER, "{}", stored.text);
    assert_eq!(
        app.get("/api/v1/rounds/2025", &token).await.json()["closes"],
        "2026-12-01"
    );
    // The opening day already past and unchanged asks nothing.
    let form = get(&app, &cookie, EDIT).await;
    let renamed = send(&app, &cookie, &fields(&form.text, &[("namn", "Omdöpt")])).await;
    assert_eq!(renamed.status, StatusCode::SEE_OTHER);
}

async fn a_round_edit_made_from_an_old_version_is_a_conflict_and_changes_nothing(app: TestApp) {
    let (token, cookie, _) = signed_in(&app, "sam@stad.se", Role::Samordnare, &[]).await;
    let mine = get(&app, &cookie, EDIT).await;
    let theirs = get(&app, &cookie, EDIT).await;
    let first = send(
        &app,
        &cookie,
        &fields(&theirs.text, &[("namn", "Deras namn")]),
    )
    .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let stale = send(
        &app,
        &cookie,
        &fields(&mine.text, &[("stanger", "2027-02-26")]),
    )
    .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(
        stale.text.contains("någon annan har ändrat")
            || stale.text.contains("Någon annan har ändrat")
    );
    assert_eq!(
        input_value(&stale.text, "namn"),
        "Deras namn",
        "the form shows what is stored"
    );
    let round = app.get("/api/v1/rounds/2025", &token).await.json();
    assert_eq!(round["name"], "Deras namn");
    assert_eq!(round["closes"], "2027-01-29");
}

async fn the_api_changes_a_round_from_its_version_and_refuses_what_does_not_hold(app: TestApp) {
    let sam = app.user("sam@stadsledning.se", Role::Samordnare, &[]).await;
    let patch = |body: Value| {
        let app = &app;
        let sam = sam.clone();
        async move {
            app.call(Method::PATCH, "/api/v1/rounds/2025", &sam, Some(body))
                .await
        }
    };
    let version = app.get("/api/v1/rounds/2025", &sam).await.json()["version"].clone();
    let changed = patch(json!({
        "version": version,
        "closes": "2027-02-05",
        "extensions": [{"organisation": "framtiden", "closes": "2027-03-01"}],
    }))
    .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.text);
    assert_eq!(changed.json()["closes"], "2027-02-05");
    assert_eq!(
        changed.json()["name"],
        "Uppföljning 2025",
        "left out, left as it is"
    );

    let stale = patch(json!({"version": version, "name": "Sent"})).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);

    let version = app.get("/api/v1/rounds/2025", &sam).await.json()["version"].clone();
    let early = patch(json!({
        "version": version,
        "extensions": [{"organisation": "framtiden", "closes": "2027-01-01"}],
    }))
    .await;
    assert_eq!(early.status, StatusCode::BAD_REQUEST, "{}", early.text);
    assert_eq!(early.json()["field"], "extensions");
    assert!(
        early
            .text
            .contains("ska vara senare än omgångens sista dag")
    );
    let unknown = patch(json!({
        "version": version,
        "extensions": [{"organisation": "finns-inte", "closes": "2027-04-01"}],
    }))
    .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST, "{}", unknown.text);
    assert!(
        unknown
            .text
            .contains("organisationen «finns-inte» finns inte")
    );
    let past = patch(json!({"version": version, "opens": "2026-10-01"})).await;
    assert_eq!(past.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(past.json()["past_dates"], json!(["öppnar 2026-10-01"]));
    let round = app.get("/api/v1/rounds/2025", &sam).await.json();
    assert_eq!(round["opens"], "2026-11-16", "nothing stored on a refusal");
    assert_eq!(round["extensions"][0]["closes"], "2027-03-01");

    let anna = app
        .user(
            "anna@intraservice.se",
            Role::Uppgiftslamnare,
            &["intraservice"],
        )
        .await;
    let refused = app
        .call(
            Method::PATCH,
            "/api/v1/rounds/2025",
            &anna,
            Some(json!({"version": version, "name": "Mitt"})),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let closed = app
        .call(
            Method::POST,
            "/api/v1/rounds/2025/state",
            &sam,
            Some(json!({"state": "closed"})),
        )
        .await;
    assert_eq!(closed.status, StatusCode::OK);
    let version = app.get("/api/v1/rounds/2025", &sam).await.json()["version"].clone();
    let settled = patch(json!({"version": version, "name": "För sent"})).await;
    assert_eq!(settled.status, StatusCode::CONFLICT);
    assert!(
        settled
            .text
            .contains("omgången är stängd och dess namn och datum kan inte längre ändras")
    );
}
