//! The coordinator's round pages through the real router, on both backends: creating a round as
//! a copy of last year's, refused input shown at its field, opening, closing and publishing,
//! the progress of every organisation, the status thresholds, and that nobody else gets in.

use crate::common;

use axum::http::{Method, StatusCode, header};
use serde_json::json;
use uppfolj_model::Role;

use common::{TestApp, get_page as get, location, not_coordinators, post_form as post, signed_in};

on_both_backends!(
    a_coordinator_creates_next_years_round_as_a_copy_of_last_years,
    refused_input_is_shown_at_its_field_and_nothing_is_created,
    a_coordinator_opens_closes_and_publishes_and_follows_progress,
    closing_and_publishing_are_confirmed_first_with_what_they_leave_behind,
    a_coordinator_downloads_every_answer_from_the_management_page,
    a_coordinator_downloads_every_organisations_report_as_pdf_in_one_zip,
    thresholds_are_set_in_percent_and_checked,
    only_coordinators_reach_the_round_pages,
);

fn new_round<'a>(csrf: &'a str, key: &'a str, closes: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("namn", "Uppföljning 2026"),
        ("nyckel", key),
        ("ar", "2026"),
        ("oppnar", "2027-01-11"),
        ("stanger", closes),
        ("kopiera", "2025"),
    ]
}

async fn a_coordinator_creates_next_years_round_as_a_copy_of_last_years(app: TestApp) {
    let (token, cookie, csrf) = signed_in(&app, "sam@stad.se", Role::Samordnare, &[]).await;
    let start = get(&app, &cookie, "/").await;
    assert!(start.text.contains("href=\"/omgangar/ny\""));
    let form = get(&app, &cookie, "/omgangar/ny").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.text
            .contains("<input id=\"nyckel\" name=\"nyckel\" value=\"2026\" required>")
    );
    assert!(
        form.text
            .contains("<option value=\"2025\" selected>Uppföljning 2025</option>"),
        "last year's round is copied by default"
    );
    let created = post(
        &app,
        &cookie,
        "/omgangar/ny",
        &new_round(&csrf, "2026", "2027-02-26"),
    )
    .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text);
    assert_eq!(location(&created), "/omgangar/2026/hantera");

    let copy = app.get("/api/v1/rounds/2026", &token).await.json();
    let original = app.get("/api/v1/rounds/2025", &token).await.json();
    assert_eq!(copy["state"], json!("draft"));
    assert_eq!(copy["closes"], json!("2027-02-26"));
    assert_eq!(
        copy["headings"], original["headings"],
        "the same documents and questions"
    );
    let definitions = app.store().definitions().await.unwrap();
    let targets = |key: &str| {
        definitions
            .rounds
            .iter()
            .find(|r| r.key.as_str() == key)
            .unwrap()
            .targets
            .clone()
    };
    assert_eq!(targets("2026"), targets("2025"), "the same targeting");
}

async fn refused_input_is_shown_at_its_field_and_nothing_is_created(app: TestApp) {
    let (token, cookie, csrf) = signed_in(&app, "sam@stad.se", Role::Samordnare, &[]).await;
    let taken = post(
        &app,
        &cookie,
        "/omgangar/ny",
        &new_round(&csrf, "2025", "2027-02-26"),
    )
    .await;
    assert_eq!(taken.status, StatusCode::BAD_REQUEST);
    assert!(taken.text.contains("omgången «2025» finns redan"));
    assert!(
        taken
            .text
            .contains("aria-invalid=\"true\" aria-describedby=\"fel-nyckel\"")
    );
    assert!(
        taken.text.contains("value=\"Uppföljning 2026\""),
        "what was written stays"
    );

    let bad_date = post(
        &app,
        &cookie,
        "/omgangar/ny",
        &new_round(&csrf, "2026", "27 februari"),
    )
    .await;
    assert_eq!(bad_date.status, StatusCode::BAD_REQUEST);
    assert!(bad_date.text.contains("«27 februari» är inte ett datum"));
    assert!(bad_date.text.contains(
        "id=\"stanger\" name=\"stanger\" value=\"27 februari\" required aria-invalid=\"true\""
    ));

    let mut bad_year = new_round(&csrf, "2026", "2027-02-26");
    bad_year[3] = ("ar", "tjugo");
    let refused = post(&app, &cookie, "/omgangar/ny", &bad_year).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.text.contains("aria-describedby=\"fel-ar\""));

    let page_key = post(
        &app,
        &cookie,
        "/omgangar/ny",
        &new_round(&csrf, "ny", "2027-02-26"),
    )
    .await;
    assert_eq!(page_key.status, StatusCode::BAD_REQUEST);
    assert!(
        page_key.text.contains("«ny» är upptagen av en sida"),
        "/omgangar/ny is the form's own address: {}",
        page_key.text
    );
    assert!(page_key.text.contains("aria-describedby=\"fel-nyckel\""));

    let rounds = app.get("/api/v1/rounds", &token).await.json();
    assert_eq!(rounds.as_array().unwrap().len(), 1, "nothing was created");
}

