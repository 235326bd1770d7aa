//! The council report's JSON API through the real router, on SQLite and PostgreSQL: the report
//! with what is saved, assessments, goal-area texts and indicators saved from their versions (a
//! stale save is 409 and changes nothing), bad input named by field, the assessment settings,
//! the audit log, and that only coordinators reach any of it.

use crate::common;

use axum::http::{Method, StatusCode, header};
use serde_json::{Value, json};
use uppfolj_model::{AuditAction, Key, Role};
use uppfolj_store::AuditFilter;

use common::{Reply, TestApp};

on_both_backends!(
    the_report_shows_a_saved_assessment_beside_the_counts_and_the_suggestion,
    an_assessment_saved_from_a_stale_version_is_409_and_changes_nothing,
    a_refused_assessment_names_its_field_and_stores_nothing,
    a_narrative_is_saved_from_its_version_and_a_stale_one_is_409,
    an_indicator_is_created_then_edited_from_its_version_and_a_stale_edit_is_409,
    an_indicator_with_a_bad_field_is_400_naming_it,
    the_assessment_settings_are_read_and_changed,
    only_coordinators_reach_the_council_api,
);

const REPORT: &str = "/api/v1/rounds/2025/council/trygghetsprogram";
const INDICATORS: &str = "/api/v1/documents/trygghetsprogram/indicators";
const SETTINGS: &str = "/api/v1/documents/trygghetsprogram/assessment-settings";

async fn coordinator(app: &TestApp) -> String {
    app.user("sam@stadsledning.se", Role::Samordnare, &[]).await
}

fn assessment_path(subject: &str) -> String {
    format!("{REPORT}/assessments/{subject}")
}

fn narrative_path(section: &str) -> String {
    format!("{REPORT}/narratives/{section}")
}

async fn put(app: &TestApp, uri: &str, token: &str, body: Value) -> Reply {
    app.call(Method::PUT, uri, token, Some(body)).await
}

/// A problem answer with `status` naming `field`.
fn assert_problem(reply: &Reply, status: StatusCode, field: &str) {
    assert_eq!(reply.status, status, "{}", reply.text);
    assert_eq!(
        reply.headers[header::CONTENT_TYPE],
        "application/problem+json"
    );
    assert_eq!(reply.json()["field"], field, "{}", reply.text);
}

/// The subject keyed `key` in a report.
fn subject<'a>(report: &'a Value, key: &str) -> &'a Value {
    report["goal_areas"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["subjects"].as_array().unwrap())
        .find(|s| s["key"] == key)
        .unwrap_or_else(|| panic!("no subject {key} in {report}"))
}

/// The audit log's subjects for `action`.
async fn audited(app: &TestApp, action: AuditAction) -> Vec<String> {
    let filter = AuditFilter {
        action: Some(action),
        limit: 100,
        ..AuditFilter::default()
    };
    app.store()
        .audit_log(&filter)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.subject)
        .collect()
}

async fn stored_assessments(app: &TestApp) -> Vec<uppfolj_model::assessment::Assessment> {
    app.store()
        .assessments(
            &Key::parse("2025").unwrap(),
            &Key::parse("trygghetsprogram").unwrap(),
        )
        .await
        .unwrap()
}

