//! The respondent's and coordinator's pages of a response, without JavaScript, through the real
//! router on both backends: the answer form, saving with versions and conflicts, submitting,
//! returning and accepting, the history, the start page, and who may do what.

use crate::common;

use axum::http::{Method, StatusCode, header};
use serde_json::{Value, json};
use uppfolj_model::Role;

use common::{
    Reply, TestApp, get_page as get, hidden, location, post_form as post, session, with_cookie,
};

on_both_backends!(
    the_form_lists_exactly_the_assigned_questions_in_report_order_with_radio_buttons,
    a_form_post_saves_durably_and_returns_to_the_question,
    a_stale_version_shows_both_texts_changes_nothing_and_mine_can_be_kept,
    refused_input_is_shown_at_its_field_and_nothing_is_saved,
    a_form_post_without_its_csrf_token_is_refused,
    a_respondent_of_another_organisation_is_refused_on_every_page_and_post,
    a_reader_cannot_post_and_reads_only_once_submitted,
    the_submit_page_lists_the_missing_comment_with_a_link_then_submits_after_fixing,
    the_coordinator_returns_with_a_message_that_the_respondent_sees_then_accepts,
    the_history_page_shows_old_and_new_values_and_the_events,
    last_rounds_answer_is_taken_over_with_one_button,
    the_start_page_shows_a_respondent_their_open_rounds_and_the_round_page_links_the_form,
    a_comment_is_marked_not_for_publication_with_a_checkbox,
    the_forms_script_saves_a_question_and_is_told_the_new_version_in_json,
    a_form_posted_after_the_session_ended_is_carried_through_a_new_login,
    every_unanswered_question_takes_over_last_rounds_answer_at_once,
    a_missing_required_comment_is_shown_at_the_question_counted_and_filtered,
    questions_carry_the_compilations_numbers_on_the_form_and_in_the_history,
);

/// The text of the form's progress line.
fn progress_line(page: &str) -> &str {
    let start = page.find("<span id=\"framsteg\"").expect("a progress line");
    let start = start + page[start..].find('>').unwrap() + 1;
    &page[start..start + page[start..].find("</span>").unwrap()]
}