async fn a_coordinator_opens_closes_and_publishes_and_follows_progress(app: TestApp) {
    let (token, cookie, csrf) = signed_in(&app, "sam@stad.se", Role::Samordnare, &[]).await;
    let anna = app
        .user(
            "anna@intraservice.se",
            Role::Uppgiftslamnare,
            &["intraservice"],
        )
        .await;
    app.call(
        Method::PUT,
        "/api/v1/rounds/2025/responses/intraservice/answers/trygghetsprogram/strategi-1-1",
        &anna,
        Some(json!({ "answer": "ja", "comment": "", "version": 0 })),
    )
    .await;
    let page = get(&app, &cookie, "/omgangar/2025/hantera").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("<th scope=\"row\">Nämnden för Intraservice</th>\n    <td>Utkast</td>\n    <td>1 av 17</td>"), "{}", page.text);
    assert!(
        page.text
            .contains("href=\"/omgangar/2025/stang\">Stäng omgången …</a>")
    );
    assert!(
        !page.text.contains("Publicera sammanställningen"),
        "an open round is closed first"
    );
    assert!(
        get(&app, &cookie, "/omgangar/2025")
            .await
            .text
            .contains("href=\"/omgangar/2025/hantera\"")
    );

    for (next, then) in [("closed", "Stängd"), ("published", "Publicerad")] {
        let moved = post(
            &app,
            &cookie,
            "/omgangar/2025/status",
            &[("csrf", &csrf), ("status", next), ("bekrafta", "ja")],
        )
        .await;
        assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.text);
        assert_eq!(
            app.get("/api/v1/rounds/2025", &token).await.json()["state"],
            json!(next)
        );
        assert!(
            get(&app, &cookie, "/omgangar/2025/hantera")
                .await
                .text
                .contains(&format!("<strong>{then}</strong>"))
        );
    }
    let again = post(
        &app,
        &cookie,
        "/omgangar/2025/status",
        &[("csrf", &csrf), ("status", "open")],
    )
    .await;
    assert_eq!(
        again.status,
        StatusCode::CONFLICT,
        "a published round is final"
    );
}

