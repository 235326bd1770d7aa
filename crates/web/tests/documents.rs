//! The coordinators' pages for steering documents through the real router, on both backends:
//! creating a document, adding sections and questions, moving, retiring and restoring them,
//! editing an unused question in place and a used one as a new version that the rounds which
//! used it never show, stale forms as conflicts, refused input at its field, and that nobody
//! but a coordinator gets in.

use crate::common;

use axum::http::{Method, StatusCode, header};
use serde_json::json;
use uppfolj_model::{Key, Role};

use common::{Reply, TestApp, encode, hidden, session, with_cookie};

on_both_backends!(
    a_coordinator_creates_a_document_with_sections_and_questions,
    sections_and_questions_move_and_are_retired_and_restored,
    an_unused_question_is_edited_in_place,
    a_used_question_is_edited_as_a_new_version_and_old_rounds_keep_the_old_wording,
    a_published_round_is_unchanged_by_later_edits_and_retirements,
    a_stale_form_is_a_conflict_and_changes_nothing,
    refused_input_is_shown_at_its_field_and_changes_nothing,
    only_coordinators_reach_the_document_pages,
    a_document_downloads_as_xlsform_and_surveyjs_and_an_upload_becomes_a_document,
    an_uploaded_file_with_problems_lists_them_and_stores_nothing,
);

/// Posts `file` as the upload form does: multipart, with the CSRF token.
async fn upload(app: &TestApp, cookie: &str, csrf: &str, name: &str, file: &[u8]) -> Reply {
    let boundary = "uppfoljgrans";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"fil\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let request = axum::http::Request::post("/styrdokument/las-in")
        .header(header::COOKIE, format!("uppfolj_session={cookie}"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(axum::body::Body::from(body))
        .unwrap();
    app.send(request).await
}

async fn a_document_downloads_as_xlsform_and_surveyjs_and_an_upload_becomes_a_document(
    app: TestApp,
) {
    app.user("sam@stad.se", Role::Samordnare, &[]).await;
    let cookie = session(&app, "sam@stad.se").await;
    let page = with_cookie(
        &app,
        Method::GET,
        &format!("/styrdokument/{PLAN}"),
        &cookie,
        None,
        None,
    )
    .await;
    assert!(page.text.contains(&format!(
        "href=\"/styrdokument/{PLAN}/fragor.xlsx\" download"
    )));
    let workbook = with_cookie(
        &app,
        Method::GET,
        &format!("/styrdokument/{PLAN}/fragor.xlsx"),
        &cookie,
        None,
        None,
    )
    .await;
    assert_eq!(workbook.status, StatusCode::OK);
    assert!(workbook.bytes.starts_with(b"PK"));
    assert_eq!(
        workbook.headers[header::CONTENT_DISPOSITION],
        format!("attachment; filename=\"{PLAN}.xlsx\"")
    );
    let json = with_cookie(
        &app,
        Method::GET,
        &format!("/styrdokument/{PLAN}/fragor.json"),
        &cookie,
        None,
        None,
    )
    .await;
    assert_eq!(json.json()["uppfolj"]["key"], PLAN);

    // The downloaded workbook read back in changes nothing, and says so.
    let list = with_cookie(&app, Method::GET, "/styrdokument", &cookie, None, None).await;
    let csrf = hidden(&list.text, "csrf");
    let before = app.store().definitions().await.unwrap();
    let again = upload(&app, &cookie, &csrf, "plan.xlsx", &workbook.bytes).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.text);
    assert_eq!(
        again.headers[header::LOCATION],
        format!("/styrdokument/{PLAN}?sparat=inlast")
    );
    let after = app.store().definitions().await.unwrap();
    assert_eq!(
        after
            .documents
            .iter()
            .find(|d| d.key.as_str() == PLAN)
            .unwrap()
            .current(),
        before
            .documents
            .iter()
            .find(|d| d.key.as_str() == PLAN)
            .unwrap()
            .current()
    );

    // A question set made elsewhere becomes a new document.
    let survey = r#"{"title": "Kulturplanen", "pages": [{"name": "mal", "title": "Mål", "elements": [
        {"type": "radiogroup", "name": "q1", "title": "Når ni nya grupper?", "choices": ["Ja", "Nej"]}]}]}"#;
    let added = upload(&app, &cookie, &csrf, "kultur.json", survey.as_bytes()).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text);
    let shown = with_cookie(
        &app,
        Method::GET,
        "/styrdokument/kulturplanen?sparat=inlast",
        &cookie,
        None,
        None,
    )
    .await;
    assert!(shown.text.contains("Filen är inläst"));
    assert!(shown.text.contains("Når ni nya grupper?"));

    // Nobody else downloads or uploads.
    app.user(
        "anna@intraservice.se",
        Role::Uppgiftslamnare,
        &["intraservice"],
    )
    .await;
    let anna = session(&app, "anna@intraservice.se").await;
    let refused = with_cookie(
        &app,
        Method::GET,
        &format!("/styrdokument/{PLAN}/fragor.xlsx"),
        &anna,
        None,
        None,
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

async fn an_uploaded_file_with_problems_lists_them_and_stores_nothing(app: TestApp) {
    app.user("sam@stad.se", Role::Samordnare, &[]).await;
    let cookie = session(&app, "sam@stad.se").await;
    let list = with_cookie(&app, Method::GET, "/styrdokument", &cookie, None, None).await;
    let csrf = hidden(&list.text, "csrf");
    let before = app.store().definitions().await.unwrap();
    let survey = r#"{"title": "Trasig", "pages": [{"name": "a", "elements": [
        {"type": "matrix", "name": "m"}, {"type": "radiogroup", "name": "q"}]}]}"#;
    let refused = upload(&app, &cookie, &csrf, "trasig.json", survey.as_bytes()).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(
        refused.text.contains("2 fel i filen; inget sparades"),
        "{}",
        refused.text
    );
    assert!(refused.text.contains(
        "<li>trasig.json: pages[0].elements[0]: elementtypen «matrix» har ingen motsvarighet i Uppfölj; använd radiogroup, dropdown, boolean, text eller comment</li>"
    ));
    let other = upload(&app, &cookie, &csrf, "anteckning.txt", b"hej").await;
    assert_eq!(other.status, StatusCode::BAD_REQUEST);
    assert!(other.text.contains("filen är varken en XLSForm-arbetsbok"));
    let empty = upload(&app, &cookie, &csrf, "", b"").await;
    assert!(empty.text.contains("Välj en fil att läsa in."));
    let huge = upload(&app, &cookie, &csrf, "stor.xlsx", &vec![b'x'; 3 << 20]).await;
    assert_eq!(huge.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", huge.text);
    let forged = upload(&app, &cookie, "fel", "x.json", survey.as_bytes()).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(
        *app.store().definitions().await.unwrap(),
        *before,
        "nothing stored"
    );
}