async fn the_report_shows_a_saved_assessment_beside_the_counts_and_the_suggestion(app: TestApp) {
    let sam = coordinator(&app).await;
    let anna = app
        .user(
            "anna@intraservice.se",
            Role::Uppgiftslamnare,
            &["intraservice"],
        )
        .await;
    let answers = json!({"answers": [{"question": "trygghetsprogram/strategi-1-1", "answer": "ja", "comment": "", "version": 0}]});
    let uri = "/api/v1/rounds/2025/responses/intraservice/answers";
    let answered = put(&app, uri, &anna, answers).await;
    assert_eq!(answered.status, StatusCode::OK, "{}", answered.text);

    let before = app.get(REPORT, &sam).await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.text);
    let report = before.json();
    assert_eq!(report["document"], "trygghetsprogram");
    assert_eq!(report["round"], "2025");
    assert_eq!(report["year"], 2025);
    assert_eq!(report["at"], "question");
    assert_eq!(report["scale"]["levels"][0]["key"], "i-enlighet");
    assert_eq!(report["scale"]["levels"][0]["tone"], "best");
    let first = subject(&report, "strategi-1-1");
    assert_eq!(first["counts"]["positive"], 1);
    assert_eq!(first["suggestion"]["level"], "i-enlighet");
    assert_eq!(
        first["assessment"],
        Value::Null,
        "a suggestion is not stored"
    );
    assert!(report["goal_areas"][0]["narrative"]["version"].is_i64());

    let body = json!({"level": "mindre-utveckling", "motivation": "Bra början.", "version": 0});
    let saved = put(&app, &assessment_path("strategi-1-1"), &sam, body).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
    let saved = saved.json();
    assert_eq!(saved["version"], 1);
    assert_eq!(saved["assessed_by"], "sam@stadsledning.se");

    let report = app.get(REPORT, &sam).await.json();
    let assessment = &subject(&report, "strategi-1-1")["assessment"];
    assert_eq!(assessment["level"], "mindre-utveckling");
    assert_eq!(assessment["label"], "Mindre utvecklingsarbete kvarstår");
    assert_eq!(assessment["motivation"], "Bra början.");
    assert_eq!(assessment["version"], 1);
    assert_eq!(
        audited(&app, AuditAction::AssessmentSaved).await,
        ["bedomning/2025/trygghetsprogram/strategi-1-1"]
    );
    let unknown = app
        .get("/api/v1/rounds/2025/council/finns-inte", &sam)
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

async fn an_assessment_saved_from_a_stale_version_is_409_and_changes_nothing(app: TestApp) {
    let sam = coordinator(&app).await;
    let uri = assessment_path("strategi-2-2");
    let first = json!({"level": "i-enlighet", "motivation": "Först.", "version": 0});
    assert_eq!(put(&app, &uri, &sam, first).await.status, StatusCode::OK);
    let late = json!({"level": "ej-paborjat", "motivation": "Sent.", "version": 0});
    let stale = put(&app, &uri, &sam, late).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.text);
    assert_eq!(
        stale.headers[header::CONTENT_TYPE],
        "application/problem+json"
    );
    let problem = stale.json();
    assert_eq!(problem["subject"], "strategi-2-2");
    assert_eq!(
        (
            &problem["current"]["motivation"],
            &problem["current"]["version"]
        ),
        (&json!("Först."), &json!(1)),
        "the stored assessment beside the one sent: {problem}"
    );
    assert_eq!(problem["yours"]["motivation"], "Sent.");
    let stored = stored_assessments(&app).await;
    let stored = stored
        .iter()
        .find(|a| a.subject.as_str() == "strategi-2-2")
        .unwrap();
    assert_eq!(stored.motivation, "Först.", "nothing stored when stale");
    assert_eq!(stored.version, 1);
    let over = json!({"level": "ej-paborjat", "motivation": "Sent.", "version": 1});
    let saved = put(&app, &uri, &sam, over).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
    assert_eq!(saved.json()["version"], 2);
    assert_eq!(
        audited(&app, AuditAction::AssessmentSaved).await.len(),
        2,
        "only the stored saves are in the log"
    );
}

async fn a_refused_assessment_names_its_field_and_stores_nothing(app: TestApp) {
    let sam = coordinator(&app).await;
    let before = stored_assessments(&app).await;
    let uri = assessment_path("strategi-1-1");
    let level = put(
        &app,
        &uri,
        &sam,
        json!({"level": "kanske", "motivation": "", "version": 0}),
    )
    .await;
    assert_problem(&level, StatusCode::BAD_REQUEST, "level");
    assert!(
        level.json()["detail"]
            .as_str()
            .unwrap()
            .contains("Arbetar i enlighet med strategin")
    );
    let cases = [
        (
            uri.clone(),
            json!({"level": "i-enlighet", "motivation": "a\u{0}b", "version": 0}),
            "motivation",
        ),
        (
            uri.clone(),
            json!({"level": "i-enlighet", "motivation": "x".repeat(20_001), "version": 0}),
            "motivation",
        ),
        (
            uri.clone(),
            json!({"level": "i-enlighet", "version": -1}),
            "version",
        ),
        (
            uri.clone(),
            json!({"level": "i-enlighet", "version": i64::MAX}),
            "version",
        ),
        (
            uri.clone(),
            json!({"level": "i-enlighet", "version": 1e30}),
            "version",
        ),
        (
            uri.clone(),
            json!({"level": "i-enlighet", "version": 0, "extra": true}),
            "body",
        ),
        (uri.clone(), json!({"level": "i-enlighet"}), "body"),
        (
            assessment_path("strategi-9-9"),
            json!({"level": "i-enlighet", "version": 0}),
            "subject",
        ),
        (
            assessment_path("Ogiltig nyckel"),
            json!({"level": "i-enlighet", "version": 0}),
            "subject",
        ),
    ];
    for (uri, body, field) in cases {
        let reply = put(&app, &uri.replace(' ', "%20"), &sam, body.clone()).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{body}: {}",
            reply.text
        );
        assert_eq!(
            reply.headers[header::CONTENT_TYPE],
            "application/problem+json"
        );
        let named = reply.json()["field"].as_str().unwrap_or("").to_owned();
        assert!(
            named == field || (field == "body" && !named.is_empty()),
            "{body}: field {named}, expected {field}"
        );
    }
    assert_eq!(stored_assessments(&app).await, before);
    assert!(audited(&app, AuditAction::AssessmentSaved).await.is_empty());
}