async fn a_missing_required_comment_is_shown_at_the_question_counted_and_filtered(app: TestApp) {
    let (_, cookie, csrf) = respondent(&app, "anna@intraservice.se", "intraservice").await;
    let form = get(&app, &cookie, FORM).await;
    let total = form.text.matches("class=\"question answer\"").count();
    assert!(total > 2);
    assert_eq!(
        progress_line(&form.text),
        format!("0 av {total} frågor besvarade")
    );

    // The script is told at once that the question needs attention, and why.
    let saved = save_from_script(
        &app,
        &cookie,
        &[
            ("csrf", &csrf),
            ("version", "0"),
            ("svar", "nej"),
            ("kommentar", ""),
        ],
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
    let reply = saved.json();
    assert_eq!(reply["status"], "atgarda");
    assert_eq!(
        reply["attention"],
        "Frågan behöver en kommentar när svaret är Nej."
    );

    // Without the script the form shows the same at the question and counts it.
    let form = get(&app, &cookie, FORM).await;
    assert_eq!(
        progress_line(&form.text),
        format!("1 av {total} frågor besvarade, 1 behöver åtgärdas")
    );
    let id = FIRST.replace('/', "_");
    assert!(form.text.contains(&format!(
        "<p class=\"attention field-error\" id=\"atgarda-{id}\">Frågan behöver en kommentar när svaret är Nej.</p>"
    )), "{}", form.text);
    assert!(
        form.text
            .contains(&format!("id=\"fraga-{id}\" data-status=\"atgarda\""))
    );
    assert!(form.text.contains("Behöver åtgärdas (1)"));
    assert!(form.text.contains(&format!("Obesvarade ({})", total - 1)));

    // The filters show only what is still to do.
    let attention = get(&app, &cookie, &format!("{FORM}?visa=atgarda")).await;
    assert_eq!(attention.status, StatusCode::OK);
    assert_eq!(
        attention.text.matches("class=\"question answer\"").count(),
        1
    );
    assert!(attention.text.contains(&format!("id=\"fraga-{id}\"")));
    assert!(
        attention
            .text
            .contains("Bara frågor som behöver åtgärdas visas")
    );
    let unanswered = get(&app, &cookie, &format!("{FORM}?visa=obesvarade")).await;
    assert_eq!(
        unanswered.text.matches("class=\"question answer\"").count(),
        total - 1
    );
    assert!(!unanswered.text.contains(&format!("id=\"fraga-{id}\"")));

    // The start page counts it beside the answered ones.
    let start = get(&app, &cookie, "/").await;
    assert!(
        start
            .text
            .contains(&format!("1 av {total}, 1 behöver åtgärdas")),
        "{}",
        start.text
    );

    // A comment mends it: the question is done and no longer counted.
    save(
        &app,
        &cookie,
        &csrf,
        FIRST,
        "nej",
        "Vi saknar underlag.",
        "1",
    )
    .await;
    let form = get(&app, &cookie, FORM).await;
    assert_eq!(
        progress_line(&form.text),
        format!("1 av {total} frågor besvarade")
    );
    assert!(
        form.text
            .contains(&format!("id=\"fraga-{id}\" data-status=\"klar\""))
    );
    assert!(form.text.contains(&format!("id=\"atgarda-{id}\" hidden>")));
}

async fn questions_carry_the_compilations_numbers_on_the_form_and_in_the_history(app: TestApp) {
    let (_, cookie, csrf) = respondent(&app, "anna@intraservice.se", "intraservice").await;
    let sam = app.user("sam@stadsledning.se", Role::Samordnare, &[]).await;
    save(&app, &cookie, &csrf, FIRST, "ja", "", "0").await;
    let sam_cookie = session(&app, "sam@stadsledning.se").await;
    let _ = sam;
    let compilation = get(&app, &sam_cookie, "/omgangar/2025/sammanstallning").await;
    assert_eq!(compilation.status, StatusCode::OK);
    let numbers: Vec<String> = compilation
        .text
        .split("<h3 id=\"fraga-")
        .skip(1)
        .map(|h| {
            // `1.2.1`, or `1.2.1 a` where a section asks more than one question.
            let heading = &h[h.find('>').unwrap() + 1..];
            let mut words = heading.split(' ');
            let number = words.next().unwrap();
            match words.next() {
                Some(l) if l.len() == 1 && l.chars().all(|c| c.is_ascii_lowercase()) => {
                    format!("{number} {l}")
                }
                _ => number.to_owned(),
            }
        })
        .collect();
    assert!(numbers.len() > 10);
    let unique: std::collections::HashSet<&String> = numbers.iter().collect();
    assert_eq!(
        unique.len(),
        numbers.len(),
        "no two questions share a number: {numbers:?}"
    );
    let form = get(&app, &cookie, FORM).await;
    let at = form
        .text
        .find("</span> Är ert arbete kunskapsbaserat?")
        .expect("the first question on the form");
    let number = &form.text[form.text[..at].rfind('>').unwrap() + 1..at];
    assert!(
        compilation
            .text
            .contains(&format!(">{number} Är ert arbete kunskapsbaserat?</h3>")),
        "the compilation numbers the question {number} too"
    );
    let history = get(&app, &cookie, &format!("{FORM}/historik")).await;
    assert!(
        history.text.contains(&format!(
            "<span class=\"number\">{number}</span> Är ert arbete kunskapsbaserat?"
        )),
        "{}",
        history.text
    );
}

async fn every_unanswered_question_takes_over_last_rounds_answer_at_once(app: TestApp) {
    let (anna, cookie, csrf) = respondent(&app, "anna@intraservice.se", "intraservice").await;
    let sam = app.user("sam@stadsledning.se", Role::Samordnare, &[]).await;
    let second = "trygghetsprogram/strategi-1-2";
    save(&app, &cookie, &csrf, FIRST, "nej", "Förra året.", "0").await;
    save(&app, &cookie, &csrf, second, "ja", "Klart.", "0").await;
    app.open_next_round(&sam).await;
    let next = "/omgangar/2026/svar/intraservice";
    // One question is already answered this year: it stays as it is.
    let mine = post(
        &app,
        &cookie,
        &format!("{next}/fragor/{second}"),
        &[
            ("csrf", &csrf),
            ("version", "0"),
            ("svar", "nej"),
            ("kommentar", "I år."),
        ],
    )
    .await;
    assert_eq!(mine.status, StatusCode::SEE_OTHER);
    let form = get(&app, &cookie, next).await;
    assert!(
        form.text.contains("Fyller den fråga du inte har svarat på"),
        "{}",
        form.text
    );
    let taken = post(
        &app,
        &cookie,
        &format!("{next}/ta-over-alla"),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(taken.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&taken), format!("{next}?overtagna=1"));
    let shown = get(&app, &cookie, location(&taken)).await;
    assert!(shown.text.contains("1 svar togs över från förra omgången."));
    assert!(
        !shown.text.contains("Ta över alla"),
        "nothing left to take over"
    );
    let view = app
        .get("/api/v1/rounds/2026/responses/intraservice", &anna)
        .await
        .json();
    let answer = |id: &str| {
        let q = view["questions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["id"] == id)
            .unwrap();
        (
            q["answer"]["answer"].clone(),
            q["answer"]["comment"].clone(),
        )
    };
    assert_eq!(answer(FIRST), (json!("nej"), json!("Förra året.")));
    assert_eq!(
        answer(second),
        (json!("nej"), json!("I år.")),
        "this year's answer stays"
    );
    let forged = post(
        &app,
        &cookie,
        &format!("{next}/ta-over-alla"),
        &[("csrf", "fel")],
    )
    .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
}

/// Every hidden field of `html`, in order, as (name, value).
fn hidden_fields(html: &str) -> Vec<(String, String)> {
    html.split("<input type=\"hidden\" name=\"")
        .skip(1)
        .filter_map(|rest| {
            let (name, rest) = rest.split_once('"')?;
            let value = rest.strip_prefix(" value=\"")?.split('"').next()?;
            Some((name.to_owned(), value.replace("&#10;", "\n")))
        })
        .collect()
}

async fn post_fields(app: &TestApp, uri: &str, cookie: &str, fields: &[(String, String)]) -> Reply {
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    app.send(
        axum::http::Request::post(uri)
            .header(header::COOKIE, cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(axum::body::Body::from(common::encode(&pairs)))
            .unwrap(),
    )
    .await
}

async fn a_form_posted_after_the_session_ended_is_carried_through_a_new_login(app: TestApp) {
    let (anna, _, csrf) = respondent(&app, "anna@intraservice.se", "intraservice").await;
    let written = "Skrivet efter utloggningen.\nOch en rad till.";
    let question = format!("{FORM}/fragor/{FIRST}");
    let posted = [
        ("csrf".to_owned(), csrf),
        ("version".to_owned(), "0".to_owned()),
        ("svar".to_owned(), "ja".to_owned()),
        ("kommentar".to_owned(), written.to_owned()),
    ];
    let login_page = post_fields(&app, &question, "uppfolj_session=utgangen", &posted).await;
    assert_eq!(login_page.status, StatusCode::UNAUTHORIZED);
    assert!(
        login_page
            .text
            .contains("Du har loggats ut, och det du skrev är inte sparat än")
    );
    let mut fields = hidden_fields(&login_page.text);
    assert!(
        fields.contains(&("till".to_owned(), question.clone())),
        "{fields:?}"
    );
    assert!(
        fields.contains(&("bevarat_varde".to_owned(), written.to_owned())),
        "the comment travels with the login form: {fields:?}"
    );
    fields.push(("email".to_owned(), "anna@intraservice.se".to_owned()));
    fields.push(("password".to_owned(), "ett långt lösenord".to_owned()));
    let form_cookie = common::cookie(&login_page, "uppfolj_form").unwrap();
    let again = post_fields(
        &app,
        "/logga-in",
        &format!("uppfolj_form={form_cookie}"),
        &fields,
    )
    .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    assert!(again.text.contains("Du är inloggad igen"));
    assert!(
        again.text.contains("Skrivet efter utloggningen."),
        "the text is shown"
    );
    assert!(
        again
            .text
            .contains(&format!("<form method=\"post\" action=\"{question}\">"))
    );
    let session = common::cookie(&again, "uppfolj_session").expect("a new session");
    assert!(
        stored(&app, &anna, FIRST).await.is_null(),
        "nothing is saved before the person sends it"
    );

    let resend = hidden_fields(&again.text);
    let saved = post_fields(
        &app,
        &question,
        &format!("uppfolj_session={session}"),
        &resend,
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    let answer = stored(&app, &anna, FIRST).await;
    assert_eq!(
        (answer["answer"].clone(), answer["comment"].clone()),
        (json!("ja"), json!(written))
    );

    // A login page carrying a way elsewhere is not followed after the login.
    let form = app
        .send(
            axum::http::Request::get("/logga-in")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    let token = common::cookie(&form, "uppfolj_form").unwrap();
    let elsewhere = post_fields(
        &app,
        "/logga-in",
        &format!("uppfolj_form={token}"),
        &[
            ("csrf".to_owned(), token.clone()),
            ("till".to_owned(), "//evil.example/omgangar/".to_owned()),
            ("email".to_owned(), "anna@intraservice.se".to_owned()),
            ("password".to_owned(), "ett långt lösenord".to_owned()),
        ],
    )
    .await;
    assert_eq!(elsewhere.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&elsewhere), "/");
}

const FORM: &str = "/omgangar/2025/svar/intraservice";
const API: &str = "/api/v1/rounds/2025/responses/intraservice";
const FIRST: &str = "trygghetsprogram/strategi-1-1";

/// A respondent's session and its CSRF token, read from the form.
async fn respondent(app: &TestApp, email: &str, organisation: &str) -> (String, String, String) {
    let token = app
        .user(email, Role::Uppgiftslamnare, &[organisation])
        .await;
    let cookie = session(app, email).await;
    let csrf = csrf_token(app, &cookie).await;
    (token, cookie, csrf)
}

async fn csrf_token(app: &TestApp, cookie: &str) -> String {
    hidden(
        &with_cookie(app, Method::GET, "/", cookie, None, None)
            .await
            .text,
        "csrf",
    )
}

/// Posts one question's form.
async fn save(
    app: &TestApp,
    cookie: &str,
    csrf: &str,
    question: &str,
    answer: &str,
    comment: &str,
    version: &str,
) -> Reply {
    post(
        app,
        cookie,
        &format!("{FORM}/fragor/{question}"),
        &[
            ("csrf", csrf),
            ("version", version),
            ("svar", answer),
            ("kommentar", comment),
        ],
    )
    .await
}

/// Posts the submit page's button.
async fn submit(app: &TestApp, cookie: &str, csrf: &str) -> Reply {
    post(app, cookie, &format!("{FORM}/skicka-in"), &[("csrf", csrf)]).await
}

/// The stored answer to a question, read back through the API.
async fn stored(app: &TestApp, token: &str, question: &str) -> Value {
    let view = app.get(API, token).await.json();
    view["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == question)
        .unwrap_or_else(|| panic!("{question} in {view}"))["answer"]
        .clone()
}

async fn question_ids(app: &TestApp, token: &str) -> Vec<String> {
    app.get(API, token).await.json()["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["id"].as_str().unwrap().to_owned())
        .collect()
}

fn anchor(question: &str) -> String {
    format!("fraga-{}", question.replace('/', "_"))
}

async fn the_form_lists_exactly_the_assigned_questions_in_report_order_with_radio_buttons(
    app: TestApp,
) {
    let (anna, cookie, _) = respondent(&app, "anna@intraservice.se", "intraservice").await;
    let form = get(&app, &cookie, FORM).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.text);
    let ids = question_ids(&app, &anna).await;
    assert_eq!(ids.len(), 17);
    assert_eq!(
        form.text.matches("class=\"question answer\"").count(),
        17,
        "one section per assigned question"
    );
    let positions: Vec<usize> = ids
        .iter()
        .map(|id| {
            form.text
                .find(&format!("id=\"{}\"", anchor(id)))
                .unwrap_or_else(|| panic!("{id} on the form"))
        })
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "in report order");
    assert_eq!(
        form.text
            .matches("<form method=\"post\" action=\"/omgangar/2025/svar/intraservice/fragor/")
            .count(),
        17
    );
    assert!(
        form.text
            .contains("<legend class=\"question-text\"><span class=\"number\">1.1.1 a</span> Är ert arbete kunskapsbaserat?</legend>")
    );
    assert!(form.text.contains(
        "<input type=\"radio\" id=\"svar-trygghetsprogram_strategi-1-1\" name=\"svar\" value=\"ja\">"
    ));
    assert!(
        form.text
            .contains("<label for=\"svar-trygghetsprogram_strategi-1-1-nej\">Nej</label>")
    );
    assert!(
        form.text
            .contains("<label for=\"kommentar-trygghetsprogram_strategi-1-1\">Kommentar</label>")
    );
    assert!(
        form.text
            .contains("Kommentar krävs om svaret är Nej eller Ej aktuellt.")
    );
    assert!(
        form.text
            .contains("Strategi 1:1 Göteborgs stads trygghetsskapande"),
        "guidance under the question"
    );
    assert!(form.text.contains("1.1.1 Målområde 1: Öka kunskapen"));
    assert_eq!(form.text.matches("Ej besvarad").count(), 17);
    assert!(
        !form.text.contains("sociala insatsgrupper"),
        "insats 2:1 goes to the socialnämnder only"
    );
    assert_eq!(
        form.text.matches("<script").count(),
        form.text.matches("<script src=\"/assets/").count(),
        "no inline script (the CSP forbids it), only the embedded file"
    );
    assert!(!form.text.contains("style="));
}

async fn a_form_post_saves_durably_and_returns_to_the_question(app: TestApp) {
    let (anna, cookie, csrf) = respondent(&app, "anna@intraservice.se", "intraservice").await;
    let saved = save(
        &app,
        &cookie,
        &csrf,
        FIRST,
        "nej",
        "Rad ett.\r\nRad två.",
        "0",
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    assert_eq!(location(&saved), format!("{FORM}#{}", anchor(FIRST)));
    let answer = stored(&app, &anna, FIRST).await;
    assert_eq!(
        (
            answer["answer"].as_str(),
            answer["comment"].as_str(),
            answer["version"].as_i64()
        ),
        (Some("nej"), Some("Rad ett.\nRad två."), Some(1))
    );
    let form = get(&app, &cookie, FORM).await;
    assert!(form.text.contains(
        "<input type=\"radio\" id=\"svar-trygghetsprogram_strategi-1-1-nej\" name=\"svar\" value=\"nej\" checked>"
    ));
    assert!(form.text.contains("Sparat 20") && form.text.contains(" av anna@intraservice.se"));
    assert_eq!(form.text.matches("Ej besvarad").count(), 16);
    assert!(
        form.text
            .contains("<input type=\"hidden\" name=\"version\" value=\"1\">")
    );
}

async fn a_stale_version_shows_both_texts_changes_nothing_and_mine_can_be_kept(app: TestApp) {
    let (anna, anna_cookie, anna_csrf) =
        respondent(&app, "anna@intraservice.se", "intraservice").await;
    let (_, bo_cookie, bo_csrf) = respondent(&app, "bo@intraservice.se", "intraservice").await;
    save(
        &app,
        &anna_cookie,
        &anna_csrf,
        FIRST,
        "nej",
        "Annas text",
        "0",
    )
    .await;

    let stale = save(&app, &bo_cookie, &bo_csrf, FIRST, "ja", "Bos text", "0").await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.text);
    for shown in [
        "Annas text",
        "Bos text",
        "anna@intraservice.se",
        "Behåll mitt svar",
        "Använd det sparade svaret",
        "<dt>Svar</dt><dd>Nej</dd>",
        "<dt>Svar</dt><dd>Ja</dd>",
    ] {
        assert!(stale.text.contains(shown), "{shown}: {}", stale.text);
    }
    let answer = stored(&app, &anna, FIRST).await;
    assert_eq!(
        (answer["comment"].as_str(), answer["version"].as_i64()),
        (Some("Annas text"), Some(1)),
        "the stale save changed nothing"
    );

    let version = hidden(&stale.text, "version");
    assert_eq!(version, "1");
    let kept = save(
        &app,
        &bo_cookie,
        &bo_csrf,
        FIRST,
        &hidden(&stale.text, "svar"),
        &hidden(&stale.text, "kommentar"),
        &version,
    )
    .await;
    assert_eq!(kept.status, StatusCode::SEE_OTHER, "{}", kept.text);
    let answer = stored(&app, &anna, FIRST).await;
    assert_eq!(
        (
            answer["answer"].as_str(),
            answer["comment"].as_str(),
            answer["version"].as_i64()
        ),
        (Some("ja"), Some("Bos text"), Some(2))
    );
}

async fn refused_input_is_shown_at_its_field_and_nothing_is_saved(app: TestApp) {
    let (anna, cookie, csrf) = respondent(&app, "anna@intraservice.se", "intraservice").await;
    let unknown = save(&app, &cookie, &csrf, FIRST, "kanske", "Min text", "0").await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST, "{}", unknown.text);
    assert!(unknown.text.contains("role=\"alert\""));
    assert!(
        unknown.text.contains(
            "<p class=\"field-error\" id=\"fel-trygghetsprogram_strategi-1-1\">«kanske» är inte ett svarsalternativ"
        ),
        "{}",
        unknown.text
    );
    assert!(unknown.text.contains(
        "<fieldset aria-describedby=\"vagledning-trygghetsprogram_strategi-1-1 fel-trygghetsprogram_strategi-1-1\">"
    ));
    assert!(unknown.text.contains("value=\"ja\" aria-invalid=\"true\""));
    assert!(
        unknown.text.contains(">Min text</textarea>"),
        "what was written is kept"
    );

    let long = "å".repeat(10_001);
    let too_long = save(&app, &cookie, &csrf, FIRST, "ja", &long, "0").await;
    assert_eq!(too_long.status, StatusCode::BAD_REQUEST);
    assert!(
        too_long
            .text
            .contains("Kommentaren får vara högst 10000 tecken.")
    );
    assert!(too_long.text.contains(
        "aria-describedby=\"regel-trygghetsprogram_strategi-1-1 fel-trygghetsprogram_strategi-1-1\" aria-invalid=\"true\""
    ));
    assert!(
        too_long
            .text
            .contains("href=\"#kommentar-trygghetsprogram_strategi-1-1\"")
    );
    assert!(stored(&app, &anna, FIRST).await.is_null(), "nothing saved");
}

async fn a_form_post_without_its_csrf_token_is_refused(app: TestApp) {
    let (anna, cookie, _) = respondent(&app, "anna@intraservice.se", "intraservice").await;
    for csrf in ["", "gissning"] {
        let forged = save(&app, &cookie, csrf, FIRST, "ja", "", "0").await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN, "{csrf:?}");
        assert!(forged.text.contains("Formuläret hade gått ut"));
    }
    let by_token = app
        .send(
            axum::http::Request::post(format!("{FORM}/fragor/{FIRST}"))
                .header(header::AUTHORIZATION, format!("Bearer {anna}"))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(axum::body::Body::from("svar=ja&version=0&csrf="))
                .unwrap(),
        )
        .await;
    assert_eq!(
        by_token.status,
        StatusCode::FORBIDDEN,
        "a token has no forms"
    );
    assert!(stored(&app, &anna, FIRST).await.is_null());
}

async fn a_respondent_of_another_organisation_is_refused_on_every_page_and_post(app: TestApp) {
    let anna = app
        .user(
            "anna@intraservice.se",
            Role::Uppgiftslamnare,
            &["intraservice"],
        )
        .await;
    let (_, sven, csrf) = respondent(&app, "sven@sn.se", "socialnamnden-centrum").await;
    for page in ["", "/skicka-in", "/historik", "/granska"] {
        let reply = get(&app, &sven, &format!("{FORM}{page}")).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "GET {page}");
        assert!(reply.text.contains("lang=\"sv\""));
    }
    let posted = save(&app, &sven, &csrf, FIRST, "ja", "", "0").await;
    assert_eq!(posted.status, StatusCode::FORBIDDEN);
    for (page, fields) in [
        ("/skicka-in", vec![("csrf", csrf.as_str())]),
        (
            "/granska",
            vec![("csrf", csrf.as_str()), ("beslut", "godkann")],
        ),
    ] {
        let reply = post(&app, &sven, &format!("{FORM}{page}"), &fields).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "POST {page}");
    }
    assert!(stored(&app, &anna, FIRST).await.is_null());
    assert_eq!(
        get(&app, &sven, "/omgangar/2025/svar/finns-inte")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&app, &sven, "/omgangar/1999/svar/socialnamnden-centrum")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

async fn a_reader_cannot_post_and_reads_only_once_submitted(app: TestApp) {
    let (anna, anna_cookie, anna_csrf) =
        respondent(&app, "anna@intraservice.se", "intraservice").await;
    app.user("lisa@politik.se", Role::Lasare, &["intraservice"])
        .await;
    let lisa = session(&app, "lisa@politik.se").await;
    let lisa_csrf = csrf_token(&app, &lisa).await;
    let posted = save(&app, &lisa, &lisa_csrf, FIRST, "ja", "", "0").await;
    assert_eq!(posted.status, StatusCode::FORBIDDEN);
    assert!(stored(&app, &anna, FIRST).await.is_null());
    assert_eq!(
        get(&app, &lisa, FORM).await.status,
        StatusCode::FORBIDDEN,
        "a draft is not for readers"
    );

    answer_all(&app, &anna, 0).await;
    let submitted = submit(&app, &anna_cookie, &anna_csrf).await;
    assert_eq!(
        submitted.status,
        StatusCode::SEE_OTHER,
        "{}",
        submitted.text
    );
    let read = get(&app, &lisa, FORM).await;
    assert_eq!(read.status, StatusCode::OK);
    assert!(
        !read
            .text
            .contains("<form method=\"post\" action=\"/omgangar/2025/svar/intraservice/fragor/")
    );
    assert!(read.text.contains("<dt>Svar</dt><dd>Ja</dd>"));
}

/// Answers every question «Ja» through the API, but the first `skip`.
async fn answer_all(app: &TestApp, token: &str, skip: usize) {
    let items: Vec<Value> = question_ids(app, token)
        .await
        .iter()
        .skip(skip)
        .map(|id| json!({"question": id, "answer": "ja", "version": 0}))
        .collect();
    let saved = app
        .call(
            Method::PUT,
            &format!("{API}/answers"),
            token,
            Some(json!({ "answers": items })),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
}

async fn the_submit_page_lists_the_missing_comment_with_a_link_then_submits_after_fixing(
    app: TestApp,
) {
    let (anna, cookie, csrf) = respondent(&app, "anna@intraservice.se", "intraservice").await;
    answer_all(&app, &anna, 0).await;
    let nej = save(&app, &cookie, &csrf, FIRST, "nej", "", "1").await;
    assert_eq!(nej.status, StatusCode::SEE_OTHER);

    let page = get(&app, &cookie, &format!("{FORM}/skicka-in")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text.contains(&format!(
            "<li><a href=\"{FORM}#kommentar-{}\">«Är ert arbete kunskapsbaserat?» behöver en kommentar när svaret är Nej.</a></li>",
            FIRST.replace('/', "_")
        )),
        "{}",
        page.text
    );
    assert!(
        !page
            .text
            .contains("<button type=\"submit\">Skicka in svaret</button>")
    );
    let refused = submit(&app, &cookie, &csrf).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text
            .contains("behöver en kommentar när svaret är Nej")
    );
    assert_eq!(app.get(API, &anna).await.json()["state"], "draft");

    save(
        &app,
        &cookie,
        &csrf,
        FIRST,
        "nej",
        "Vi saknar underlag.",
        "2",
    )
    .await;
    let ready = get(&app, &cookie, &format!("{FORM}/skicka-in")).await;
    assert!(
        ready
            .text
            .contains("<button type=\"submit\">Skicka in svaret</button>")
    );
    let submitted = submit(&app, &cookie, &csrf).await;
    assert_eq!(
        submitted.status,
        StatusCode::SEE_OTHER,
        "{}",
        submitted.text
    );
    assert_eq!(location(&submitted), FORM);
    assert_eq!(app.get(API, &anna).await.json()["state"], "submitted");
    let form = get(&app, &cookie, FORM).await;
    assert!(form.text.contains("Svaret är inskickat och låst."));
    assert!(!form.text.contains("/fragor/"), "read-only once submitted");
    let late = save(&app, &cookie, &csrf, FIRST, "ja", "", "3").await;
    assert_eq!(late.status, StatusCode::CONFLICT, "{}", late.text);
}

async fn the_coordinator_returns_with_a_message_that_the_respondent_sees_then_accepts(
    app: TestApp,
) {
    let (anna, cookie, csrf) = respondent(&app, "anna@intraservice.se", "intraservice").await;
    app.user("sam@stadsledning.se", Role::Samordnare, &[]).await;
    let sam = session(&app, "sam@stadsledning.se").await;
    let sam_csrf = csrf_token(&app, &sam).await;
    answer_all(&app, &anna, 0).await;
    submit(&app, &cookie, &csrf).await;

    let review = get(&app, &sam, &format!("{FORM}/granska")).await;
    assert_eq!(review.status, StatusCode::OK);
    assert!(
        review
            .text
            .contains("<label for=\"meddelande-aterskicka\">Meddelande till organisationen")
    );
    assert!(review.text.contains("Godkänn svaret"));
    assert!(
        get(&app, &sam, FORM)
            .await
            .text
            .contains("href=\"/omgangar/2025/svar/intraservice/granska\"")
    );

    let empty = post(
        &app,
        &sam,
        &format!("{FORM}/granska"),
        &[
            ("csrf", &sam_csrf),
            ("beslut", "aterskicka"),
            ("meddelande", " "),
        ],
    )
    .await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert!(
        empty
            .text
            .contains("Skriv ett meddelande till organisationen.")
    );
    assert!(
        empty
            .text
            .contains("aria-invalid=\"true\" aria-describedby=\"fel-aterskicka\"")
    );
    assert_eq!(
        post(
            &app,
            &cookie,
            &format!("{FORM}/granska"),
            &[
                ("csrf", &csrf),
                ("beslut", "aterskicka"),
                ("meddelande", "Själv")
            ]
        )
        .await
        .status,
        StatusCode::FORBIDDEN,
        "a respondent does not review"
    );

    let message = "Komplettera strategi 1:1 med hur ni använder lägesbilderna.";
    let returned = post(
        &app,
        &sam,
        &format!("{FORM}/granska"),
        &[
            ("csrf", &sam_csrf),
            ("beslut", "aterskicka"),
            ("meddelande", message),
        ],
    )
    .await;
    assert_eq!(returned.status, StatusCode::SEE_OTHER, "{}", returned.text);
    let form = get(&app, &cookie, FORM).await;
    assert!(
        form.text
            .contains("Svaret har skickats tillbaka för komplettering")
    );
    assert!(
        form.text
            .contains(&format!("<p class=\"message\">{message}</p>"))
    );
    assert!(form.text.contains("/fragor/"), "editable again");

    submit(&app, &cookie, &csrf).await;
    let accepted = post(
        &app,
        &sam,
        &format!("{FORM}/granska"),
        &[("csrf", &sam_csrf), ("beslut", "godkann")],
    )
    .await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get(API, &anna).await.json()["state"], "accepted");
    assert!(
        get(&app, &cookie, FORM)
            .await
            .text
            .contains("Svaret är godkänt")
    );
}