const PLAN: &str = "trygghetsprogram";

/// A user's API token, session cookie and CSRF token.
async fn signed_in(
    app: &TestApp,
    email: &str,
    role: Role,
    organisations: &[&str],
) -> (String, String, String) {
    let token = app.user(email, role, organisations).await;
    let cookie = session(app, email).await;
    let page = with_cookie(app, Method::GET, "/", &cookie, None, None).await;
    (token, cookie, hidden(&page.text, "csrf"))
}

async fn coordinator(app: &TestApp) -> (String, String, String) {
    signed_in(app, "sam@stad.se", Role::Samordnare, &[]).await
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

/// The value of the hidden `version` field of the form posting to `action`.
fn version_in(html: &str, marker: &str) -> String {
    let at = html
        .find(marker)
        .unwrap_or_else(|| panic!("no {marker} in {html}"));
    hidden(&html[at..], "version")
}

async fn question_text(app: &TestApp, document: &str, question: &str) -> Option<(String, bool)> {
    let definitions = app.store().definitions().await.unwrap();
    let document = definitions
        .documents
        .iter()
        .find(|d| d.key.as_str() == document)?;
    document
        .question(&Key::parse(question).unwrap())
        .map(|q| (q.text.clone(), q.retired))
}

/// The fields of the add-a-question form.
fn new_question<'a>(csrf: &'a str, section: &'a str, text: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("avsnitt", section),
        ("text", text),
        (
            "vagledning",
            "Insats 1:1 Ett stycke.\n\nFörväntat resultat: Ett till.",
        ),
        ("malgrupp", "samtliga nämnder"),
        ("skala", "ja-delvis-nej"),
        ("kommentar", "vid-svar"),
        ("kommentar_vid", "nej"),
        ("kommentar_vid", "delvis"),
        ("nyckel", ""),
    ]
}

/// Creates the document `testplan` with a section `del-1` holding a question `fraga-1`.
async fn test_plan(app: &TestApp, cookie: &str, csrf: &str) {
    let created = post(
        app,
        cookie,
        "/styrdokument",
        &[
            ("csrf", csrf),
            ("titel", "Testplan för trygghet"),
            ("typ", "plan"),
            ("fran", "2025"),
            ("till", "2028"),
            ("rubrik", ""),
            ("nyckel", "testplan"),
        ],
    )
    .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text);
    let added = post(
        app,
        cookie,
        "/styrdokument/testplan/avsnitt",
        &[
            ("csrf", csrf),
            ("placering", ""),
            ("etikett", "Del 1"),
            ("rubrik", "Första delen"),
            ("nyckel", "del-1"),
        ],
    )
    .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text);
    let mut fields = new_question(csrf, "del-1", "Har ni gjort det?");
    fields.last_mut().unwrap().1 = "fraga-1";
    let asked = post(app, cookie, "/styrdokument/testplan/fragor", &fields).await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER, "{}", asked.text);
}