async fn closing_and_publishing_are_confirmed_first_with_what_they_leave_behind(app: TestApp) {
    let (token, cookie, csrf) = signed_in(&app, "sam@stad.se", Role::Samordnare, &[]).await;
    let anna = app
        .user(
            "anna@intraservice.se",
            Role::Uppgiftslamnare,
            &["intraservice"],
        )
        .await;
    app.call(
        Method::PUT,
        "/api/v1/rounds/2025/responses/intraservice/answers/trygghetsprogram/strategi-1-1",
        &anna,
        Some(json!({ "answer": "ja", "comment": "", "version": 0 })),
    )
    .await;

    let manage = get(&app, &cookie, "/omgangar/2025/hantera").await;
    assert!(
        manage
            .text
            .contains("<a class=\"button danger\" href=\"/omgangar/2025/stang\">"),
        "closing is a dangerous action, reached through its confirmation: {}",
        manage.text
    );
    let confirm = get(&app, &cookie, "/omgangar/2025/stang").await;
    assert_eq!(confirm.status, StatusCode::OK);
    let organisations = app.get("/api/v1/organisations", &token).await.json();
    let asked = organisations.as_array().unwrap().len();
    assert!(
        confirm
            .text
            .contains(&format!("0 av {asked} organisationer har skickat in")),
        "{}",
        confirm.text
    );
    assert!(
        confirm
            .text
            .contains("1 organisation har börjat svara utan att skicka in"),
        "the draft that will not count is named: {}",
        confirm.text
    );
    assert!(confirm.text.contains("Sista dag att svara"));
    assert!(
        confirm
            .text
            .contains("<button type=\"submit\" class=\"danger\">")
    );

    let unticked = post(
        &app,
        &cookie,
        "/omgangar/2025/status",
        &[("csrf", &csrf), ("status", "closed")],
    )
    .await;
    assert_eq!(unticked.status, StatusCode::BAD_REQUEST);
    assert!(
        unticked.text.contains("Kryssa i rutan"),
        "{}",
        unticked.text
    );
    assert!(unticked.text.contains("aria-describedby=\"fel-bekrafta\""));
    assert_eq!(
        round_state(&app, &token).await,
        json!("open"),
        "nothing changed"
    );

    let closed = post(
        &app,
        &cookie,
        "/omgangar/2025/status",
        &[("csrf", &csrf), ("status", "closed"), ("bekrafta", "ja")],
    )
    .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER);
    assert_eq!(round_state(&app, &token).await, json!("closed"));
    assert_eq!(
        get(&app, &cookie, "/omgangar/2025/stang").await.status,
        StatusCode::BAD_REQUEST,
        "a closed round is not closed again"
    );

    let publish = get(&app, &cookie, "/omgangar/2025/publicera").await;
    assert_eq!(publish.status, StatusCode::OK);
    assert!(
        publish
            .text
            .contains("permanent och kan inte dras tillbaka")
    );
    assert!(publish.text.contains("/publicerat/2025"));
    let unticked = post(
        &app,
        &cookie,
        "/omgangar/2025/status",
        &[("csrf", &csrf), ("status", "published")],
    )
    .await;
    assert_eq!(unticked.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        round_state(&app, &token).await,
        json!("closed"),
        "nothing changed"
    );
    let published = post(
        &app,
        &cookie,
        "/omgangar/2025/status",
        &[("csrf", &csrf), ("status", "published"), ("bekrafta", "ja")],
    )
    .await;
    assert_eq!(published.status, StatusCode::SEE_OTHER);
    assert_eq!(round_state(&app, &token).await, json!("published"));

    // A round closed before its last day says how many days early.
    let created = post(
        &app,
        &cookie,
        "/omgangar/ny",
        &new_round(&csrf, "2026", "2099-02-26"),
    )
    .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text);
    let opened = post(
        &app,
        &cookie,
        "/omgangar/2026/status",
        &[("csrf", &csrf), ("status", "open")],
    )
    .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "opening asks nothing");
    let early = get(&app, &cookie, "/omgangar/2026/stang").await;
    assert!(
        early.text.contains("dagar före sista dagen.</strong>"),
        "{}",
        early.text
    );
}

async fn a_coordinator_downloads_every_answer_from_the_management_page(app: TestApp) {
    let (_, cookie, _) = signed_in(&app, "sam@stad.se", Role::Samordnare, &[]).await;
    let manage = get(&app, &cookie, "/omgangar/2025/hantera").await;
    for (link, magic) in [
        ("/omgangar/2025/svar.csv", "\u{feff}".as_bytes()),
        ("/omgangar/2025/svar.xlsx", b"PK".as_slice()),
    ] {
        assert!(
            manage.text.contains(&format!("href=\"{link}\" download")),
            "{link}"
        );
        let file = get(&app, &cookie, link).await;
        assert_eq!(file.status, StatusCode::OK, "{link}");
        assert!(file.bytes.starts_with(magic), "{link}");
    }
    let csv = get(&app, &cookie, "/omgangar/2025/svar.csv").await;
    let header = csv
        .text
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap()
        .to_owned();
    assert!(
        header.split(';').count() > 5,
        "semicolons for Swedish Excel: {header}"
    );
    assert!(
        csv.text.contains("Nämnden för Intraservice"),
        "a row per organisation and question"
    );
    for (cookie, _) in not_coordinators(&app).await {
        assert_eq!(
            get(&app, &cookie, "/omgangar/2025/svar.csv").await.status,
            StatusCode::FORBIDDEN
        );
    }
}