async fn the_history_page_shows_old_and_new_values_and_the_events(app: TestApp) {
    let (anna, cookie, csrf) = respondent(&app, "anna@intraservice.se", "intraservice").await;
    save(&app, &cookie, &csrf, FIRST, "ja", "", "0").await;
    save(
        &app,
        &cookie,
        &csrf,
        FIRST,
        "nej",
        "Ändrat efter samtal.",
        "1",
    )
    .await;
    let history = get(&app, &cookie, &format!("{FORM}/historik")).await;
    assert_eq!(history.status, StatusCode::OK, "{}", history.text);
    assert!(history.text.contains("Är ert arbete kunskapsbaserat?"));
    let rows: Vec<&str> = history.text.split("<tr>").skip(1).collect();
    let changes: Vec<&&str> = rows
        .iter()
        .filter(|r| r.contains("<td>1</td>") || r.contains("<td>2</td>"))
        .collect();
    assert_eq!(changes.len(), 2, "{}", history.text);
    assert!(
        changes[0].contains("<strong>Ej besvarad</strong>")
            && changes[0].contains("<strong>Ja</strong>")
    );
    assert!(changes[1].contains("<td><strong>Ja</strong></td>"));
    assert!(
        changes[1].contains(
            "<strong>Nej</strong><br><span class=\"comment\">Ändrat efter samtal.</span>"
        )
    );
    assert!(changes[1].contains("anna@intraservice.se"));

    answer_all(&app, &anna, 1).await;
    submit(&app, &cookie, &csrf).await;
    let history = get(&app, &cookie, &format!("{FORM}/historik")).await;
    assert!(
        history
            .text
            .contains("<td>anna@intraservice.se</td><td>Inskickad</td>"),
        "{}",
        history.text
    );
}

