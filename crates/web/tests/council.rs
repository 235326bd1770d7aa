//! The council report's pages on both backends: the coordinators' page with the answers, a
//! suggestion that is not stored until saved, assessments and narratives saved from their
//! version and a stale save shown as a conflict; the indicator form; the downloads; and the
//! public report only once the round is published.

use crate::common;

use axum::http::{Method, StatusCode};
use serde_json::json;
use uppfolj_model::{Key, Role};

use common::{
    TestApp, get_page as get, hidden, location, not_coordinators, post_form as post, signed_in,
};

on_both_backends!(
    the_page_suggests_from_the_answers_and_stores_only_what_is_saved,
    an_assessment_saved_from_a_stale_page_is_a_conflict_and_changes_nothing,
    a_refused_assessment_names_its_field_and_stores_nothing,
    the_narrative_is_saved_per_goal_area,
    the_indicator_form_adds_and_edits_and_refuses_bad_values,
    only_coordinators_reach_the_working_page_and_the_public_only_a_published_report,
);

const PAGE: &str = "/omgangar/2025/rapport/trygghetsprogram";

async fn coordinator(app: &TestApp) -> (String, String) {
    let (_, cookie, csrf) = signed_in(app, "sam@stadsledning.se", Role::Samordnare, &[]).await;
    (cookie, csrf)
}