async fn a_coordinator_downloads_every_organisations_report_as_pdf_in_one_zip(app: TestApp) {
    let (_, cookie, _) = signed_in(&app, "sam@stad.se", Role::Samordnare, &[]).await;
    let manage = get(&app, &cookie, "/omgangar/2025/hantera").await;
    let link = "/omgangar/2025/rapporter.zip";
    assert!(manage.text.contains(&format!("href=\"{link}\" download")));
    let file = get(&app, &cookie, link).await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.headers[header::CONTENT_TYPE], "application/zip");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(file.bytes.to_vec())).unwrap();
    let names: Vec<String> = zip.file_names().map(str::to_owned).collect();
    assert_eq!(
        names.len(),
        41,
        "one report per organisation asked: {names:?}"
    );
    assert!(names.contains(&"rapport-2025-intraservice.pdf".to_owned()));
    let mut pdf = Vec::new();
    std::io::Read::read_to_end(
        &mut zip.by_name("rapport-2025-intraservice.pdf").unwrap(),
        &mut pdf,
    )
    .unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    for (cookie, _) in not_coordinators(&app).await {
        assert_eq!(get(&app, &cookie, link).await.status, StatusCode::FORBIDDEN);
    }
}

async fn round_state(app: &TestApp, token: &str) -> serde_json::Value {
    app.get("/api/v1/rounds/2025", token).await.json()["state"].clone()
}

async fn thresholds_are_set_in_percent_and_checked(app: TestApp) {
    let (token, cookie, csrf) = signed_in(&app, "sam@stad.se", Role::Samordnare, &[]).await;
    let set = |green: &'static str, yellow: &'static str, submitted: &'static str| {
        let csrf = csrf.clone();
        let cookie = cookie.clone();
        let app = &app;
        async move {
            post(
                app,
                &cookie,
                "/omgangar/2025/granser",
                &[
                    ("csrf", &csrf),
                    ("gron", green),
                    ("gul", yellow),
                    ("inskickade", submitted),
                ],
            )
            .await
        }
    };
    assert_eq!(set("90", "70", "40").await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get("/api/v1/rounds/2025", &token).await.json()["status"],
        json!({ "green": 0.9, "yellow": 0.7, "submitted": 0.4 })
    );
    let wrong = set("50", "70", "40").await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert!(wrong.text.contains("gränsen för gul"));
    assert!(wrong.text.contains(
        "id=\"gron\" name=\"gron\" inputmode=\"numeric\" value=\"50\" aria-invalid=\"true\""
    ));
    let words = set("mycket", "50", "40").await;
    assert_eq!(words.status, StatusCode::BAD_REQUEST);
    let over = set("90", "70", "140").await;
    assert_eq!(over.status, StatusCode::BAD_REQUEST);
    assert!(
        over.text.contains("andelen inskickade svar"),
        "{}",
        over.text
    );
    assert_eq!(words.status, StatusCode::BAD_REQUEST);
    assert!(words.text.contains("i procent"));
    assert_eq!(
        app.get("/api/v1/rounds/2025", &token).await.json()["status"],
        json!({ "green": 0.9, "yellow": 0.7, "submitted": 0.4 }),
        "refused thresholds change nothing"
    );
}

async fn only_coordinators_reach_the_round_pages(app: TestApp) {
    let (token, sam, sam_csrf) = signed_in(&app, "sam@stad.se", Role::Samordnare, &[]).await;
    for (cookie, csrf) in &not_coordinators(&app).await {
        assert_eq!(
            get(&app, cookie, "/omgangar/ny").await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            post(
                &app,
                cookie,
                "/omgangar/ny",
                &new_round(csrf, "2026", "2027-02-26")
            )
            .await
            .status,
            StatusCode::FORBIDDEN
        );
        assert_ne!(
            get(&app, cookie, "/omgangar/2025/hantera").await.status,
            StatusCode::OK
        );
        let refused = post(
            &app,
            cookie,
            "/omgangar/2025/status",
            &[("csrf", csrf), ("status", "closed")],
        )
        .await;
        assert!(refused.status == StatusCode::FORBIDDEN || refused.status == StatusCode::NOT_FOUND);
    }
    let forged = post(
        &app,
        &sam,
        "/omgangar/2025/status",
        &[("csrf", "fel"), ("status", "closed")],
    )
    .await;
    assert_eq!(
        forged.status,
        StatusCode::FORBIDDEN,
        "a post without the session's CSRF token"
    );
    assert!(!sam_csrf.is_empty());
    assert_eq!(
        app.get("/api/v1/rounds/2025", &token).await.json()["state"],
        json!("open")
    );
    assert_eq!(
        anonymous_status(&app, "/omgangar/ny").await,
        StatusCode::SEE_OTHER,
        "no session: off to the login page"
    );
}

async fn anonymous_status(app: &TestApp, uri: &str) -> StatusCode {
    app.send(
        axum::http::Request::get(uri)
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await
    .status
}