async fn last_rounds_answer_is_taken_over_with_one_button(app: TestApp) {
    let (anna, cookie, csrf) = respondent(&app, "anna@intraservice.se", "intraservice").await;
    let sam = app.user("sam@stadsledning.se", Role::Samordnare, &[]).await;
    save(&app, &cookie, &csrf, FIRST, "nej", "Förra året.", "0").await;
    app.open_next_round(&sam).await;
    let form = get(&app, &cookie, "/omgangar/2026/svar/intraservice").await;
    assert!(
        form.text.contains("Uppföljning 2025: <strong>Nej</strong>"),
        "{}",
        form.text
    );
    assert!(form.text.contains("<p class=\"comment\">Förra året.</p>"));
    let action = format!("/omgangar/2026/svar/intraservice/fragor/{FIRST}");
    let button = format!(
        "<button type=\"submit\" formaction=\"{action}/ta-over\" class=\"secondary\">Ta över<span class=\"visually-hidden\">"
    );
    let at = form
        .text
        .find(&button)
        .expect("«Ta över» in the question's form");
    let spara = at + form.text[at..].find(">Spara<").unwrap();
    assert!(
        !form.text[at..spara].contains("</form>"),
        "«Ta över» comes before Spara, in the same form"
    );
    // The browser posts the whole form, with whatever was typed; last year's answer is taken.
    let taken = post(
        &app,
        &cookie,
        &format!("{action}/ta-over"),
        &[
            ("csrf", &csrf),
            ("version", "0"),
            ("svar", "ja"),
            ("kommentar", "Halvskrivet"),
        ],
    )
    .await;
    assert_eq!(taken.status, StatusCode::SEE_OTHER);
    assert_eq!(
        location(&taken),
        format!("/omgangar/2026/svar/intraservice#{}", anchor(FIRST))
    );
    let view = app
        .get("/api/v1/rounds/2026/responses/intraservice", &anna)
        .await
        .json();
    assert_eq!(
        (
            view["questions"][0]["answer"]["answer"].as_str(),
            view["questions"][0]["answer"]["comment"].as_str()
        ),
        (Some("nej"), Some("Förra året."))
    );
    // Pressed again from the same (now stale) form: a conflict, nothing overwritten.
    let stale = post(
        &app,
        &cookie,
        &format!("{action}/ta-over"),
        &[("csrf", &csrf), ("version", "0")],
    )
    .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.text);
    // A question without last year's answer has nothing to take over.
    let none = post(
        &app,
        &cookie,
        "/omgangar/2026/svar/intraservice/fragor/trygghetsprogram/strategi-1-2/ta-over",
        &[("csrf", &csrf), ("version", "0")],
    )
    .await;
    assert_eq!(none.status, StatusCode::BAD_REQUEST, "{}", none.text);
}

