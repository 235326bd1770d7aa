//! The JSON API through the real router, on SQLite and PostgreSQL: who may do what, versions and
//! conflicts, the workflow, bad input, and the OpenAPI description.

use crate::common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};
use uppfolj_model::Role;

use common::TestApp;

on_both_backends!(
    a_respondent_cannot_touch_another_organisations_response,
    a_reader_cannot_write_anything,
    only_coordinators_manage_rounds_and_users,
    saves_carry_versions_and_a_stale_save_is_a_conflict_showing_both_texts,
    a_batch_is_saved_all_or_nothing,
    submit_lists_every_problem_then_locks_until_returned_then_accept,
    last_years_answers_are_shown_beside_this_years,
    bad_input_gets_a_clear_4xx_and_changes_nothing,
    callers_without_valid_credentials_get_401,
    progress_shows_state_answers_and_days_left,
    history_lists_every_change_and_state,
    a_closed_round_can_be_reopened_for_one_organisation,
    tokens_are_listed_and_revoked,
);

const INTRA: &str = "/api/v1/rounds/2025/responses/intraservice";

fn answers_path(question: &str) -> String {
    format!("{INTRA}/answers/{question}")
}

async fn question_ids(app: &TestApp, token: &str) -> Vec<String> {
    let reply = app.get(INTRA, token).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.json()["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn a_respondent_cannot_touch_another_organisations_response(app: TestApp) {
    let intra = app
        .user(
            "anna@intraservice.se",
            Role::Uppgiftslamnare,
            &["intraservice"],
        )
        .await;
    let other = "/api/v1/rounds/2025/responses/socialnamnden-centrum";
    let attempts = [
        (Method::GET, other.to_owned(), None),
        (Method::GET, format!("{other}/history"), None),
        (
            Method::PUT,
            format!("{other}/answers/trygghetsprogram/strategi-1-1"),
            Some(json!({"answer": "ja", "version": 0})),
        ),
        (
            Method::PUT,
            format!("{other}/answers"),
            Some(
                json!({"answers": [{"question": "trygghetsprogram/strategi-1-1", "answer": "ja", "version": 0}]}),
            ),
        ),
        (Method::POST, format!("{other}/submit"), None),
        (Method::POST, format!("{other}/accept"), None),
        (
            Method::POST,
            format!("{other}/return"),
            Some(json!({"message": "x"})),
        ),
    ];
    for (method, uri, body) in attempts {
        let reply = app.call(method.clone(), &uri, &intra, body).await;
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
    let unknown = app
        .get("/api/v1/rounds/2025/responses/finns-inte", &intra)
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let progress = app
        .get("/api/v1/rounds/2025/responses", &intra)
        .await
        .json();
    let seen: Vec<&str> = progress
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["organisation"].as_str().unwrap())
        .collect();
    assert_eq!(seen, ["intraservice"]);
    let centrum = uppfolj_model::Key::parse("socialnamnden-centrum").unwrap();
    assert!(
        app.store()
            .answers(&uppfolj_model::Key::parse("2025").unwrap(), &centrum)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn a_reader_cannot_write_anything(app: TestApp) {
    let reader = app
        .user("lars@example.se", Role::Lasare, &["intraservice"])
        .await;
    let writes = [
        (
            Method::PUT,
            answers_path("trygghetsprogram/strategi-1-1"),
            json!({"answer": "ja", "version": 0}),
        ),
        (Method::POST, format!("{INTRA}/submit"), json!({})),
        (
            Method::POST,
            "/api/v1/rounds".to_owned(),
            json!({"key": "x", "name": "X", "year": 2026, "opens": "2027-01-01", "closes": "2027-02-01", "documents": ["trygghetsprogram"]}),
        ),
        (
            Method::POST,
            "/api/v1/rounds/2025/state".to_owned(),
            json!({"state": "closed"}),
        ),
        (
            Method::POST,
            "/api/v1/users".to_owned(),
            json!({"email": "x@y.se", "role": "samordnare"}),
        ),
        (
            Method::PUT,
            "/api/v1/rounds/2025/targets/trygghetsprogram/strategi-1-1".to_owned(),
            json!({"organisations": ["intraservice"]}),
        ),
    ];
    for (method, uri, body) in writes {
        let reply = app.call(method.clone(), &uri, &reader, Some(body)).await;
        assert_eq!(
            reply.status,
            StatusCode::FORBIDDEN,
            "{method} {uri}: {}",
            reply.text
        );
    }
    let draft = app.get(INTRA, &reader).await;
    assert_eq!(
        draft.status,
        StatusCode::FORBIDDEN,
        "a reader sees no unsubmitted answers"
    );
}

async fn only_coordinators_manage_rounds_and_users(app: TestApp) {
    let respondent = app
        .user(
            "anna@intraservice.se",
            Role::Uppgiftslamnare,
            &["intraservice"],
        )
        .await;
    let coordinator = app.user("sam@stadsledning.se", Role::Samordnare, &[]).await;
    let copy = json!({"key": "2026", "name": "Uppföljning 2026", "year": 2026, "opens": "2027-11-15", "closes": "2028-01-31", "copy_from": "2025"});
    assert_eq!(
        app.call(
            Method::POST,
            "/api/v1/rounds",
            &respondent,
            Some(copy.clone())
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let made = app
        .call(
            Method::POST,
            "/api/v1/rounds",
            &coordinator,
            Some(copy.clone()),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    assert_eq!(made.json()["state"], "draft");
    let again = app
        .call(Method::POST, "/api/v1/rounds", &coordinator, Some(copy))
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);

    let copied = app
        .store()
        .round(&uppfolj_model::Key::parse("2026").unwrap())
        .await
        .unwrap();
    assert_eq!(
        copied.targets.len(),
        18,
        "targeting is copied from last year"
    );

    let target = "/api/v1/rounds/2026/targets/trygghetsprogram/strategi-1-1";
    let limited = app
        .call(
            Method::PUT,
            target,
            &coordinator,
            Some(json!({"organisations": ["intraservice"], "kinds": ["bolag"]})),
        )
        .await;
    assert_eq!(limited.status, StatusCode::OK, "{}", limited.text);
    let bad = app
        .call(
            Method::PUT,
            target,
            &coordinator,
            Some(json!({"organisations": ["finns-inte"]})),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.text);
    assert!(
        bad.json()["detail"]
            .as_str()
            .unwrap()
            .contains("finns-inte")
    );
    assert_eq!(
        app.call(Method::DELETE, target, &coordinator, None)
            .await
            .status,
        StatusCode::OK
    );

    for state in ["open", "closed", "published"] {
        let reply = app
            .call(
                Method::POST,
                "/api/v1/rounds/2026/state",
                &coordinator,
                Some(json!({"state": state})),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{state}: {}", reply.text);
    }
    let backwards = app
        .call(
            Method::POST,
            "/api/v1/rounds/2026/state",
            &coordinator,
            Some(json!({"state": "open"})),
        )
        .await;
    assert_eq!(backwards.status, StatusCode::CONFLICT);

    let user = json!({"email": "ny@intraservice.se", "role": "uppgiftslamnare", "organisations": ["intraservice"]});
    assert_eq!(
        app.call(
            Method::POST,
            "/api/v1/users",
            &respondent,
            Some(user.clone())
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let created = app
        .call(Method::POST, "/api/v1/users", &coordinator, Some(user))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    assert!(
        created.json()["login_link"]
            .as_str()
            .unwrap()
            .starts_with("http://uppfolj.test/forsta-inloggning/")
    );
    assert_eq!(
        app.get("/api/v1/users", &respondent).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get("/api/v1/users", &coordinator)
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        3
    );
}

async fn saves_carry_versions_and_a_stale_save_is_a_conflict_showing_both_texts(app: TestApp) {
    let anna = app
        .user(
            "anna@intraservice.se",
            Role::Uppgiftslamnare,
            &["intraservice"],
        )
        .await;
    let bo = app
        .user(
            "bo@intraservice.se",
            Role::Uppgiftslamnare,
            &["intraservice"],
        )
        .await;
    let path = answers_path("trygghetsprogram/strategi-1-1");
    let first = app
        .call(
            Method::PUT,
            &path,
            &anna,
            Some(json!({"answer": "Nej", "comment": "Annas text", "version": 0})),
        )
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    assert_eq!(
        (
            first.json()["version"].as_i64(),
            first.json()["label"].as_str()
        ),
        (Some(1), Some("Nej"))
    );

    let stale = app
        .call(
            Method::PUT,
            &path,
            &bo,
            Some(json!({"answer": "ja", "comment": "Bos text", "version": 0})),
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.text);
    let problem = stale.json();
    assert_eq!(problem["current"]["comment"], "Annas text");
    assert_eq!(problem["current"]["version"], 1);
    assert_eq!(problem["yours"]["comment"], "Bos text");

    let newer = app
        .call(
            Method::PUT,
            &path,
            &bo,
            Some(json!({"answer": "ej-aktuellt", "comment": "Bos text", "version": 1})),
        )
        .await;
    assert_eq!(newer.status, StatusCode::OK);
    let view = app.get(INTRA, &anna).await.json();
    let answer = &view["questions"][0]["answer"];
    assert_eq!(
        (answer["answer"].as_str(), answer["version"].as_i64()),
        (Some("ej-aktuellt"), Some(2))
    );
    assert_eq!(answer["changed_by"], "bo@intraservice.se");
    assert_eq!(view["state"], "draft");
}

async fn a_batch_is_saved_all_or_nothing(app: TestApp) {
    let anna = app
        .user(
            "anna@intraservice.se",
            Role::Uppgiftslamnare,
            &["intraservice"],
        )
        .await;
    let ids = question_ids(&app, &anna).await;
    assert_eq!(ids.len(), 17);
    let mut items: Vec<Value> = ids
        .iter()
        .map(|id| json!({"question": id, "answer": "ja", "version": 0}))
        .collect();
    items[5]["answer"] = json!("kanske");
    let refused = app
        .call(
            Method::PUT,
            &format!("{INTRA}/answers"),
            &anna,
            Some(json!({"answers": items.clone()})),
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.text);
    assert_eq!(refused.json()["field"], "answers[5].answer");
    assert!(
        refused.json()["detail"]
            .as_str()
            .unwrap()
            .contains("«kanske» är inte ett svarsalternativ")
    );
    assert_eq!(
        app.get(INTRA, &anna).await.json()["questions"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|q| !q["answer"].is_null())
            .count(),
        0
    );

    items[5]["answer"] = json!("ja");
    let saved = app
        .call(
            Method::PUT,
            &format!("{INTRA}/answers"),
            &anna,
            Some(json!({"answers": items})),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
    assert_eq!(saved.json()["answers"].as_array().unwrap().len(), 17);
}

async fn submit_lists_every_problem_then_locks_until_returned_then_accept(app: TestApp) {
    let anna = app
        .user(
            "anna@intraservice.se",
            Role::Uppgiftslamnare,
            &["intraservice"],
        )
        .await;
    let sam = app.user("sam@stadsledning.se", Role::Samordnare, &[]).await;
    let ids = question_ids(&app, &anna).await;
    let mut items: Vec<Value> = ids
        .iter()
        .skip(2)
        .map(|id| json!({"question": id, "answer": "ja", "version": 0}))
        .collect();
    items[0]["answer"] = json!("nej");
    assert_eq!(
        app.call(
            Method::PUT,
            &format!("{INTRA}/answers"),
            &anna,
            Some(json!({"answers": items}))
        )
        .await
        .status,
        StatusCode::OK
    );

    let refused = app
        .call(Method::POST, &format!("{INTRA}/submit"), &anna, None)
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.text
    );
    let problems = refused.json()["problems"].as_array().unwrap().clone();
    let questions: Vec<&str> = problems
        .iter()
        .map(|p| p["question"].as_str().unwrap())
        .collect();
    assert_eq!(
        questions,
        [ids[0].as_str(), ids[1].as_str(), ids[2].as_str()]
    );
    assert!(
        problems[2]["message"]
            .as_str()
            .unwrap()
            .contains("behöver en kommentar när svaret är Nej")
    );

    let fixes = json!({"answers": [
        {"question": ids[0], "answer": "ja", "version": 0},
        {"question": ids[1], "answer": "ja", "version": 0},
        {"question": ids[2], "answer": "nej", "comment": "Programmet gäller inte våra tjänster.", "version": 1},
    ]});
    assert_eq!(
        app.call(Method::PUT, &format!("{INTRA}/answers"), &anna, Some(fixes))
            .await
            .status,
        StatusCode::OK
    );
    let submitted = app
        .call(Method::POST, &format!("{INTRA}/submit"), &anna, None)
        .await;
    assert_eq!(
        (submitted.status, submitted.json()["state"].as_str()),
        (StatusCode::OK, Some("submitted"))
    );

    let locked = app
        .call(
            Method::PUT,
            &answers_path(&ids[0]),
            &anna,
            Some(json!({"answer": "nej", "version": 1})),
        )
        .await;
    assert_eq!(locked.status, StatusCode::CONFLICT, "{}", locked.text);
    assert!(
        locked.json()["detail"]
            .as_str()
            .unwrap()
            .contains("Inskickad")
    );

    let no_message = app
        .call(
            Method::POST,
            &format!("{INTRA}/return"),
            &sam,
            Some(json!({"message": "  "})),
        )
        .await;
    assert_eq!(
        (no_message.status, no_message.json()["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("message"))
    );
    let returned = app
        .call(
            Method::POST,
            &format!("{INTRA}/return"),
            &sam,
            Some(json!({"message": "Förklara svaret på 1.1.1."})),
        )
        .await;
    assert_eq!(returned.json()["state"], "returned");
    let view = app.get(INTRA, &anna).await.json();
    assert_eq!(
        (view["state"].as_str(), view["message"].as_str()),
        (Some("returned"), Some("Förklara svaret på 1.1.1."))
    );

    let edited = app
        .call(
            Method::PUT,
            &answers_path(&ids[0]),
            &anna,
            Some(json!({"answer": "ja", "comment": "Förklarat.", "version": 1})),
        )
        .await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.text);
    assert_eq!(
        app.call(Method::POST, &format!("{INTRA}/submit"), &anna, None)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        app.call(Method::POST, &format!("{INTRA}/accept"), &anna, None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let accepted = app
        .call(Method::POST, &format!("{INTRA}/accept"), &sam, None)
        .await;
    assert_eq!(accepted.json()["state"], "accepted");
    assert_eq!(
        app.call(Method::POST, &format!("{INTRA}/accept"), &sam, None)
            .await
            .status,
        StatusCode::CONFLICT
    );
}

async fn last_years_answers_are_shown_beside_this_years(app: TestApp) {
    let anna = app
        .user(
            "anna@intraservice.se",
            Role::Uppgiftslamnare,
            &["intraservice"],
        )
        .await;
    let sam = app.user("sam@stadsledning.se", Role::Samordnare, &[]).await;
    let first = &question_ids(&app, &anna).await[0];
    app.call(
        Method::PUT,
        &answers_path(first),
        &anna,
        Some(json!({"answer": "nej", "comment": "Förra året", "version": 0})),
    )
    .await;
    app.open_next_round(&sam).await;
    let view = app
        .get("/api/v1/rounds/2026/responses/intraservice", &anna)
        .await
        .json();
    assert_eq!(view["previous_round"], "Uppföljning 2025");
    let previous = &view["questions"][0]["previous"];
    assert_eq!(
        (previous["label"].as_str(), previous["comment"].as_str()),
        (Some("Nej"), Some("Förra året"))
    );
    assert!(view["questions"][0]["answer"].is_null());
}

async fn bad_input_gets_a_clear_4xx_and_changes_nothing(app: TestApp) {
    let anna = app
        .user(
            "anna@intraservice.se",
            Role::Uppgiftslamnare,
            &["intraservice"],
        )
        .await;
    let path = answers_path("trygghetsprogram/strategi-1-1");
    let raw = |body: &'static [u8], content_type: &'static str| {
        Request::put(&path)
            .header(header::AUTHORIZATION, format!("Bearer {anna}"))
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .unwrap()
    };
    let cases: Vec<(Request<Body>, &str)> = vec![
        (raw(b"{\"answer\": \"ja\", ", "application/json"), "body"),
        (
            raw(b"{\"answer\": \"ja\", \"version\": 0}", "text/plain"),
            "Content-Type",
        ),
        (
            raw(
                b"{\"answer\": \"\xff\xfe\", \"version\": 0}",
                "application/json",
            ),
            "body",
        ),
        (
            raw(
                b"{\"answer\": \"ja\", \"version\": \"noll\"}",
                "application/json",
            ),
            "version",
        ),
        (
            raw(
                b"{\"answer\": \"ja\", \"version\": 0, \"extra\": 1}",
                "application/json",
            ),
            "extra",
        ),
    ];
    for (request, field) in cases {
        let reply = app.send(request).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text);
        assert_eq!(
            reply.headers[header::CONTENT_TYPE],
            "application/problem+json"
        );
        assert_eq!(reply.json()["field"], field, "{}", reply.text);
    }
    let long = app
        .call(
            Method::PUT,
            &path,
            &anna,
            Some(json!({"answer": "ja", "comment": "x".repeat(10_001), "version": 0})),
        )
        .await;
    assert_eq!(long.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        long.json()["field"],
        "comment",
        "the field that is too long is named"
    );
    assert!(
        long.json()["detail"]
            .as_str()
            .unwrap()
            .contains("högst 10000 tecken")
    );
    let unknown = app
        .call(
            Method::PUT,
            &path,
            &anna,
            Some(json!({"answer": "Kanske", "version": 0})),
        )
        .await;
    assert_eq!(
        (unknown.status, unknown.json()["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("answer"))
    );
    let negative = app
        .call(
            Method::PUT,
            &path,
            &anna,
            Some(json!({"answer": "ja", "version": -3})),
        )
        .await;
    assert_eq!(negative.status, StatusCode::BAD_REQUEST);
    let no_such = app
        .call(
            Method::PUT,
            &answers_path("trygghetsprogram/finns-inte"),
            &anna,
            Some(json!({"answer": "ja", "version": 0})),
        )
        .await;
    assert_eq!(no_such.status, StatusCode::NOT_FOUND);
    let not_a_key = app
        .call(
            Method::PUT,
            &answers_path("Trygghet/x"),
            &anna,
            Some(json!({"answer": "ja", "version": 0})),
        )
        .await;
    assert_eq!(not_a_key.status, StatusCode::NOT_FOUND);
    let not_assigned = app
        .call(
            Method::PUT,
            &answers_path("handlingsplan-gang/insats-2-1"),
            &anna,
            Some(json!({"answer": "ja", "version": 0})),
        )
        .await;
    assert_eq!(not_assigned.status, StatusCode::FORBIDDEN);

    let history = app.get(&format!("{INTRA}/history"), &anna).await.json();
    assert_eq!(
        history["changes"].as_array().unwrap().len(),
        0,
        "nothing was stored"
    );
}

async fn callers_without_valid_credentials_get_401(app: TestApp) {
    let anonymous = app
        .send(Request::get("/api/v1/rounds").body(Body::empty()).unwrap())
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(anonymous.headers[header::WWW_AUTHENTICATE], "Bearer");
    assert_eq!(anonymous.json()["title"], "Inloggning krävs");
    assert_eq!(
        app.get("/api/v1/me", "upf_gissad").await.status,
        StatusCode::UNAUTHORIZED
    );
    let page = app
        .send(Request::get("/").body(Body::empty()).unwrap())
        .await;
    assert_eq!(
        (
            page.status,
            page.headers[header::LOCATION].to_str().unwrap()
        ),
        (StatusCode::SEE_OTHER, "/logga-in")
    );
    let open = app
        .send(
            Request::get("/api/v1/openapi.json")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(open.status, StatusCode::OK, "the API description is public");
}

async fn progress_shows_state_answers_and_days_left(app: TestApp) {
    let anna = app
        .user(
            "anna@intraservice.se",
            Role::Uppgiftslamnare,
            &["intraservice"],
        )
        .await;
    let sam = app.user("sam@stadsledning.se", Role::Samordnare, &[]).await;
    let first = &question_ids(&app, &anna).await[0];
    app.call(
        Method::PUT,
        &answers_path(first),
        &anna,
        Some(json!({"answer": "ja", "version": 0})),
    )
    .await;
    let progress = app.get("/api/v1/rounds/2025/responses", &sam).await.json();
    let rows = progress.as_array().unwrap();
    assert_eq!(rows.len(), 41, "every active organisation has questions");
    let intra = rows
        .iter()
        .find(|r| r["organisation"] == "intraservice")
        .unwrap();
    assert_eq!(
        (
            intra["state"].as_str(),
            intra["answered"].as_u64(),
            intra["assigned"].as_u64()
        ),
        (Some("draft"), Some(1), Some(17))
    );
    assert!(intra["last_activity"].is_string());
    let closes = time::Date::parse(
        "2027-01-29",
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .unwrap();
    let expected = (closes - time::OffsetDateTime::now_utc().date()).whole_days();
    assert_eq!(intra["days_left"].as_i64(), Some(expected));
    let centrum = rows
        .iter()
        .find(|r| r["organisation"] == "socialnamnden-centrum")
        .unwrap();
    assert_eq!(
        (centrum["state"].as_str(), centrum["assigned"].as_u64()),
        (Some("not_started"), Some(32))
    );
}

async fn history_lists_every_change_and_state(app: TestApp) {
    let anna = app
        .user(
            "anna@intraservice.se",
            Role::Uppgiftslamnare,
            &["intraservice"],
        )
        .await;
    let path = answers_path("trygghetsprogram/strategi-1-1");
    app.call(
        Method::PUT,
        &path,
        &anna,
        Some(json!({"answer": "nej", "version": 0})),
    )
    .await;
    app.call(
        Method::PUT,
        &path,
        &anna,
        Some(json!({"answer": "ja", "comment": "Rättat", "version": 1})),
    )
    .await;
    app.call(Method::POST, &format!("{INTRA}/submit"), &anna, None)
        .await;
    let history = app.get(&format!("{INTRA}/history"), &anna).await.json();
    let changes: Vec<(Option<&str>, Option<&str>)> = history["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["old_answer"].as_str(), c["new_answer"].as_str()))
        .collect();
    assert_eq!(changes, [(None, Some("nej")), (Some("nej"), Some("ja"))]);
    assert_eq!(history["changes"][1]["new_comment"], "Rättat");
    app.call(
        Method::PUT,
        &answers_path("trygghetsprogram/strategi-1-2"),
        &anna,
        Some(json!({"answer": "ja", "version": 0})),
    )
    .await;
    let one = app
        .get(
            &format!("{INTRA}/history?question=trygghetsprogram/strategi-1-2"),
            &anna,
        )
        .await
        .json();
    assert_eq!(one["changes"].as_array().unwrap().len(), 1, "per answer");
    assert_eq!(
        app.get(&format!("{INTRA}/history?question=nonsens"), &anna)
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    assert!(
        history["events"].as_array().unwrap().is_empty(),
        "the refused submit left no event"
    );
}

async fn a_closed_round_can_be_reopened_for_one_organisation(app: TestApp) {
    let anna = app
        .user(
            "anna@intraservice.se",
            Role::Uppgiftslamnare,
            &["intraservice"],
        )
        .await;
    let sam = app.user("sam@stadsledning.se", Role::Samordnare, &[]).await;
    let path = answers_path("trygghetsprogram/strategi-1-1");
    app.call(
        Method::POST,
        "/api/v1/rounds/2025/state",
        &sam,
        Some(json!({"state": "closed"})),
    )
    .await;
    let late = app
        .call(
            Method::PUT,
            &path,
            &anna,
            Some(json!({"answer": "ja", "version": 0})),
        )
        .await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    let reopened = app
        .call(
            Method::POST,
            &format!("{INTRA}/reopen"),
            &sam,
            Some(json!({"message": "Ni får svara till fredag."})),
        )
        .await;
    assert_eq!(reopened.status, StatusCode::OK, "{}", reopened.text);
    assert_eq!(
        app.call(
            Method::PUT,
            &path,
            &anna,
            Some(json!({"answer": "ja", "version": 0}))
        )
        .await
        .status,
        StatusCode::OK
    );
    let other = app
        .user(
            "sven@sn.se",
            Role::Uppgiftslamnare,
            &["socialnamnden-centrum"],
        )
        .await;
    let still_closed = app
        .call(Method::PUT, "/api/v1/rounds/2025/responses/socialnamnden-centrum/answers/trygghetsprogram/strategi-1-1", &other, Some(json!({"answer": "ja", "version": 0})))
        .await;
    assert_eq!(still_closed.status, StatusCode::CONFLICT);
}

async fn tokens_are_listed_and_revoked(app: TestApp) {
    let anna = app
        .user(
            "anna@intraservice.se",
            Role::Uppgiftslamnare,
            &["intraservice"],
        )
        .await;
    let created = app
        .call(
            Method::POST,
            "/api/v1/tokens",
            &anna,
            Some(json!({"name": "skript"})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let (id, token) = (
        created.json()["id"].as_i64().unwrap(),
        created.json()["token"].as_str().unwrap().to_owned(),
    );
    assert_eq!(
        app.get("/api/v1/me", &token).await.json()["email"],
        "anna@intraservice.se"
    );
    let listed = app.get("/api/v1/tokens", &anna).await.json();
    assert_eq!(listed.as_array().unwrap().len(), 2);
    assert!(
        !listed.to_string().contains(&token),
        "secrets are never listed"
    );
    assert_eq!(
        app.call(Method::DELETE, &format!("/api/v1/tokens/{id}"), &anna, None)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.get("/api/v1/me", &token).await.status,
        StatusCode::UNAUTHORIZED
    );
    // A name with a control character (which PostgreSQL would not store), or none, is refused at
    // its field and makes no token; a revoked token cannot be revoked again.
    for name in ["skript\u{0}", "   ", &"x".repeat(101)] {
        let refused = app
            .call(
                Method::POST,
                "/api/v1/tokens",
                &anna,
                Some(json!({ "name": name })),
            )
            .await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.text);
        assert_eq!(refused.json()["field"], "name");
    }
    let listed = app.get("/api/v1/tokens", &anna).await.json();
    assert_eq!(listed.as_array().unwrap().len(), 2);
    let again = app
        .call(Method::DELETE, &format!("/api/v1/tokens/{id}"), &anna, None)
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_openapi_description_covers_every_api_route() {
    let app = TestApp::new(uppfolj_store::Backend::Sqlite).await;
    let reply = app
        .send(
            Request::get("/api/v1/openapi.json")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    let description = reply.json();
    assert_eq!(
        description["openapi"].as_str().map(|v| &v[..3]),
        Some("3.1")
    );
    let documented: Vec<&String> = description["paths"].as_object().unwrap().keys().collect();
    let source = include_str!("../src/api/mod.rs");
    let routes: Vec<String> = source
        .split("\"/api/v1/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|path| format!("/api/v1/{path}"))
        .filter(|path| path != "/api/v1/openapi.json")
        .collect();
    assert!(routes.len() >= 18, "{routes:?}");
    for route in routes {
        assert!(
            documented.iter().any(|d| **d == route),
            "{route} is not in the OpenAPI description"
        );
    }
}