async fn a_coordinator_creates_a_document_with_sections_and_questions(app: TestApp) {
    let (_, cookie, csrf) = coordinator(&app).await;
    let list = get(&app, &cookie, "/styrdokument").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.text
            .contains("<a href=\"/styrdokument/trygghetsprogram\">")
    );
    assert!(list.text.contains("<caption id=\"dokumentlista\">"));

    let created = post(
        &app,
        &cookie,
        "/styrdokument",
        &[
            ("csrf", &csrf),
            ("titel", "Göteborgs Stads plan för ökad trygghet"),
            ("typ", "plan"),
            ("fran", "2025"),
            ("till", "2028"),
            ("rubrik", "Uppföljning av planen"),
            ("nyckel", ""),
        ],
    )
    .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text);
    let key = "goteborgs-stads-plan-for-okad-trygghet";
    assert_eq!(
        location(&created),
        format!("/styrdokument/{key}?sparat=skapat"),
        "the key is made from the title"
    );
    let tree_uri = format!("/styrdokument/{key}");
    let tree = get(&app, &cookie, &format!("{tree_uri}?sparat=skapat")).await;
    assert!(
        tree.text
            .contains("role=\"status\"><p>Styrdokumentet är skapat.")
    );
    assert!(tree.text.contains("Lägg först till ett avsnitt"));

    let section = |parent: &'static str, label: &'static str, title: &'static str| {
        let (cookie, csrf, uri, app) = (cookie.clone(), csrf.clone(), tree_uri.clone(), &app);
        async move {
            post(
                app,
                &cookie,
                &format!("{uri}/avsnitt"),
                &[
                    ("csrf", &csrf),
                    ("placering", parent),
                    ("etikett", label),
                    ("rubrik", title),
                    ("nyckel", ""),
                ],
            )
            .await
        }
    };
    let first = section("", "Målområde 1", "Öka kunskapen").await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.text);
    assert_eq!(
        location(&first),
        format!("{tree_uri}?sparat=avsnitt#avsnitt-oka-kunskapen")
    );
    let under = section("oka-kunskapen", "", "Samverkan").await;
    assert_eq!(under.status, StatusCode::SEE_OTHER, "{}", under.text);
    let second = section("", "Målområde 2", "Förebygga").await;
    assert_eq!(second.status, StatusCode::SEE_OTHER);

    let asked = post(
        &app,
        &cookie,
        &format!("{tree_uri}/fragor"),
        &new_question(&csrf, "samverkan", "Samverkar ni med polisen?"),
    )
    .await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER, "{}", asked.text);
    assert_eq!(
        location(&asked),
        format!("{tree_uri}?sparat=fraga#fraga-samverkar-ni-med-polisen")
    );
    let second_question = post(
        &app,
        &cookie,
        &format!("{tree_uri}/fragor"),
        &new_question(&csrf, "samverkan", "Följer ni upp arbetet?"),
    )
    .await;
    assert_eq!(second_question.status, StatusCode::SEE_OTHER);

    let tree = get(&app, &cookie, &tree_uri).await;
    assert_eq!(tree.status, StatusCode::OK);
    for numbered in [
        ">1.1 Målområde 1: Öka kunskapen",
        ">1.1.1 Samverkan",
        ">1.2 Målområde 2: Förebygga",
        "<span class=\"number\">1.1.1 a</span> Samverkar ni med polisen?",
        "<span class=\"number\">1.1.1 b</span> Följer ni upp arbetet?",
        "Flytta upp<span class=\"visually-hidden\"> fråga 1.1.1 b</span>",
        "Flytta ned<span class=\"visually-hidden\"> avsnitt 1.1</span>",
        "Ändra<span class=\"visually-hidden\"> fråga 1.1.1 a</span>",
        "Låt utgå<span class=\"visually-hidden\">: avsnitt 1.2</span>",
        "Kommentar krävs vid Nej, Delvis",
        "Målgrupp: samtliga nämnder",
    ] {
        assert!(tree.text.contains(numbered), "{numbered} in {}", tree.text);
    }
    assert!(
        !tree
            .text
            .contains("Flytta upp<span class=\"visually-hidden\"> fråga 1.1.1 a</span>"),
        "the first question cannot move up"
    );

    let definitions = app.store().definitions().await.unwrap();
    let document = definitions
        .documents
        .iter()
        .find(|d| d.key.as_str() == key)
        .unwrap();
    assert_eq!(
        document.report_heading.as_deref(),
        Some("Uppföljning av planen")
    );
    let question = document
        .question(&Key::parse("samverkar-ni-med-polisen").unwrap())
        .unwrap();
    assert_eq!(
        question.guidance,
        ["Insats 1:1 Ett stycke.", "Förväntat resultat: Ett till."]
    );
    assert!(definitions.validate().is_empty());
    let list = get(&app, &cookie, "/styrdokument").await;
    assert!(list.text.contains("Göteborgs Stads plan för ökad trygghet</a></th>\n      <td>Plan</td>\n      <td class=\"nowrap\">2025–2028</td>\n      <td>2</td>"), "{}", list.text);
}