/// Intraservice answers *Ja* to strategy 1:1 and submits.
async fn intraservice_answers(app: &TestApp) {
    let anna = app
        .user(
            "anna@intraservice.se",
            Role::Uppgiftslamnare,
            &["intraservice"],
        )
        .await;
    let body = json!({"answers": [{"question": "trygghetsprogram/strategi-1-1", "answer": "ja", "comment": "Vi har lägesbilder.", "version": 0}]});
    let reply = app
        .call(
            Method::PUT,
            "/api/v1/rounds/2025/responses/intraservice/answers",
            &anna,
            Some(body),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
}

/// The assessment form of `subject` as the page shows it: its version.
fn version_of(page: &str, subject: &str) -> String {
    let at = page
        .find(&format!("name=\"amne\" value=\"{subject}\""))
        .unwrap_or_else(|| panic!("no form for {subject}"));
    hidden(&page[at..], "version")
}

async fn the_page_suggests_from_the_answers_and_stores_only_what_is_saved(app: TestApp) {
    intraservice_answers(&app).await;
    let (cookie, csrf) = coordinator(&app).await;
    let page = get(&app, &cookie, PAGE).await;
    assert_eq!(page.status, StatusCode::OK);
    let text = &page.text;
    assert!(text.contains("Förslag utifrån svaren (inte sparat):</strong> Arbetar i enlighet med strategin. 1 av 1 organisationer som tagit ställning svarade ja (100 %)."), "{text}");
    assert!(text.contains("Nämnden för Intraservice (Ja):</strong> <span class=\"comment\">Vi har lägesbilder.</span>"), "{text}");
    assert!(text.contains("Ingen bedömning är sparad ännu."));
    let store = app.store();
    let (round, document) = (
        Key::parse("2025").unwrap(),
        Key::parse("trygghetsprogram").unwrap(),
    );
    assert!(
        store
            .assessments(&round, &document)
            .await
            .unwrap()
            .is_empty(),
        "a suggestion is never stored by showing it"
    );

    let saved = post(
        &app,
        &cookie,
        &format!("{PAGE}/bedomning"),
        &[
            ("csrf", &csrf),
            ("amne", "strategi-1-1"),
            ("niva", "mindre-utveckling"),
            ("motivering", "Bra början, men **inte** klart."),
            ("version", "0"),
        ],
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    assert_eq!(
        location(&saved),
        format!("{PAGE}?sparad=bedomning#bedomning-strategi-1-1")
    );
    let stored = store.assessments(&round, &document).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].level.as_str(), "mindre-utveckling");
    assert_eq!(stored[0].assessed_by, "sam@stadsledning.se");
    let page = get(&app, &cookie, &format!("{PAGE}?sparad=bedomning")).await;
    assert!(page.text.contains("Bedömningen är sparad."));
    let log = get(&app, &cookie, "/logg?handelse=assessment_saved").await;
    assert!(
        log.text
            .contains("bedomning/2025/trygghetsprogram/strategi-1-1"),
        "the save is in the audit log: {}",
        log.text
    );
    assert!(page.text.contains("Sparad av sam@stadsledning.se"));
    assert!(
        page.text.contains("value=\"mindre-utveckling\" checked"),
        "the stored level, not the suggestion"
    );

    // The report files carry it; the Markdown in words.
    let md = get(&app, &cookie, &format!("{PAGE}/fil/rapport.md")).await;
    assert_eq!(md.status, StatusCode::OK);
    assert!(
        md.text.contains("Mindre utvecklingsarbete kvarstår |"),
        "{}",
        md.text
    );
    for (file, media) in [
        ("rapport.pdf", "application/pdf"),
        (
            "rapport.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("rapport.html", "text/html; charset=utf-8"),
    ] {
        let reply = get(&app, &cookie, &format!("{PAGE}/fil/{file}")).await;
        assert_eq!(reply.status, StatusCode::OK, "{file}");
        assert_eq!(reply.headers["content-type"], media, "{file}");
    }
    assert_eq!(
        get(&app, &cookie, &format!("{PAGE}/fil/rapport.exe"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

async fn an_assessment_saved_from_a_stale_page_is_a_conflict_and_changes_nothing(app: TestApp) {
    let (cookie, csrf) = coordinator(&app).await;
    let page = get(&app, &cookie, PAGE).await;
    let seen = version_of(&page.text, "strategi-2-1");
    assert_eq!(seen, "0");
    let first = post(
        &app,
        &cookie,
        &format!("{PAGE}/bedomning"),
        &[
            ("csrf", &csrf),
            ("amne", "strategi-2-1"),
            ("niva", "i-enlighet"),
            ("motivering", "Först."),
            ("version", &seen),
        ],
    )
    .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let late = post(
        &app,
        &cookie,
        &format!("{PAGE}/bedomning"),
        &[
            ("csrf", &csrf),
            ("amne", "strategi-2-1"),
            ("niva", "ej-paborjat"),
            ("motivering", "Sent."),
            ("version", &seen),
        ],
    )
    .await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert!(
        late.text
            .contains("Någon annan har sparat en bedömning under tiden")
    );
    assert!(
        late.text.contains("Arbetar i enlighet med strategin"),
        "what is stored"
    );
    assert!(late.text.contains("Arbetet ej påbörjat"), "what was sent");
    assert!(
        late.text
            .contains("<input type=\"hidden\" name=\"version\" value=\"1\">"),
        "keeping one's own saves over version 1"
    );
    let stored = app
        .store()
        .assessments(
            &Key::parse("2025").unwrap(),
            &Key::parse("trygghetsprogram").unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(
        stored[0].motivation, "Först.",
        "nothing stored from the stale page"
    );
    let api_like = post(
        &app,
        &cookie,
        &format!("{PAGE}/bedomning"),
        &[
            ("csrf", &csrf),
            ("amne", "strategi-2-1"),
            ("niva", "ej-paborjat"),
            ("motivering", "Sent."),
            ("version", "1"),
        ],
    )
    .await;
    assert_eq!(
        api_like.status,
        StatusCode::SEE_OTHER,
        "saved over the version now seen"
    );
}

async fn a_refused_assessment_names_its_field_and_stores_nothing(app: TestApp) {
    let (cookie, csrf) = coordinator(&app).await;
    let unknown_level = post(
        &app,
        &cookie,
        &format!("{PAGE}/bedomning"),
        &[
            ("csrf", &csrf),
            ("amne", "strategi-1-1"),
            ("niva", "kanske"),
            ("motivering", "x"),
            ("version", "0"),
        ],
    )
    .await;
    assert_eq!(unknown_level.status, StatusCode::BAD_REQUEST);
    assert!(
        unknown_level.text.contains("href=\"#niva-strategi-1-1\""),
        "{}",
        unknown_level.text
    );
    assert!(unknown_level.text.contains(
        "Välj en bedömning: Arbetar i enlighet med strategin, Mindre utvecklingsarbete kvarstår"
    ));
    let unknown_subject = post(
        &app,
        &cookie,
        &format!("{PAGE}/bedomning"),
        &[
            ("csrf", &csrf),
            ("amne", "strategi-9-9"),
            ("niva", "i-enlighet"),
            ("motivering", ""),
            ("version", "0"),
        ],
    )
    .await;
    assert_eq!(unknown_subject.status, StatusCode::BAD_REQUEST);
    let control = post(
        &app,
        &cookie,
        &format!("{PAGE}/bedomning"),
        &[
            ("csrf", &csrf),
            ("amne", "strategi-1-1"),
            ("niva", "i-enlighet"),
            ("motivering", "a\u{7}b"),
            ("version", "0"),
        ],
    )
    .await;
    assert_eq!(control.status, StatusCode::BAD_REQUEST);
    assert!(control.text.contains("href=\"#motivering-strategi-1-1\""));
    assert!(
        control
            .text
            .contains("name=\"motivering\" rows=\"4\">a\u{7}b</textarea>")
            || control.text.contains(">a\u{7}b</textarea>"),
        "what was written is kept in its form"
    );
    assert!(
        unknown_level.text.contains(">x</textarea>"),
        "the motivation of a refused level is kept"
    );
    let forged = post(
        &app,
        &cookie,
        &format!("{PAGE}/bedomning"),
        &[
            ("csrf", "fel"),
            ("amne", "strategi-1-1"),
            ("niva", "i-enlighet"),
            ("motivering", ""),
            ("version", "0"),
        ],
    )
    .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(
        app.store()
            .assessments(
                &Key::parse("2025").unwrap(),
                &Key::parse("trygghetsprogram").unwrap()
            )
            .await
            .unwrap()
            .is_empty()
    );
}

async fn the_narrative_is_saved_per_goal_area(app: TestApp) {
    let (cookie, csrf) = coordinator(&app).await;
    let saved = post(
        &app,
        &cookie,
        &format!("{PAGE}/text"),
        &[
            ("csrf", &csrf),
            ("omrade", "malomrade-1"),
            ("sedan", "Mer kunskap.\n\n- Lägesbilder"),
            ("framat", "Samverkan."),
            ("version", "0"),
        ],
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    let page = get(&app, &cookie, PAGE).await;
    assert!(
        page.text
            .contains(">Mer kunskap.\n\n- Lägesbilder</textarea>"),
        "{}",
        page.text
    );
    let stale = post(
        &app,
        &cookie,
        &format!("{PAGE}/text"),
        &[
            ("csrf", &csrf),
            ("omrade", "malomrade-1"),
            ("sedan", "Annat."),
            ("framat", ""),
            ("version", "0"),
        ],
    )
    .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.text.contains("Mer kunskap."));
    let html = get(&app, &cookie, &format!("{PAGE}/fil/rapport.html")).await;
    assert!(
        html.text
            .contains("<p>Mer kunskap.</p><ul><li>Lägesbilder</li></ul>"),
        "{}",
        html.text
    );
}

async fn the_indicator_form_adds_and_edits_and_refuses_bad_values(app: TestApp) {
    let (cookie, csrf) = coordinator(&app).await;
    let list = "/styrdokument/trygghetsprogram/indikatorer";
    let bad = post(
        &app,
        &cookie,
        list,
        &[
            ("csrf", &csrf),
            ("namn", "Trygga"),
            ("riktning", "higher"),
            ("utgangsar", "2021"),
            ("utgangsvarde", "6x"),
            ("varden", "2022: 61,5\nfel rad"),
        ],
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.text.contains("«6x» är inte ett tal."), "{}", bad.text);
    assert!(bad.text.contains("Rad 2 («fel rad»)"), "{}", bad.text);
    assert!(
        bad.text.contains("value=\"Trygga\""),
        "what was written is kept"
    );
    let document = Key::parse("trygghetsprogram").unwrap();
    assert!(app.store().indicators(&document).await.unwrap().is_empty());

    let added = post(
        &app,
        &cookie,
        list,
        &[
            ("csrf", &csrf),
            ("namn", "Andel trygga"),
            ("kalla", "Enkät"),
            ("enhet", "%"),
            ("riktning", "higher"),
            ("omrade", "malomrade-3"),
            ("utgangsar", "2021"),
            ("utgangsvarde", "60"),
            ("malar", "2026"),
            ("malvarde", "70"),
            ("varden", "2022: 61,5\n2024: 66"),
            ("exempel", "ja"),
        ],
    )
    .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text);
    assert_eq!(location(&added), format!("{list}?sparad=andel-trygga"));
    let listed = get(&app, &cookie, &format!("{list}?sparad=andel-trygga")).await;
    assert!(listed.text.contains("I fas med målet"), "{}", listed.text);
    assert!(listed.text.contains("66 % (2024)"));

    let edit = get(&app, &cookie, &format!("{list}/andel-trygga")).await;
    assert_eq!(edit.status, StatusCode::OK);
    assert!(
        edit.text.contains("2022: 61,5\n2024: 66</textarea>"),
        "{}",
        edit.text
    );
    let version = hidden(&edit.text, "version");
    let form = |name: &'static str, version: String| {
        vec![
            ("csrf", csrf.clone()),
            ("version", version),
            ("namn", name.to_owned()),
            ("riktning", "higher".to_owned()),
            ("malar", "2026".to_owned()),
            ("malvarde", "70".to_owned()),
            ("varden", "2024: 64".to_owned()),
        ]
    };
    let fields = form("Andel trygga kvällstid", version.clone());
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let saved = post(&app, &cookie, &format!("{list}/andel-trygga"), &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    let stale = form("Något annat", version);
    let stale: Vec<(&str, &str)> = stale.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = post(&app, &cookie, &format!("{list}/andel-trygga"), &stale).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.text.contains("Någon annan har ändrat indikatorn"));
    assert!(
        refused.text.contains("value=\"Andel trygga kvällstid\""),
        "the form shows what is stored now"
    );
    let stored = app.store().indicators(&document).await.unwrap();
    assert_eq!(stored[0].indicator.name, "Andel trygga kvällstid");
    assert_eq!(stored[0].indicator.values.len(), 1);

    // Assessed per goal area: the report's subjects become the goal areas.
    let settings = "/styrdokument/trygghetsprogram/bedomning";
    let refused = post(
        &app,
        &cookie,
        settings,
        &[
            ("csrf", &csrf),
            ("niva", "section"),
            ("skala", "finns-inte"),
        ],
    )
    .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.text.contains("href=\"#skala\""), "{}", refused.text);
    let saved = post(
        &app,
        &cookie,
        settings,
        &[("csrf", &csrf), ("niva", "section"), ("skala", "bedomning")],
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let page = get(&app, &cookie, PAGE).await;
    assert!(
        page.text.contains("name=\"amne\" value=\"malomrade-1\""),
        "a form per goal area"
    );
    assert!(!page.text.contains("name=\"amne\" value=\"strategi-1-1\""));
    let md = get(&app, &cookie, &format!("{PAGE}/fil/rapport.md")).await;
    assert!(
        md.text.contains("| Nr | Målområde | Bedömning |"),
        "{}",
        md.text
    );
}

async fn only_coordinators_reach_the_working_page_and_the_public_only_a_published_report(
    app: TestApp,
) {
    for (cookie, csrf) in not_coordinators(&app).await {
        assert_eq!(get(&app, &cookie, PAGE).await.status, StatusCode::FORBIDDEN);
        let posted = post(
            &app,
            &cookie,
            &format!("{PAGE}/bedomning"),
            &[
                ("csrf", &csrf),
                ("amne", "strategi-1-1"),
                ("niva", "i-enlighet"),
                ("motivering", ""),
                ("version", "0"),
            ],
        )
        .await;
        assert_eq!(posted.status, StatusCode::FORBIDDEN);
        let indicator = post(
            &app,
            &cookie,
            "/styrdokument/trygghetsprogram/indikatorer",
            &[("csrf", &csrf), ("namn", "X"), ("riktning", "higher")],
        )
        .await;
        assert_eq!(indicator.status, StatusCode::FORBIDDEN);
    }
    let public = "/publicerat/2025/rapport/trygghetsprogram";
    let anonymous = app.get(public, "").await;
    assert_eq!(
        anonymous.status,
        StatusCode::NOT_FOUND,
        "not before publication"
    );
    let sam = app
        .user("sam2@stadsledning.se", Role::Samordnare, &[])
        .await;
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
    let shown = app.get(public, "").await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(
        shown
            .text
            .contains("<h2 id=\"sammanfattning\">Sammanfattning</h2>")
    );
    let pdf = app.get(&format!("{public}/fil/rapport.pdf"), "").await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert!(pdf.bytes.starts_with(b"%PDF"));
    assert_eq!(
        app.get("/publicerat/2025/rapport/finns-inte", "")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let listing = app.get("/publicerat", "").await;
    assert!(
        listing
            .text
            .contains("href=\"/publicerat/2025/rapport/trygghetsprogram\"")
    );
}