async fn the_start_page_shows_a_respondent_their_open_rounds_and_the_round_page_links_the_form(
    app: TestApp,
) {
    let (anna, cookie, csrf) = respondent(&app, "anna@intraservice.se", "intraservice").await;
    let start = get(&app, &cookie, "/").await;
    assert!(start.text.contains("<h2>Att besvara</h2>"));
    assert!(
        start
            .text
            .contains(&format!("<a href=\"{FORM}\">Nämnden för Intraservice</a>"))
    );
    assert!(start.text.contains("<td>Ej påbörjad</td>"));
    assert!(start.text.contains("<td>0 av 17</td>"));
    let days =
        (time::macros::date!(2027 - 01 - 29) - time::OffsetDateTime::now_utc().date()).whole_days();
    let told = match days {
        0 => "sista dagen i dag".to_owned(),
        1 => "1 dag kvar".to_owned(),
        -1 => "1 dag sent".to_owned(),
        d if d > 1 => format!("{d} dagar kvar"),
        d => format!("{} dagar sent", -d),
    };
    assert!(
        start.text.contains(&format!("2027-01-29 ({told})")),
        "{}",
        start.text
    );
    assert!(!start.text.contains("Socialnämnden Centrum</a>"));

    save(&app, &cookie, &csrf, FIRST, "ja", "", "0").await;
    let start = get(&app, &cookie, "/").await;
    assert!(start.text.contains("<td>Utkast</td>") && start.text.contains("<td>1 av 17</td>"));

    let round = get(&app, &cookie, "/omgangar/2025?organisation=intraservice").await;
    assert!(round.text.contains(&format!(
        "<a href=\"{FORM}\">Svara för Nämnden för Intraservice</a>"
    )));
    let other = app
        .get("/omgangar/2025?organisation=framtiden", &anna)
        .await;
    assert!(!other.text.contains("Svara för"));
}