async fn sections_and_questions_move_and_are_retired_and_restored(app: TestApp) {
    let (_, cookie, csrf) = coordinator(&app).await;
    let uri = format!("/styrdokument/{PLAN}");
    let moved = post(
        &app,
        &cookie,
        &format!("{uri}/fragor/strategi-1-2/upp"),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.text);
    assert_eq!(
        location(&moved),
        format!("{uri}?sparat=flyttat#fraga-strategi-1-2")
    );
    let tree = get(&app, &cookie, &uri).await;
    let first = tree.text.find("id=\"fraga-strategi-1-2\"").unwrap();
    let second = tree.text.find("id=\"fraga-strategi-1-1\"").unwrap();
    assert!(first < second, "strategi-1-2 now comes first");

    let down = post(
        &app,
        &cookie,
        &format!("{uri}/avsnitt/malomrade-3/ned"),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(down.status, StatusCode::SEE_OTHER);
    let tree = get(&app, &cookie, &uri).await;
    assert!(tree.text.contains(">1.2.1 Målområde 4"), "{}", tree.text);

    let retire = post(
        &app,
        &cookie,
        &format!("{uri}/fragor/strategi-2-2/utga"),
        &[
            ("csrf", &csrf),
            (
                "version",
                &version_in(
                    &tree.text,
                    &format!("action=\"{uri}/fragor/strategi-2-2/utga\">"),
                ),
            ),
        ],
    )
    .await;
    assert_eq!(retire.status, StatusCode::SEE_OTHER, "{}", retire.text);
    let tree = get(&app, &cookie, &format!("{uri}?sparat=utgatt")).await;
    assert!(tree.text.contains("Markerat som utgånget."));
    assert!(
        tree.text
            .contains("Återställ<span class=\"visually-hidden\"> fråga strategi-2-2</span>")
    );
    assert!(
        tree.text
            .contains("<span class=\"retired-mark\">Utgången</span>")
    );
    assert!(question_text(&app, PLAN, "strategi-2-2").await.unwrap().1);

    let retire_section = post(
        &app,
        &cookie,
        &format!("{uri}/avsnitt/malomrade-5/utga"),
        &[("csrf", &csrf), ("version", "1")],
    )
    .await;
    assert_eq!(retire_section.status, StatusCode::SEE_OTHER);
    let tree = get(&app, &cookie, &uri).await;
    assert!(tree.text.contains("Målområde 5: "));
    assert!(
        tree.text
            .contains("Återställ<span class=\"visually-hidden\"> avsnitt malomrade-5</span>")
    );
    assert!(
        !tree.text.contains("id=\"fraga-strategi-5-1\""),
        "hidden under the retired section"
    );
    let round = get(&app, &cookie, "/omgangar/2025").await;
    assert!(
        round.text.contains("strategi-5-1") || round.text.contains("Målområde 5"),
        "the open round keeps it"
    );

    for (items, item, version) in [
        ("fragor", "strategi-2-2", "2"),
        ("avsnitt", "malomrade-5", "2"),
    ] {
        let restored = post(
            &app,
            &cookie,
            &format!("{uri}/{items}/{item}/aterstall"),
            &[("csrf", &csrf), ("version", version)],
        )
        .await;
        assert_eq!(restored.status, StatusCode::SEE_OTHER, "{}", restored.text);
    }
    let tree = get(&app, &cookie, &uri).await;
    assert!(!tree.text.contains("retired-mark"));
    assert!(tree.text.contains("id=\"fraga-strategi-5-1\""));
}

async fn an_unused_question_is_edited_in_place(app: TestApp) {
    let (_, cookie, csrf) = coordinator(&app).await;
    test_plan(&app, &cookie, &csrf).await;
    let uri = "/styrdokument/testplan/fragor/fraga-1";
    let form = get(&app, &cookie, uri).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text.contains("<h1>Ändra fråga 1.1</h1>"));
    assert!(form.text.contains("har inte använts"));
    assert!(form.text.contains(">Spara ändringen</button>"));
    let version = hidden(&form.text, "version");
    let saved = post(
        &app,
        &cookie,
        uri,
        &[
            ("csrf", &csrf),
            ("version", &version),
            ("text", "Har ni gjort det i år?"),
            ("vagledning", ""),
            ("malgrupp", ""),
            ("skala", "ja-nej"),
            ("kommentar", "kravs"),
        ],
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    assert_eq!(
        location(&saved),
        "/styrdokument/testplan?sparat=fraga-andrad#fraga-fraga-1"
    );
    assert_eq!(
        question_text(&app, "testplan", "fraga-1").await,
        Some(("Har ni gjort det i år?".into(), false))
    );
    assert_eq!(question_text(&app, "testplan", "fraga-1-v2").await, None);
}

/// Copies round 2025 as a draft 2026.
async fn draft_2026(app: &TestApp, token: &str) {
    let next = json!({"key": "2026", "name": "Uppföljning 2026", "year": 2026, "opens": "2027-11-15", "closes": "2028-01-31", "copy_from": "2025"});
    let created = app
        .call(Method::POST, "/api/v1/rounds", token, Some(next))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
}

const OLD: &str =
    "Tar ni systematiskt hänsyn till trygghetsskapande och brottsförebyggande aspekter";

async fn a_used_question_is_edited_as_a_new_version_and_old_rounds_keep_the_old_wording(
    app: TestApp,
) {
    let (token, cookie, csrf) = coordinator(&app).await;
    draft_2026(&app, &token).await;
    let (old_text, _) = question_text(&app, PLAN, "strategi-3-3").await.unwrap();
    assert!(old_text.contains(OLD), "{old_text}");
    // A response of the draft, served once before the edit: what the server derived from the
    // definitions for it then must not outlive them.
    let org = "socialnamnden-centrum";
    let draft_response = format!("/api/v1/rounds/2026/responses/{org}");
    let before = app.get(&draft_response, &token).await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.text);
    assert!(before.text.contains(OLD), "{}", before.text);
    let uri = format!("/styrdokument/{PLAN}/fragor/strategi-3-3");
    let form = get(&app, &cookie, &uri).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text.contains("Ändringen sparas som en ny version"));
    assert!(
        form.text.contains("Uppföljning 2025 (öppen)"),
        "{}",
        form.text
    );
    assert!(
        form.text
            .contains("Utkasten Uppföljning 2026 får den nya versionen")
    );
    assert!(form.text.contains(">Spara som ny version</button>"));

    let saved = post(
        &app,
        &cookie,
        &uri,
        &[
            ("csrf", &csrf),
            ("version", &hidden(&form.text, "version")),
            ("text", "Omfattar arbetet alla utsatta områden?"),
            ("vagledning", "Strategi 3:3 i ny lydelse."),
            ("malgrupp", ""),
            ("skala", "ja-nej-ej-aktuellt"),
            ("kommentar", "vid-svar"),
            ("kommentar_vid", "nej"),
        ],
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    assert_eq!(
        location(&saved),
        format!(
            "/styrdokument/{PLAN}?sparat=ny-version&fraga=strategi-3-3-v2#fraga-strategi-3-3-v2"
        )
    );
    assert_eq!(
        question_text(&app, PLAN, "strategi-3-3").await,
        Some((old_text.clone(), true)),
        "the old version is kept, retired"
    );
    let tree = get(
        &app,
        &cookie,
        &format!("/styrdokument/{PLAN}?sparat=ny-version&fraga=strategi-3-3-v2"),
    )
    .await;
    assert!(tree.text.contains("nyckeln «strategi-3-3-v2»"));

    // The open round's form and report keep the old wording; the draft asks the new one.
    let answer_form = get(&app, &cookie, &format!("/omgangar/2025/svar/{org}")).await;
    assert_eq!(answer_form.status, StatusCode::OK);
    assert!(answer_form.text.contains(OLD));
    assert!(
        !answer_form
            .text
            .contains("Omfattar arbetet alla utsatta områden?")
    );
    let report = get(
        &app,
        &cookie,
        &format!("/omgangar/2025/svar/{org}/rapport.html"),
    )
    .await;
    assert_eq!(report.status, StatusCode::OK);
    assert!(report.text.contains(OLD));
    let old_round = app.get("/api/v1/rounds/2025", &token).await.text;
    assert!(old_round.contains("strategi-3-3\"") && !old_round.contains("strategi-3-3-v2"));
    let draft = app.get("/api/v1/rounds/2026", &token).await.text;
    assert!(draft.contains("Omfattar arbetet alla utsatta områden?"));
    assert!(!draft.contains(OLD));
    let after = app.get(&draft_response, &token).await.text;
    assert!(
        after.contains("Omfattar arbetet alla utsatta områden?"),
        "{after}"
    );
    assert!(!after.contains(OLD), "{after}");
    let definitions = app.store().definitions().await.unwrap();
    let targets = |round: &str| {
        definitions
            .rounds
            .iter()
            .find(|r| r.key.as_str() == round)
            .unwrap()
            .targets
            .iter()
            .map(|t| (t.question.question.to_string(), t.organisations.len()))
            .find(|(q, _)| q.starts_with("strategi-3-3"))
            .unwrap()
    };
    assert_eq!(targets("2025"), ("strategi-3-3".into(), 9));
    assert_eq!(
        targets("2026"),
        ("strategi-3-3-v2".into(), 9),
        "the draft's targeting moved along"
    );

    // Answering the open round still goes to the old version.
    let anna = app
        .user("anna@centrum.se", Role::Uppgiftslamnare, &[org])
        .await;
    let answered = app
        .call(
            Method::PUT,
            &format!("/api/v1/rounds/2025/responses/{org}/answers/{PLAN}/strategi-3-3"),
            &anna,
            Some(json!({ "answer": "ja", "comment": "", "version": 0 })),
        )
        .await;
    assert_eq!(answered.status, StatusCode::OK, "{}", answered.text);
}

