//! E-mail through a real SMTP server (aiosmtpd, started by the test), on both backends: the
//! coordinator's reminders reach the respondents of the organisations chosen, with the deadline
//! and a link to their form; returning a response for completion tells its respondents why.

use crate::common;

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use uppfolj_model::Role;

use common::smtp::SmtpSink;
use common::{TestApp, encode, hidden, session, with_cookie};

on_both_backends_with_mail!(
    reminders_reach_the_respondents_of_the_organisations_chosen,
    returning_a_response_tells_its_respondents_why,
);

async fn coordinator(app: &TestApp) -> (String, String) {
    app.user("sam@stad.test", Role::Samordnare, &[]).await;
    let cookie = session(app, "sam@stad.test").await;
    let page = with_cookie(app, Method::GET, "/", &cookie, None, None).await;
    let csrf = hidden(&page.text, "csrf");
    (cookie, csrf)
}

async fn reminders_reach_the_respondents_of_the_organisations_chosen(
    app: TestApp,
    sink: &SmtpSink,
) {
    app.user(
        "anna@intraservice.test",
        Role::Uppgiftslamnare,
        &["intraservice"],
    )
    .await;
    app.user(
        "bo@intraservice.test",
        Role::Uppgiftslamnare,
        &["intraservice"],
    )
    .await;
    app.user("cia@kultur.test", Role::Uppgiftslamnare, &["kulturnamnden"])
        .await;
    let (cookie, csrf) = coordinator(&app).await;
    let page = with_cookie(
        &app,
        Method::GET,
        "/omgangar/2025/hantera",
        &cookie,
        None,
        None,
    )
    .await;
    assert!(
        page.text
            .contains("name=\"organisation\" value=\"intraservice\"")
    );
    let sent = with_cookie(
        &app,
        Method::POST,
        "/omgangar/2025/paminn",
        &cookie,
        None,
        Some(&encode(&[
            ("csrf", &csrf),
            ("organisation", "intraservice"),
            ("organisation", "arkivnamnden"),
        ])),
    )
    .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.text);
    assert!(
        sent.text.contains(
            "Påminnelsen skickades till 2 personer på 1 organisation. Ingen svarar för Arkivnämnden"
        ),
        "{}",
        sent.text
    );
    let messages = sink.messages(2);
    let mut to: Vec<&str> = messages
        .iter()
        .map(|m| m["to"][0].as_str().unwrap())
        .collect();
    to.sort();
    assert_eq!(
        to,
        ["anna@intraservice.test", "bo@intraservice.test"],
        "not Kulturnämnden's"
    );
    let first = &messages[0];
    assert_eq!(first["subject"], json!("Påminnelse: Uppföljning 2025"));
    assert_eq!(first["from"], json!("uppfolj@stad.test"));
    let body = first["body"].as_str().unwrap();
    assert!(body.contains("Nämnden för Intraservice har ännu inte skickat in sitt svar"));
    assert!(
        body.contains("http://uppfolj.test/omgangar/2025/svar/intraservice"),
        "{body}"
    );

    let none = with_cookie(
        &app,
        Method::POST,
        "/omgangar/2025/paminn",
        &cookie,
        None,
        Some(&encode(&[("csrf", &csrf)])),
    )
    .await;
    assert_eq!(none.status, StatusCode::BAD_REQUEST);
    assert!(none.text.contains("Kryssa för minst en organisation"));
    assert_eq!(sink.messages(3).len(), 2, "nothing more was sent");

    // Sent from the start page's board, the reminder goes back to the board as it was filtered.
    let from_board = with_cookie(
        &app,
        Method::POST,
        "/omgangar/2025/paminn",
        &cookie,
        None,
        Some(&encode(&[
            ("csrf", &csrf),
            ("organisation", "intraservice"),
            ("fran_start", "ja"),
            ("status", "ej-klara"),
            ("typ", "namnd"),
        ])),
    )
    .await;
    assert_eq!(
        from_board.status,
        StatusCode::SEE_OTHER,
        "{}",
        from_board.text
    );
    let back = from_board.headers[axum::http::header::LOCATION]
        .to_str()
        .unwrap();
    assert!(
        back.starts_with("/?status=ej-klara&typ=namnd&paminnelse="),
        "{back}"
    );
    let board = with_cookie(
        &app,
        Method::GET,
        back.split('#').next().unwrap(),
        &cookie,
        None,
        None,
    )
    .await;
    assert!(
        board
            .text
            .contains("Påminnelsen skickades till 2 personer på 1 organisation."),
        "{}",
        board.text
    );
    assert!(
        board.text.contains("<option value=\"ej-klara\" selected>"),
        "the filter is kept"
    );
    assert!(
        board.text.contains(">Ej påbörjad: "),
        "counts per state above the board"
    );
    assert_eq!(sink.messages(4).len(), 4);
    let row = |board: &str, name: &str| -> String {
        let at = board.find(&format!(">{name}</a></th>")).unwrap();
        board[at..at + board[at..].find("</tr>").unwrap()].to_owned()
    };
    let board = with_cookie(&app, Method::GET, "/?status=ej-klara", &cookie, None, None).await;
    let last = row(&board.text, "Nämnden för Intraservice");
    assert!(
        last.contains("<td>20") && !last.ends_with("<td>–</td>\n  "),
        "when Intraservice was last reminded: {last}"
    );
    assert!(
        row(&board.text, "Kulturnämnden").contains("<td>–</td>\n  "),
        "never reminded"
    );

    // «Påminn alla» reaches every organisation shown that has not submitted, and only those.
    assert!(board.text.contains("name=\"alla\" value=\"ja\""));
    let all = with_cookie(
        &app,
        Method::POST,
        "/omgangar/2025/paminn",
        &cookie,
        None,
        Some(&encode(&[
            ("csrf", &csrf),
            ("alla", "ja"),
            ("fran_start", "ja"),
            ("status", "ej-klara"),
            ("typ", ""),
        ])),
    )
    .await;
    assert_eq!(all.status, StatusCode::SEE_OTHER, "{}", all.text);
    let to: Vec<String> = sink
        .messages(7)
        .iter()
        .skip(4)
        .map(|m| m["to"][0].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        to.len(),
        3,
        "both of Intraservice's and Kulturnämnden's: {to:?}"
    );
    assert!(to.contains(&"cia@kultur.test".to_owned()));
}