async fn a_comment_is_marked_not_for_publication_with_a_checkbox(app: TestApp) {
    let (anna, cookie, csrf) = respondent(&app, "anna@intraservice.se", "intraservice").await;
    let form = get(&app, &cookie, FORM).await;
    assert!(form.text.contains(
        "<label for=\"ej-publicera-trygghetsprogram_strategi-1-1\">Kommentaren ska inte publiceras"
    ));
    let marked = post(
        &app,
        &cookie,
        &format!("{FORM}/fragor/{FIRST}"),
        &[
            ("csrf", &csrf),
            ("version", "0"),
            ("svar", "nej"),
            ("kommentar", "Gäller en skyddad adress."),
            ("ej_publicera", "ja"),
        ],
    )
    .await;
    assert_eq!(marked.status, StatusCode::SEE_OTHER, "{}", marked.text);
    assert_eq!(stored(&app, &anna, FIRST).await["withheld"], json!(true));
    assert!(
        get(&app, &cookie, FORM)
            .await
            .text
            .contains("name=\"ej_publicera\" value=\"ja\" checked>"),
        "the form shows the mark"
    );
    let unmarked = save(
        &app,
        &cookie,
        &csrf,
        FIRST,
        "nej",
        "Gäller en skyddad adress.",
        "1",
    )
    .await;
    assert_eq!(unmarked.status, StatusCode::SEE_OTHER);
    assert_eq!(
        stored(&app, &anna, FIRST).await["withheld"],
        json!(false),
        "an unticked box clears the mark"
    );
}