async fn a_published_round_is_unchanged_by_later_edits_and_retirements(app: TestApp) {
    let (token, cookie, csrf) = coordinator(&app).await;
    let org = "socialnamnden-centrum";
    let anna = app
        .user("anna@centrum.se", Role::Uppgiftslamnare, &[org])
        .await;
    for (question, answer, comment) in [
        ("strategi-3-3", "nej", "Inte ännu."),
        ("strategi-1-1", "ja", ""),
        ("strategi-5-1", "ja", ""),
    ] {
        let saved = app
            .call(
                Method::PUT,
                &format!("/api/v1/rounds/2025/responses/{org}/answers/{PLAN}/{question}"),
                &anna,
                Some(json!({ "answer": answer, "comment": comment, "version": 0 })),
            )
            .await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
    }
    for state in ["closed", "published"] {
        let moved = app
            .call(
                Method::POST,
                "/api/v1/rounds/2025/state",
                &token,
                Some(json!({ "state": state })),
            )
            .await;
        assert_eq!(moved.status, StatusCode::OK, "{}", moved.text);
    }
    let views = [
        format!("/omgangar/2025/svar/{org}/rapport.html"),
        "/omgangar/2025/sammanstallning".to_owned(),
        "/publicerat/2025".to_owned(),
        "/omgangar/2025".to_owned(),
    ];
    let mut before = Vec::new();
    for uri in &views {
        let reply = get(&app, &cookie, uri).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}");
        before.push(reply.text);
    }
    assert!(before[0].contains(OLD));

    let uri = format!("/styrdokument/{PLAN}");
    let form = get(&app, &cookie, &format!("{uri}/fragor/strategi-3-3")).await;
    assert!(form.text.contains("Uppföljning 2025 (publicerad)"));
    let edited = post(
        &app,
        &cookie,
        &format!("{uri}/fragor/strategi-3-3"),
        &[
            ("csrf", &csrf),
            ("version", &hidden(&form.text, "version")),
            ("text", "En helt ny fråga?"),
            ("skala", "ja-nej"),
            ("kommentar", "valfri"),
        ],
    )
    .await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", edited.text);
    let tree = get(&app, &cookie, &uri).await;
    for (items, item) in [("fragor", "strategi-1-1"), ("avsnitt", "malomrade-5")] {
        let action = format!("{uri}/{items}/{item}/utga");
        let marker = format!("action=\"{action}\">");
        let retired = post(
            &app,
            &cookie,
            &action,
            &[
                ("csrf", &csrf),
                ("version", &version_in(&tree.text, &marker)),
            ],
        )
        .await;
        assert_eq!(retired.status, StatusCode::SEE_OTHER, "{}", retired.text);
    }
    let moved = post(
        &app,
        &cookie,
        &format!("{uri}/avsnitt/inriktning/upp"),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER);

    for (uri, earlier) in views.iter().zip(&before) {
        let reply = get(&app, &cookie, uri).await;
        assert_eq!(&reply.text, earlier, "{uri} is unchanged");
    }
}