async fn a_narrative_is_saved_from_its_version_and_a_stale_one_is_409(app: TestApp) {
    let sam = coordinator(&app).await;
    let uri = narrative_path("malomrade-2");
    let body = json!({"since_adoption": "Mer kunskap.", "ahead": "Samverkan.", "version": 0});
    let saved = put(&app, &uri, &sam, body).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
    assert_eq!(saved.json(), json!({"version": 1}));
    let stale = put(
        &app,
        &uri,
        &sam,
        json!({"since_adoption": "Annat.", "ahead": "", "version": 0}),
    )
    .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.text);
    let problem = stale.json();
    assert_eq!(problem["current"]["since_adoption"], "Mer kunskap.");
    assert_eq!(problem["yours"]["since_adoption"], "Annat.");
    let report = app.get(REPORT, &sam).await.json();
    let area = report["goal_areas"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"] == "malomrade-2")
        .unwrap();
    assert_eq!(
        area["narrative"],
        json!({"since_adoption": "Mer kunskap.", "ahead": "Samverkan.", "version": 1}),
        "the stale save changed nothing"
    );
    let again = put(
        &app,
        &uri,
        &sam,
        json!({"since_adoption": "Annat.", "ahead": "", "version": 1}),
    )
    .await;
    assert_eq!(again.json(), json!({"version": 2}));
    let unknown = put(
        &app,
        &narrative_path("strategi-1-1"),
        &sam,
        json!({"version": 0}),
    )
    .await;
    assert_problem(&unknown, StatusCode::BAD_REQUEST, "section");
    let control = put(&app, &uri, &sam, json!({"ahead": "a\u{1b}b", "version": 2})).await;
    assert_problem(&control, StatusCode::BAD_REQUEST, "ahead");
    assert_eq!(
        audited(&app, AuditAction::NarrativeSaved).await,
        [
            "text/2025/trygghetsprogram/malomrade-2",
            "text/2025/trygghetsprogram/malomrade-2"
        ]
    );
}

/// The indicator keyed `key` in a list of them.
fn listed<'a>(list: &'a Value, key: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|i| i["key"] == key)
        .unwrap_or_else(|| panic!("no indicator {key} in {list}"))
}

fn indicator(version: Option<i64>) -> Value {
    json!({
        "name": "Andel som känner sig trygga",
        "source": "Trygghetsundersökningen",
        "unit": "%",
        "direction": "higher",
        "section": "malomrade-1",
        "baseline": {"year": 2022, "value": 50.0},
        "target": {"year": 2026, "value": 70.0},
        "kolada": {"kpi": "N07402", "municipality": "1480"},
        "values": [{"year": 2024, "value": 61.5}, {"year": 2023, "value": 55}],
        "version": version,
    })
}