async fn returning_a_response_tells_its_respondents_why(app: TestApp, sink: &SmtpSink) {
    let anna = app
        .user(
            "anna@intraservice.test",
            Role::Uppgiftslamnare,
            &["intraservice"],
        )
        .await;
    let sam = app.user("sam@stad.test", Role::Samordnare, &[]).await;
    let response = app
        .get("/api/v1/rounds/2025/responses/intraservice", &anna)
        .await
        .json();
    let answers: Vec<Value> = response["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| json!({ "question": q["id"], "answer": q["scale"]["options"][0]["key"], "version": 0 }))
        .collect();
    app.call(
        Method::PUT,
        "/api/v1/rounds/2025/responses/intraservice/answers",
        &anna,
        Some(json!({ "answers": answers })),
    )
    .await;
    let submitted = app
        .call(
            Method::POST,
            "/api/v1/rounds/2025/responses/intraservice/submit",
            &anna,
            None,
        )
        .await;
    assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.text);
    let returned = app
        .call(
            Method::POST,
            "/api/v1/rounds/2025/responses/intraservice/return",
            &sam,
            Some(json!({ "message": "Beskriv insatserna för unga." })),
        )
        .await;
    assert_eq!(returned.status, StatusCode::OK, "{}", returned.text);
    let messages = sink.messages(1);
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0]["to"], json!(["anna@intraservice.test"]));
    assert_eq!(
        messages[0]["subject"],
        json!("Komplettera svaret: Uppföljning 2025")
    );
    assert!(
        messages[0]["body"]
            .as_str()
            .unwrap()
            .contains("Beskriv insatserna för unga.")
    );
}
