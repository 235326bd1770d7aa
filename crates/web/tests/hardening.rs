//! What no respondent's text may do, through the real router on both backends: a control
//! character is refused naming its field and changes nothing (PostgreSQL takes no NUL at all);
//! an emoji, right-to-left text or a character no font has never stops a report or the
//! compilation from being made.

use crate::common;

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use uppfolj_model::Role;

use common::TestApp;

on_both_backends!(
    control_characters_in_a_comment_are_refused_naming_the_field,
    any_printable_text_in_comments_still_makes_every_report,
);

const INTRA: &str = "/api/v1/rounds/2025/responses/intraservice";

async fn control_characters_in_a_comment_are_refused_naming_the_field(app: TestApp) {
    let anna = app
        .user(
            "anna@intraservice.se",
            Role::Uppgiftslamnare,
            &["intraservice"],
        )
        .await;
    let one = format!("{INTRA}/answers/trygghetsprogram/strategi-1-1");
    for comment in ["Noll\u{0}byte", "Klocka\u{7}", "Escape\u{1b}[31m", "CR\r"] {
        let reply = app
            .call(
                Method::PUT,
                &one,
                &anna,
                Some(json!({"answer": "ja", "comment": comment, "version": 0})),
            )
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text);
        assert_eq!(reply.json()["field"], "comment", "{}", reply.text);
        assert!(
            reply.json()["detail"]
                .as_str()
                .unwrap()
                .contains("styrtecken"),
            "{}",
            reply.text
        );
    }
    let batch = json!({"answers": [
        {"question": "trygghetsprogram/strategi-1-1", "answer": "ja", "comment": "Rad ett\n\tRad två", "version": 0},
        {"question": "trygghetsprogram/strategi-1-2", "answer": "ja", "comment": "a\u{0}b", "version": 0},
    ]});
    let reply = app
        .call(Method::PUT, &format!("{INTRA}/answers"), &anna, Some(batch))
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text);
    assert_eq!(
        reply.json()["field"],
        "answers[1].comment",
        "{}",
        reply.text
    );
    let response = app.get(INTRA, &anna).await.json();
    assert!(
        response["answers"].as_array().is_none_or(Vec::is_empty)
            && response["questions"]
                .as_array()
                .unwrap()
                .iter()
                .all(|q| q["answer"].is_null()),
        "nothing was stored: {response}"
    );
    // Tabs and line breaks are text.
    let reply = app
        .call(
            Method::PUT,
            &one,
            &anna,
            Some(json!({"answer": "ja", "comment": "Rad ett\n\tRad två", "version": 0})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
}

async fn any_printable_text_in_comments_still_makes_every_report(app: TestApp) {
    let anna = app
        .user(
            "anna@intraservice.se",
            Role::Uppgiftslamnare,
            &["intraservice"],
        )
        .await;
    let sam = app.user("sam@stadsledning.se", Role::Samordnare, &[]).await;
    let texts = [
        "Bra jobbat 👍🏽 👨\u{200D}👩\u{200D}👧",
        "مرحبا بالعالم — שלום עולם",
        "中文 \u{E000} \u{F0000} \u{378} \u{FEFF}\u{200F}x",
        "1\u{20DD} e\u{301} ǅ ʰ ½ Ⅻ ∑ € « » \u{2028}\u{2029}",
    ];
    let form = app.get(INTRA, &anna).await.json();
    let answers: Vec<Value> = form["questions"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, q)| {
            json!({"question": q["id"], "answer": q["scale"]["options"][0]["key"],
                   "comment": texts[i % texts.len()], "version": 0})
        })
        .collect();
    let saved = app
        .call(
            Method::PUT,
            &format!("{INTRA}/answers"),
            &anna,
            Some(json!({ "answers": answers })),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
    let submitted = app
        .call(Method::POST, &format!("{INTRA}/submit"), &anna, None)
        .await;
    assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.text);
    for file in ["rapport.pdf", "rapport.html", "rapport.md"] {
        let (_, cookie, _) =
            common::signed_in(&app, &format!("s{file}@stad.se"), Role::Samordnare, &[]).await;
        let uri = format!("/omgangar/2025/svar/intraservice/{file}");
        let reply = common::get_page(&app, &cookie, &uri).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.text);
    }
    for state in ["closed", "published"] {
        let reply = app
            .call(
                Method::POST,
                "/api/v1/rounds/2025/state",
                &sam,
                Some(json!({ "state": state })),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    }
    for uri in [
        "/publicerat/2025",
        "/publicerat/2025/sammanstallning.pdf",
        "/publicerat/2025/data/sammanstallning.json",
    ] {
        let request = axum::http::Request::get(uri).body(axum::body::Body::empty());
        let reply = app.send(request.unwrap()).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.text);
    }
}
