//! Following a round from the coordinator's pages, through the real router on both backends: the
//! matrix of questions × organisations that says who answers what, the coverage board on the
//! start page with its filters, and the header every signed-in page carries.

use crate::common;

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use uppfolj_model::Role;

use common::{Reply, TestApp, get_page, hidden, location, not_coordinators, post_form, signed_in};

on_both_backends!(
    the_matrix_shows_who_answers_what_and_saves_a_change,
    a_matrix_from_before_someone_elses_change_is_a_conflict_and_changes_nothing,
    a_question_asked_of_nobody_is_refused_with_its_number,
    a_closed_rounds_matrix_is_read_only,
    a_whole_column_or_row_is_ticked_and_cleared_before_saving,
    only_coordinators_reach_the_matrix,
    the_start_page_shows_coordinators_the_coverage_board_with_filters,
    every_signed_in_page_has_the_menu_and_logout,
);

const MATRIX: &str = "/omgangar/2025/tilldelning";
const FIRST: &str = "trygghetsprogram/strategi-1-1";

/// The matrix's checkboxes: each cell's value and whether it is ticked.
fn cells(page: &Reply) -> Vec<(String, bool)> {
    page.text
        .split("<input type=\"checkbox\" name=\"v\" value=\"")
        .skip(1)
        .map(|rest| {
            let value = rest.split('"').next().unwrap().to_owned();
            let tag = rest.split('>').next().unwrap();
            (value, tag.contains(" checked"))
        })
        .collect()
}

/// The row index the matrix gives an organisation, from its row heading.
fn row_of(page: &Reply, name: &str) -> String {
    let heading = page
        .text
        .split("<th scope=\"row\"><span id=\"o")
        .skip(1)
        .find(|rest| rest.contains(&format!("\">{name}</span>")))
        .unwrap_or_else(|| panic!("a row for {name}"));
    heading.split('"').next().unwrap().to_owned()
}