async fn an_indicator_is_created_then_edited_from_its_version_and_a_stale_edit_is_409(
    app: TestApp,
) {
    let sam = coordinator(&app).await;
    let uri = format!("{INDICATORS}/andel-trygga");
    let created = put(&app, &uri, &sam, indicator(None)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    assert_eq!(created.json(), json!({"version": 1}));
    let again = put(&app, &uri, &sam, indicator(None)).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "the key is taken");

    let list = app.get(INDICATORS, &sam).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    let list = list.json();
    let row = listed(&list, "andel-trygga");
    assert_eq!(row["version"], 1);
    assert_eq!(row["status"], "on_track");
    assert_eq!(row["section"], "malomrade-1");
    assert_eq!(
        row["values"],
        json!([{"year": 2023, "value": 55.0}, {"year": 2024, "value": 61.5}]),
        "in year order"
    );

    let mut edit = indicator(Some(1));
    edit["values"] = json!([{"year": 2024, "value": 52.0}]);
    let edited = put(&app, &uri, &sam, edit.clone()).await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.text);
    assert_eq!(edited.json(), json!({"version": 2}));
    edit["name"] = json!("Sent namn");
    let stale = put(&app, &uri, &sam, edit).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.text);
    let list = app.get(INDICATORS, &sam).await.json();
    let row = listed(&list, "andel-trygga");
    assert_eq!(row["name"], "Andel som känner sig trygga");
    assert_eq!(row["status"], "off_track");
    assert_eq!(row["version"], 2);

    let report = app.get(REPORT, &sam).await.json();
    assert_eq!(
        listed(&report["indicators"], "andel-trygga")["status"],
        "off_track"
    );
    assert_eq!(report["goal_areas"][0]["key"], "malomrade-1");
    assert_eq!(
        listed(&report["goal_areas"][0]["indicators"], "andel-trygga")["section"],
        "malomrade-1",
        "under its goal area"
    );
    let missing = put(
        &app,
        &format!("{INDICATORS}/finns-inte"),
        &sam,
        indicator(Some(1)),
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND, "{}", missing.text);
    assert_eq!(
        audited(&app, AuditAction::IndicatorSaved).await,
        [
            "indikator/trygghetsprogram/andel-trygga",
            "indikator/trygghetsprogram/andel-trygga"
        ]
    );
}

async fn an_indicator_with_a_bad_field_is_400_naming_it(app: TestApp) {
    let sam = coordinator(&app).await;
    let uri = format!("{INDICATORS}/andel-trygga");
    let before = app.get(INDICATORS, &sam).await.json();
    let with = |field: &str, value: Value| {
        let mut body = indicator(None);
        body[field] = value;
        body
    };
    let cases = [
        (with("name", json!("  ")), "name"),
        (with("name", json!("a\u{0}b")), "name"),
        (with("source", json!("x".repeat(501))), "source"),
        (with("unit", json!("a\nb")), "unit"),
        (with("direction", json!("sideways")), "direction"),
        (with("section", json!("malomrade-99")), "section"),
        (with("section", json!("")), "section"),
        (
            with("values", json!([{"year": 2024, "value": 1e300}])),
            "values",
        ),
        (
            with("values", json!([{"year": 99999, "value": 1}])),
            "values",
        ),
        (
            with(
                "values",
                json!([{"year": 2024, "value": 1}, {"year": 2024, "value": 2}]),
            ),
            "values",
        ),
        (with("target", json!({"year": 2020, "value": 1})), "target"),
        (
            with("kolada", json!({"kpi": "", "municipality": "1480"})),
            "kolada",
        ),
        (with("version", json!(-3)), "version"),
    ];
    for (body, field) in cases {
        let reply = put(&app, &uri, &sam, body.clone()).await;
        assert_problem(&reply, StatusCode::BAD_REQUEST, field);
    }
    let year = put(
        &app,
        &uri,
        &sam,
        with("values", json!([{"year": 1e12, "value": 1}])),
    )
    .await;
    assert_eq!(year.status, StatusCode::BAD_REQUEST, "{}", year.text);
    let key = put(&app, &format!("{INDICATORS}/Stora"), &sam, indicator(None)).await;
    assert_problem(&key, StatusCode::BAD_REQUEST, "indicator");
    assert_eq!(app.get(INDICATORS, &sam).await.json(), before);
    assert!(audited(&app, AuditAction::IndicatorSaved).await.is_empty());
}