/// Posts one question's form as the form's script does: asking for JSON.
async fn save_from_script(app: &TestApp, cookie: &str, fields: &[(&str, &str)]) -> Reply {
    app.send(
        axum::http::Request::post(format!("{FORM}/fragor/{FIRST}"))
            .header(header::COOKIE, format!("uppfolj_session={cookie}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .body(axum::body::Body::from(common::encode(fields)))
            .unwrap(),
    )
    .await
}

async fn the_forms_script_saves_a_question_and_is_told_the_new_version_in_json(app: TestApp) {
    let (anna, cookie, csrf) = respondent(&app, "anna@intraservice.se", "intraservice").await;
    let form = get(&app, &cookie, FORM).await;
    assert!(
        form.text
            .contains("<script src=\"/assets/uppfolj.js\" defer></script>")
    );
    let script = app
        .send(
            axum::http::Request::get("/assets/uppfolj.js")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(script.status, StatusCode::OK);
    assert!(script.text.contains("form.answer-form"));

    let saved = save_from_script(
        &app,
        &cookie,
        &[
            ("csrf", &csrf),
            ("version", "0"),
            ("svar", "ja"),
            ("kommentar", ""),
        ],
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
    let reply = saved.json();
    assert_eq!(reply["version"], json!(1));
    assert!(reply["saved"].as_str().unwrap().starts_with("Sparat 20"));
    assert!(
        reply["saved"]
            .as_str()
            .unwrap()
            .ends_with("av anna@intraservice.se")
    );
    assert_eq!(stored(&app, &anna, FIRST).await["version"], json!(1));

    let stale = save_from_script(
        &app,
        &cookie,
        &[
            ("csrf", &csrf),
            ("version", "0"),
            ("svar", "nej"),
            ("kommentar", ""),
        ],
    )
    .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(
        stale.json()["message"]
            .as_str()
            .unwrap()
            .contains("Spara för att se båda")
    );
    let unknown = save_from_script(
        &app,
        &cookie,
        &[
            ("csrf", &csrf),
            ("version", "1"),
            ("svar", "kanske"),
            ("kommentar", ""),
        ],
    )
    .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert_eq!(unknown.json()["field"], json!("svar"));
    assert_eq!(
        stored(&app, &anna, FIRST).await["answer"],
        json!("ja"),
        "neither the stale nor the refused save changed anything"
    );

    // After the session has ended, the script is told so in words, not sent to a login page.
    let ended = save_from_script(
        &app,
        "en-session-som-har-gatt-ut",
        &[
            ("csrf", &csrf),
            ("version", "1"),
            ("svar", "nej"),
            ("kommentar", "Skrivet efter utloggningen."),
        ],
    )
    .await;
    assert_eq!(ended.status, StatusCode::UNAUTHORIZED);
    let reply = ended.json();
    assert!(
        reply["message"]
            .as_str()
            .unwrap()
            .starts_with("Du har loggats ut"),
        "{reply}"
    );
    assert_eq!(reply["login"], json!("/logga-in"));
    assert_eq!(stored(&app, &anna, FIRST).await["answer"], json!("ja"));
}