async fn a_whole_column_or_row_is_ticked_and_cleared_before_saving(app: TestApp) {
    let (token, sam, _) = signed_in(&app, "sam@stad.se", Role::Samordnare, &[]).await;
    let page = get_page(&app, &sam, MATRIX).await;
    assert!(
        page.text.contains("<button type=\"submit\" name=\"vaxla\" value=\"fraga-0\" class=\"toggle\">Alla/inga<span class=\"visually-hidden\"> för fråga 1.1.1 a</span></button>"),
        "each column has its button, named by its question"
    );
    assert!(
        page.text
            .contains("<span class=\"visually-hidden\">: Är ert arbete kunskapsbaserat?</span>"),
        "the question's text is in the column heading's accessible name"
    );
    let toggle = |page: &Reply, ticked: Vec<String>, which: &str| {
        let csrf = hidden(&page.text, "csrf");
        let seen = hidden(&page.text, "seen");
        let which = which.to_owned();
        let app = &app;
        let sam = sam.clone();
        async move {
            let mut fields = vec![
                ("csrf".to_owned(), csrf),
                ("seen".to_owned(), seen),
                ("vaxla".to_owned(), which),
            ];
            fields.extend(ticked.into_iter().map(|v| ("v".to_owned(), v)));
            let borrowed: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            post_form(app, &sam, MATRIX, &borrowed).await
        }
    };
    let stored = ticked(&page);
    let column = |page: &Reply, i: usize| -> Vec<bool> {
        cells(page)
            .into_iter()
            .filter(|(v, _)| v.split('-').next() == Some(&i.to_string()))
            .map(|(_, on)| on)
            .collect()
    };
    // Column 0 is asked of everyone: the button clears it, then ticks it all again.
    assert!(column(&page, 0).iter().all(|on| *on));
    let cleared = toggle(&page, stored.clone(), "fraga-0").await;
    assert_eq!(cleared.status, StatusCode::OK, "{}", cleared.text);
    assert!(
        column(&cleared, 0).iter().all(|on| !on),
        "the whole column cleared"
    );
    assert!(cleared.text.contains("Ändringen är inte sparad ännu."));
    assert_eq!(
        column(&cleared, 1),
        column(&page, 1),
        "other columns as they were"
    );
    assert!(
        asked(&app, &token, "intraservice")
            .await
            .contains(&FIRST.to_owned()),
        "nothing is stored by a toggle"
    );
    let back = toggle(&cleared, ticked(&cleared), "fraga-0").await;
    assert!(
        column(&back, 0).iter().all(|on| *on),
        "a column not all ticked is ticked"
    );

    // A row: Intraservice asked nothing, then everything.
    let row = row_of(&page, "Nämnden för Intraservice");
    let theirs = |page: &Reply| -> Vec<bool> {
        cells(page)
            .into_iter()
            .filter(|(v, _)| v.ends_with(&format!("-{row}")))
            .map(|(_, on)| on)
            .collect()
    };
    let mut partly = stored.clone();
    partly.retain(|v| *v != format!("0-{row}"));
    let all = toggle(&page, partly, &format!("org-{row}")).await;
    assert!(theirs(&all).iter().all(|on| *on));
    let none = toggle(&all, ticked(&all), &format!("org-{row}")).await;
    assert!(theirs(&none).iter().all(|on| !on));
    let saved = save(&app, &sam, &none, &ticked(&none)).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert!(
        asked(&app, &token, "intraservice").await.is_empty(),
        "saved as shown"
    );

    let bad = toggle(&page, stored, "fraga-9999").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

/// Posts the matrix with `ticked` cells.
async fn save(app: &TestApp, cookie: &str, page: &Reply, ticked: &[String]) -> Reply {
    let csrf = hidden(&page.text, "csrf");
    let seen = hidden(&page.text, "seen");
    let mut fields = vec![("csrf", csrf.as_str()), ("seen", seen.as_str())];
    fields.extend(ticked.iter().map(|v| ("v", v.as_str())));
    post_form(app, cookie, MATRIX, &fields).await
}

fn ticked(page: &Reply) -> Vec<String> {
    cells(page)
        .into_iter()
        .filter(|(_, on)| *on)
        .map(|(v, _)| v)
        .collect()
}

/// The question ids a response is asked, through the API.
async fn asked(app: &TestApp, token: &str, organisation: &str) -> Vec<String> {
    app.get(
        &format!("/api/v1/rounds/2025/responses/{organisation}"),
        token,
    )
    .await
    .json()["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn the_matrix_shows_who_answers_what_and_saves_a_change(app: TestApp) {
    let (token, sam, _) = signed_in(&app, "sam@stad.se", Role::Samordnare, &[]).await;
    let before = asked(&app, &token, "intraservice").await;
    assert!(before.contains(&FIRST.to_owned()));
    let page = get_page(&app, &sam, MATRIX).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    let all = cells(&page);
    let organisations = page.text.matches("<th scope=\"row\"><span id=\"o").count();
    assert!(organisations >= 40, "every active organisation has a row");
    assert_eq!(
        all.len() % organisations,
        0,
        "a full matrix of questions × organisations"
    );
    let row = row_of(&page, "Nämnden för Intraservice");
    let cell = format!("0-{row}");
    assert!(
        all.contains(&(cell.clone(), true)),
        "Intraservice answers the first question"
    );
    assert!(
        page.text
            .contains(&format!("aria-labelledby=\"q0 o{row}\"")),
        "each checkbox is named by its question and organisation"
    );

    let without: Vec<String> = ticked(&page).into_iter().filter(|v| *v != cell).collect();
    let saved = save(&app, &sam, &page, &without).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    assert_eq!(location(&saved), format!("{MATRIX}?sparat=1"));
    let after = asked(&app, &token, "intraservice").await;
    assert!(!after.contains(&FIRST.to_owned()), "no longer asked");
    assert_eq!(after.len(), before.len() - 1, "the rest unchanged");
    assert!(
        asked(&app, &token, "socialnamnden-centrum")
            .await
            .contains(&FIRST.to_owned()),
        "the others still are"
    );
    let shown = get_page(&app, &sam, &format!("{MATRIX}?sparat=1")).await;
    assert!(shown.text.contains("Tilldelningen är sparad."));
    assert!(cells(&shown).contains(&(cell.clone(), false)));

    let everyone: Vec<String> = cells(&shown).into_iter().map(|(v, _)| v).collect();
    let restored = save(&app, &sam, &shown, &everyone).await;
    assert_eq!(restored.status, StatusCode::SEE_OTHER);
    let definitions = app.store().definitions().await.unwrap();
    assert!(
        definitions
            .rounds
            .iter()
            .find(|r| r.key.as_str() == "2025")
            .unwrap()
            .targets
            .is_empty(),
        "questions asked of every active organisation carry no limit"
    );
}

async fn a_matrix_from_before_someone_elses_change_is_a_conflict_and_changes_nothing(app: TestApp) {
    let (token, sam, _) = signed_in(&app, "sam@stad.se", Role::Samordnare, &[]).await;
    let page = get_page(&app, &sam, MATRIX).await;
    let changed = app
        .call(
            Method::PUT,
            "/api/v1/rounds/2025/status",
            &token,
            Some(json!({ "green": 0.8, "yellow": 0.4 })),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.text);
    let row = row_of(&page, "Nämnden för Intraservice");
    let stale: Vec<String> = ticked(&page)
        .into_iter()
        .filter(|v| *v != format!("0-{row}"))
        .collect();
    let refused = save(&app, &sam, &page, &stale).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.text.contains("Någon annan har ändrat"));
    assert!(
        refused
            .text
            .contains("Tabellen visar nu det som är sparat.")
    );
    assert!(
        asked(&app, &token, "intraservice")
            .await
            .contains(&FIRST.to_owned()),
        "nothing was stored"
    );
    let again = save(&app, &sam, &refused, &stale).await;
    assert_eq!(
        again.status,
        StatusCode::SEE_OTHER,
        "the page shown with the conflict saves"
    );
}

async fn a_question_asked_of_nobody_is_refused_with_its_number(app: TestApp) {
    let (token, sam, _) = signed_in(&app, "sam@stad.se", Role::Samordnare, &[]).await;
    let page = get_page(&app, &sam, MATRIX).await;
    let without_first: Vec<String> = ticked(&page)
        .into_iter()
        .filter(|v| !v.starts_with("0-"))
        .collect();
    let refused = save(&app, &sam, &page, &without_first).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(
        refused.text.contains(
            "Varje fråga måste ställas till minst en organisation. Ingen är vald för 1.1.1"
        ),
        "{}",
        refused.text
    );
    assert!(
        cells(&refused)
            .iter()
            .all(|(v, on)| !v.starts_with("0-") || !on),
        "the page keeps what was ticked"
    );
    assert!(
        asked(&app, &token, "intraservice")
            .await
            .contains(&FIRST.to_owned())
    );
    let garbage = save(&app, &sam, &page, &["0-9999".to_owned()]).await;
    assert_eq!(garbage.status, StatusCode::BAD_REQUEST);
    assert!(
        garbage
            .text
            .contains("«0-9999» är ingen ruta i tilldelningen")
    );
}

async fn a_closed_rounds_matrix_is_read_only(app: TestApp) {
    let (token, sam, _) = signed_in(&app, "sam@stad.se", Role::Samordnare, &[]).await;
    let open = get_page(&app, &sam, MATRIX).await;
    let closed = app
        .call(
            Method::POST,
            "/api/v1/rounds/2025/state",
            &token,
            Some(json!({ "state": "closed" })),
        )
        .await;
    assert_eq!(closed.status, StatusCode::OK, "{}", closed.text);
    let page = get_page(&app, &sam, MATRIX).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(cells(&page).is_empty(), "no checkboxes");
    assert!(page.text.contains("kan inte längre ändras"));
    let refused = save(&app, &sam, &open, &ticked(&open)).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
}

async fn only_coordinators_reach_the_matrix(app: TestApp) {
    let (_, sam, _) = signed_in(&app, "sam@stad.se", Role::Samordnare, &[]).await;
    let page = get_page(&app, &sam, MATRIX).await;
    let seen = hidden(&page.text, "seen");
    for (cookie, csrf) in &not_coordinators(&app).await {
        assert_eq!(
            get_page(&app, cookie, MATRIX).await.status,
            StatusCode::FORBIDDEN
        );
        let posted = post_form(
            &app,
            cookie,
            MATRIX,
            &[("csrf", csrf), ("seen", &seen), ("v", "0-0")],
        )
        .await;
        assert_eq!(posted.status, StatusCode::FORBIDDEN);
    }
    let forged = post_form(
        &app,
        &sam,
        MATRIX,
        &[("csrf", "fel"), ("seen", &seen), ("v", "0-0")],
    )
    .await;
    assert_eq!(
        forged.status,
        StatusCode::FORBIDDEN,
        "no CSRF token, no save"
    );
    let after = get_page(&app, &sam, MATRIX).await;
    assert_eq!(ticked(&after), ticked(&page), "nothing changed");
}

async fn the_start_page_shows_coordinators_the_coverage_board_with_filters(app: TestApp) {
    let (_, sam, _) = signed_in(&app, "sam@stad.se", Role::Samordnare, &[]).await;
    let anna = app
        .user(
            "anna@intraservice.se",
            Role::Uppgiftslamnare,
            &["intraservice"],
        )
        .await;
    let response = app
        .get("/api/v1/rounds/2025/responses/intraservice", &anna)
        .await
        .json();
    let questions = response["questions"].as_array().unwrap();
    let first_two: Vec<Value> = questions
        .iter()
        .take(2)
        .map(|q| json!({"question": q["id"], "answer": "ja", "version": 0}))
        .collect();
    let saved = app
        .call(
            Method::PUT,
            "/api/v1/rounds/2025/responses/intraservice/answers",
            &anna,
            Some(json!({ "answers": first_two })),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);

    let start = get_page(&app, &sam, "/").await;
    assert!(start.text.contains("Svarsläget – Uppföljning 2025"));
    assert!(
        start.text.contains(
            "<th scope=\"col\"><span aria-hidden=\"true\">Handlingsplan 2023–2026</span>\
             <span class=\"visually-hidden\">Göteborgs Stads handlingsplan för att stoppa \
             nyrekrytering, gängkriminalitet och utvecklingen av parallella samhällen \
             2023–2026</span></th>"
        ),
        "a document's column shows its kind and period, and gives screen readers its title"
    );
    let row = |page: &Reply, name: &str| -> String {
        let from = page
            .text
            .find(&format!(">{name}</a></th>"))
            .unwrap_or_else(|| panic!("a row for {name}"));
        page.text[from..].split("</tr>").next().unwrap().to_owned()
    };
    let intraservice = row(&start, "Nämnden för Intraservice");
    assert!(
        intraservice.contains(">2 av "),
        "two answered in the first document: {intraservice}"
    );
    assert!(intraservice.contains("<td>Utkast</td>"));
    let total = start.text.matches("/granska\">").count();
    assert!(total >= 40, "every organisation asked something has a row");

    let drafts = get_page(&app, &sam, "/?status=draft&typ=").await;
    assert_eq!(drafts.text.matches("/granska\">").count(), 1);
    assert!(
        drafts
            .text
            .contains(&format!("1 av {total} organisationer visas"))
    );
    assert!(
        drafts
            .text
            .contains("<option value=\"draft\" selected>Utkast</option>")
    );
    let companies = get_page(&app, &sam, "/?status=&typ=bolag").await;
    let shown = companies.text.matches("/granska\">").count();
    assert!(shown > 0 && shown < total, "only companies: {shown}");
    assert!(!companies.text.contains(">Nämnden för Intraservice</a>"));

    let (_, anna_cookie, _) = signed_in(
        &app,
        "anna2@intraservice.se",
        Role::Uppgiftslamnare,
        &["intraservice"],
    )
    .await;
    let theirs = get_page(&app, &anna_cookie, "/").await;
    assert!(
        !theirs.text.contains("Svarsläget –"),
        "the board is the coordinators'"
    );
}

async fn every_signed_in_page_has_the_menu_and_logout(app: TestApp) {
    let (_, sam, sam_csrf) = signed_in(&app, "sam@stad.se", Role::Samordnare, &[]).await;
    let (_, anna, anna_csrf) = signed_in(
        &app,
        "anna@intraservice.se",
        Role::Uppgiftslamnare,
        &["intraservice"],
    )
    .await;
    let logout = |csrf: &str| {
        format!(
            "<form method=\"post\" action=\"/logga-ut\" class=\"logout\">\n    <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">"
        )
    };
    for uri in [
        "/",
        "/omgangar/2025",
        "/omgangar/2025/hantera",
        MATRIX,
        "/omgangar/ny",
        "/omgangar/2025/sammanstallning",
        "/omgangar/2025/svar/intraservice",
        "/omgangar/2025/svar/intraservice/skicka-in",
        "/omgangar/2025/svar/intraservice/historik",
        "/omgangar/2025/svar/intraservice/granska",
    ] {
        let page = get_page(&app, &sam, uri).await;
        assert_eq!(page.status, StatusCode::OK, "{uri}");
        assert!(page.text.contains(&logout(&sam_csrf)), "logout on {uri}");
        assert!(page.text.contains("<span class=\"who\">sam@stad.se</span>"));
        assert!(page.text.contains("<a href=\"/anvandare\">"), "{uri}");
    }
    for uri in ["/", "/omgangar/2025/svar/intraservice"] {
        let page = get_page(&app, &anna, uri).await;
        assert!(page.text.contains(&logout(&anna_csrf)), "logout on {uri}");
        assert!(
            !page.text.contains("<a href=\"/anvandare\">"),
            "no coordinator links for a respondent on {uri}"
        );
    }
}