async fn a_stale_form_is_a_conflict_and_changes_nothing(app: TestApp) {
    let (_, cookie, csrf) = coordinator(&app).await;
    test_plan(&app, &cookie, &csrf).await;
    let uri = "/styrdokument/testplan/fragor/fraga-1";
    let version = hidden(&get(&app, &cookie, uri).await.text, "version");
    let edit = |text: &'static str| {
        let (cookie, csrf, version, app) = (cookie.clone(), csrf.clone(), version.clone(), &app);
        async move {
            post(
                app,
                &cookie,
                uri,
                &[
                    ("csrf", &csrf),
                    ("version", &version),
                    ("text", text),
                    ("skala", "ja-nej"),
                    ("kommentar", "valfri"),
                ],
            )
            .await
        }
    };
    assert_eq!(edit("Först?").await.status, StatusCode::SEE_OTHER);
    let late = edit("Sist?").await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert!(
        late.text
            .contains("Någon annan har ändrat frågan under tiden")
    );
    assert!(late.text.contains("<th scope=\"row\">Frågetext</th><td class=\"comment\">Först?</td><td class=\"comment\">Sist?</td>"), "{}", late.text);
    assert!(late.text.contains(&format!("href=\"{uri}\"")));
    assert_eq!(
        question_text(&app, "testplan", "fraga-1").await,
        Some(("Först?".into(), false))
    );

    let section = "/styrdokument/testplan/avsnitt/del-1";
    let version = hidden(&get(&app, &cookie, section).await.text, "version");
    for (title, status) in [
        ("Ny rubrik", StatusCode::SEE_OTHER),
        ("Sen rubrik", StatusCode::CONFLICT),
    ] {
        let reply = post(
            &app,
            &cookie,
            section,
            &[
                ("csrf", &csrf),
                ("version", &version),
                ("etikett", "Del 1"),
                ("rubrik", title),
            ],
        )
        .await;
        assert_eq!(reply.status, status, "{}", reply.text);
    }

    let fields = "/styrdokument/testplan/uppgifter";
    let version = hidden(&get(&app, &cookie, fields).await.text, "version");
    for (title, status) in [
        ("Ny titel", StatusCode::SEE_OTHER),
        ("Sen titel", StatusCode::CONFLICT),
    ] {
        let reply = post(
            &app,
            &cookie,
            fields,
            &[
                ("csrf", &csrf),
                ("version", &version),
                ("titel", title),
                ("typ", "plan"),
                ("fran", "2025"),
                ("till", "2028"),
                ("rubrik", ""),
            ],
        )
        .await;
        assert_eq!(reply.status, status, "{}", reply.text);
    }

    let stale_retire = post(
        &app,
        &cookie,
        "/styrdokument/testplan/fragor/fraga-1/utga",
        &[("csrf", &csrf), ("version", "1")],
    )
    .await;
    assert_eq!(stale_retire.status, StatusCode::CONFLICT);
    assert!(
        stale_retire
            .text
            .contains("<td class=\"comment\">I bruk</td><td class=\"comment\">Utgången</td>")
    );
    let definitions = app.store().definitions().await.unwrap();
    let plan = definitions
        .documents
        .iter()
        .find(|d| d.key.as_str() == "testplan")
        .unwrap();
    assert_eq!(plan.title, "Ny titel");
    assert_eq!(plan.sections[0].title, "Ny rubrik");
    assert!(!plan.sections[0].questions[0].retired);
}