async fn the_assessment_settings_are_read_and_changed(app: TestApp) {
    let sam = coordinator(&app).await;
    let read = app.get(SETTINGS, &sam).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text);
    let read = read.json();
    assert_eq!(read["at"], "question");
    assert_eq!(read["scale"], "bedomning");
    assert_eq!(read["scales"][0]["key"], "bedomning");
    let changed = put(
        &app,
        SETTINGS,
        &sam,
        json!({"at": "section", "scale": "bedomning"}),
    )
    .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.text);
    assert_eq!(
        changed.json(),
        json!({"at": "section", "scale": "bedomning"})
    );
    assert_eq!(app.get(SETTINGS, &sam).await.json()["at"], "section");
    let report = app.get(REPORT, &sam).await.json();
    assert_eq!(report["at"], "section");
    assert_eq!(
        report["goal_areas"][0]["subjects"][0]["key"], report["goal_areas"][0]["key"],
        "assessed per goal area"
    );
    let bad_at = put(
        &app,
        SETTINGS,
        &sam,
        json!({"at": "allt", "scale": "bedomning"}),
    )
    .await;
    assert_problem(&bad_at, StatusCode::BAD_REQUEST, "at");
    let bad_scale = put(
        &app,
        SETTINGS,
        &sam,
        json!({"at": "question", "scale": "\u{0}"}),
    )
    .await;
    assert_problem(&bad_scale, StatusCode::BAD_REQUEST, "scale");
    let unknown = app
        .get("/api/v1/documents/finns-inte/assessment-settings", &sam)
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(SETTINGS, &sam).await.json()["at"], "section");
    assert_eq!(
        audited(&app, AuditAction::AssessmentSettingsChanged).await,
        ["styrdokument/trygghetsprogram/bedomning"]
    );
}

async fn only_coordinators_reach_the_council_api(app: TestApp) {
    let (anna, anna_cookie, anna_csrf) = common::signed_in(
        &app,
        "anna@intraservice.se",
        Role::Uppgiftslamnare,
        &["intraservice"],
    )
    .await;
    let reader = app
        .user("lars@example.se", Role::Lasare, &["intraservice"])
        .await;
    let sam = coordinator(&app).await;
    let assessments = stored_assessments(&app).await;
    let indicators = app.get(INDICATORS, &sam).await.json();
    let settings = app.get(SETTINGS, &sam).await.json();
    let routes = [
        (Method::GET, REPORT.to_owned(), None),
        (
            Method::PUT,
            assessment_path("strategi-1-1"),
            Some(json!({"level": "i-enlighet", "motivation": "", "version": 0})),
        ),
        (
            Method::PUT,
            narrative_path("malomrade-1"),
            Some(json!({"since_adoption": "x", "ahead": "", "version": 0})),
        ),
        (Method::GET, INDICATORS.to_owned(), None),
        (
            Method::PUT,
            format!("{INDICATORS}/andel-trygga"),
            Some(indicator(None)),
        ),
        (Method::GET, SETTINGS.to_owned(), None),
        (
            Method::PUT,
            SETTINGS.to_owned(),
            Some(json!({"at": "section", "scale": "bedomning"})),
        ),
    ];
    for (method, uri, body) in routes {
        for token in [&anna, &reader] {
            let reply = app.call(method.clone(), &uri, token, body.clone()).await;
            assert_eq!(
                reply.status,
                StatusCode::FORBIDDEN,
                "{method} {uri}: {}",
                reply.text
            );
            assert_eq!(
                reply.headers[header::CONTENT_TYPE],
                "application/problem+json"
            );
        }
        let text = body.as_ref().map(Value::to_string);
        let session = common::with_cookie(
            &app,
            method.clone(),
            &uri,
            &anna_cookie,
            Some(&anna_csrf),
            text.as_deref(),
        )
        .await;
        assert_eq!(
            session.status,
            StatusCode::FORBIDDEN,
            "{method} {uri} with a session: {}",
            session.text
        );
        let mut anonymous = axum::http::Request::builder()
            .method(method.clone())
            .uri(&uri);
        if text.is_some() {
            anonymous = anonymous.header(header::CONTENT_TYPE, "application/json");
        }
        let anonymous = app
            .send(
                anonymous
                    .body(axum::body::Body::from(text.unwrap_or_default()))
                    .unwrap(),
            )
            .await;
        assert_eq!(
            anonymous.status,
            StatusCode::UNAUTHORIZED,
            "{method} {uri} anonymously"
        );
        assert_eq!(
            anonymous.headers[header::CONTENT_TYPE],
            "application/problem+json"
        );
    }
    assert_eq!(stored_assessments(&app).await, assessments);
    assert_eq!(app.get(INDICATORS, &sam).await.json(), indicators);
    assert_eq!(app.get(SETTINGS, &sam).await.json(), settings);
}