async fn refused_input_is_shown_at_its_field_and_changes_nothing(app: TestApp) {
    let (_, cookie, csrf) = coordinator(&app).await;
    let before = app.store().definitions().await.unwrap();
    let refused = post(
        &app,
        &cookie,
        "/styrdokument",
        &[
            ("csrf", &csrf),
            ("titel", " "),
            ("typ", "plan"),
            ("fran", "2028"),
            ("till", "tjugo"),
            ("rubrik", ""),
            ("nyckel", ""),
        ],
    )
    .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(
        refused.text.contains("2 fel hindrade att det sparades"),
        "{}",
        refused.text
    );
    assert!(
        refused
            .text
            .contains("<a href=\"#titel\">Dokumentet saknar titel.</a>")
    );
    assert!(
        refused
            .text
            .contains("<a href=\"#till\">«tjugo» är inte ett årtal.</a>")
    );
    assert!(refused.text.contains("id=\"titel\" name=\"titel\" value=\" \" required aria-invalid=\"true\" aria-describedby=\"fel-titel\""));

    let backwards = post(
        &app,
        &cookie,
        "/styrdokument",
        &[
            ("csrf", &csrf),
            ("titel", "Plan"),
            ("typ", "plan"),
            ("fran", "2028"),
            ("till", "2025"),
            ("rubrik", ""),
            ("nyckel", "trygghetsprogram"),
        ],
    )
    .await;
    assert_eq!(backwards.status, StatusCode::BAD_REQUEST);
    assert!(
        backwards
            .text
            .contains("Giltighetstiden slutar (2025) innan den börjar (2028).")
    );
    assert!(
        backwards
            .text
            .contains("Dokumentnyckeln «trygghetsprogram» används redan; skriv en annan nyckel.")
    );
    assert!(backwards.text.contains("aria-describedby=\"fel-nyckel\""));

    let uri = format!("/styrdokument/{PLAN}");
    let taken = post(
        &app,
        &cookie,
        &format!("{uri}/avsnitt"),
        &[
            ("csrf", &csrf),
            ("placering", "arbetsprocessen"),
            ("etikett", ""),
            ("rubrik", "Ny del"),
            ("nyckel", "malomrade-1"),
        ],
    )
    .await;
    assert_eq!(taken.status, StatusCode::BAD_REQUEST);
    assert!(
        taken
            .text
            .contains("Avsnittsnyckeln «malomrade-1» används redan")
    );
    assert!(taken.text.contains(
        "id=\"nytt-avsnitt-nyckel\" name=\"nyckel\" value=\"malomrade-1\" aria-invalid=\"true\""
    ));
    assert!(
        taken.text.contains("value=\"Ny del\""),
        "what was written stays"
    );

    let mut empty = new_question(&csrf, "malomrade-1", "  ");
    empty.retain(|(k, _)| *k != "kommentar_vid");
    let refused = post(&app, &cookie, &format!("{uri}/fragor"), &empty).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(
        refused
            .text
            .contains("<a href=\"#ny-fraga-text\">Frågan saknar text.</a>"),
        "{}",
        refused.text
    );
    assert!(refused.text.contains(
        "<a href=\"#ny-fraga-kommentar\">Kryssa för vilka svar som kräver en kommentar.</a>"
    ));
    assert!(refused.text.contains(
        "id=\"ny-fraga-kommentar\" class=\"choices\" aria-describedby=\"fel-ny-fraga-kommentar\""
    ));

    let mut wrong_option = new_question(&csrf, "malomrade-1", "Finns en plan?");
    wrong_option[5] = ("skala", "ja-nej");
    let refused = post(&app, &cookie, &format!("{uri}/fragor"), &wrong_option).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(
        refused
            .text
            .contains("Svarsskalan «ja-nej» har inget alternativ «delvis».")
    );

    let form = get(&app, &cookie, &format!("{uri}/fragor/strategi-1-1")).await;
    let refused = post(
        &app,
        &cookie,
        &format!("{uri}/fragor/strategi-1-1"),
        &[
            ("csrf", &csrf),
            ("version", &hidden(&form.text, "version")),
            ("text", ""),
            ("skala", "ja-nej"),
            ("kommentar", "valfri"),
        ],
    )
    .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.text.contains("id=\"text\" name=\"text\" rows=\"3\" required aria-invalid=\"true\" aria-describedby=\"fel-text\""));

    let after = app.store().definitions().await.unwrap();
    assert_eq!(after.documents, before.documents, "nothing changed");
}

async fn only_coordinators_reach_the_document_pages(app: TestApp) {
    let (_, sam, _) = coordinator(&app).await;
    let (_, anna, anna_csrf) = signed_in(
        &app,
        "anna@intraservice.se",
        Role::Uppgiftslamnare,
        &["intraservice"],
    )
    .await;
    let (_, lisa, lisa_csrf) = signed_in(&app, "lisa@politik.se", Role::Lasare, &[]).await;
    let pages = [
        "/styrdokument".to_owned(),
        format!("/styrdokument/{PLAN}"),
        format!("/styrdokument/{PLAN}/uppgifter"),
        format!("/styrdokument/{PLAN}/avsnitt/malomrade-1"),
        format!("/styrdokument/{PLAN}/fragor/strategi-1-1"),
    ];
    let retire = format!("/styrdokument/{PLAN}/fragor/strategi-1-1/utga");
    for (cookie, csrf) in [(&anna, &anna_csrf), (&lisa, &lisa_csrf)] {
        for uri in &pages {
            assert_eq!(
                get(&app, cookie, uri).await.status,
                StatusCode::FORBIDDEN,
                "{uri}"
            );
        }
        let posts: [(&str, Vec<(&str, &str)>); 3] = [
            (
                "/styrdokument",
                vec![
                    ("csrf", csrf),
                    ("titel", "X"),
                    ("typ", "plan"),
                    ("fran", "2025"),
                    ("till", "2026"),
                ],
            ),
            (&retire, vec![("csrf", csrf), ("version", "1")]),
            (
                &pages[4],
                vec![
                    ("csrf", csrf),
                    ("version", "1"),
                    ("text", "X?"),
                    ("skala", "ja-nej"),
                ],
            ),
        ];
        for (uri, fields) in posts {
            assert_eq!(
                post(&app, cookie, uri, &fields).await.status,
                StatusCode::FORBIDDEN,
                "{uri}"
            );
        }
    }
    let forged = post(&app, &sam, &retire, &[("csrf", "fel"), ("version", "1")]).await;
    assert_eq!(
        forged.status,
        StatusCode::FORBIDDEN,
        "a post without the session's CSRF token"
    );
    assert!(forged.text.contains("Formuläret hade gått ut"));
    assert!(!question_text(&app, PLAN, "strategi-1-1").await.unwrap().1);
    for uri in &pages {
        let anonymous = app
            .send(
                axum::http::Request::get(uri.as_str())
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(
            anonymous.status,
            StatusCode::SEE_OTHER,
            "{uri}: off to the login page"
        );
        assert_eq!(location(&anonymous), "/logga-in");
    }
}
