//! Pages and browser sessions through the real router, on both backends: login with throttling,
//! CSRF on every form and on cookie-authenticated API writes, logout (also everywhere), the
//! first-login link, security headers, and Swedish 404 pages.

use crate::common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::json;
use uppfolj_model::{AuditAction, Role};
use uppfolj_store::AuditFilter;

use common::{TestApp, cookie, hidden, login, session, with_cookie};

on_both_backends!(
    every_answer_carries_a_request_id_that_error_pages_show,
    the_citys_name_logo_and_colour_are_on_every_page_public_ones_too,
    pages_show_the_stored_round,
    unknown_rounds_and_pages_are_404_in_swedish,
    a_session_works_for_pages_and_the_api_with_csrf_on_writes,
    logout_ends_the_session_and_logout_everywhere_ends_them_all,
    failed_logins_lock_the_account_and_say_for_how_long,
    forms_without_their_csrf_token_are_refused,
    a_first_login_link_sets_the_password_once,
    every_response_carries_security_headers,
    an_idle_session_expires,
    the_organisation_report_is_served_to_those_who_may_read_it,
    the_compilation_shows_coordinators_the_counts_and_others_only_once_published,
    every_download_the_compilation_page_offers_is_there,
    sentences_about_a_state_agree_with_their_noun,
);

async fn sentences_about_a_state_agree_with_their_noun(app: TestApp) {
    let sam = app.user("sam@stadsledning.se", Role::Samordnare, &[]).await;
    let review = app
        .get("/omgangar/2025/svar/socialnamnden-centrum/granska", &sam)
        .await;
    assert!(
        review.text.contains("svaret är inte påbörjat."),
        "«svaret» is neuter: {}",
        review.text
    );
    let draft = json!({"key": "2026", "name": "Uppföljning 2026", "year": 2026,
        "opens": "2027-11-15", "closes": "2028-01-31", "copy_from": "2025"});
    app.call(Method::POST, "/api/v1/rounds", &sam, Some(draft))
        .await;
    let form = app.get("/omgangar/2026/svar/intraservice", &sam).await;
    assert!(
        form.text
            .contains("Omgången är ett utkast och tar inte emot svar."),
        "{}",
        form.text
    );
    let start = app.get("/", &sam).await;
    assert!(
        start.text.contains("organisationer deltar."),
        "{}",
        start.text
    );
    assert!(
        !start.text.contains("UPPFOLJ_"),
        "no setting's name on a page"
    );
}

/// Every link with a `download` attribute in `html`, in order.
fn download_links(html: &str) -> Vec<String> {
    html.split("<a href=\"")
        .skip(1)
        .filter_map(|rest| {
            let (href, after) = rest.split_once('"')?;
            after.starts_with(" download").then(|| href.to_owned())
        })
        .collect()
}

async fn every_download_the_compilation_page_offers_is_there(app: TestApp) {
    let sam = app.user("sam@stadsledning.se", Role::Samordnare, &[]).await;
    let page = app.get("/omgangar/2025/sammanstallning", &sam).await;
    let links = download_links(&page.text);
    assert_eq!(
        links,
        [
            "/omgangar/2025/sammanstallning.pdf",
            "/omgangar/2025/sammanstallning.xlsx",
            "/omgangar/2025/sammanstallning.ods",
            "/omgangar/2025/sammanstallning.csv.zip",
        ],
        "the compilation as PDF and as spreadsheets"
    );
    for link in links {
        let file = app.get(&link, &sam).await;
        assert_eq!(file.status, StatusCode::OK, "{link}");
        let disposition = file.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
        let extension = link.split_once('.').unwrap().1;
        assert!(
            disposition.ends_with(&format!("sammanstallning-2025.{extension}\"")),
            "{link}: {disposition}"
        );
        let magic: &[u8] = if extension == "pdf" { b"%PDF" } else { b"PK" };
        assert!(
            file.bytes.starts_with(magic),
            "{link} is a real {extension} file"
        );
    }
    let zip = app
        .get("/omgangar/2025/sammanstallning.csv.zip", &sam)
        .await;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(zip.bytes.to_vec())).unwrap();
    let names: Vec<&str> = zip.file_names().collect();
    for table in [
        "fragor.csv",
        "avsnitt.csv",
        "organisationer.csv",
        "kommentarer.csv",
    ] {
        assert!(names.contains(&table), "{table} in {names:?}");
    }
    let mut questions = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("fragor.csv").unwrap(), &mut questions).unwrap();
    assert!(
        questions.starts_with("\u{feff}avsnitt;nummer;fråga;"),
        "CSV for Swedish Excel: {}",
        &questions[..80]
    );
}

async fn pages_show_the_stored_round(app: TestApp) {
    let token = app.user("sam@stadsledning.se", Role::Samordnare, &[]).await;
    let start = app.get("/", &token).await;
    assert_eq!(start.status, StatusCode::OK);
    assert!(start.text.contains("<html lang=\"sv\">"));
    assert!(start.text.contains("Uppföljning 2025") && start.text.contains("Öppen"));
    let all = app.get("/omgangar/2025", &token).await;
    assert_eq!(all.text.matches("class=\"question\"").count(), 35);
    let framtiden = app
        .get("/omgangar/2025?organisation=framtiden", &token)
        .await;
    assert!(framtiden.text.contains("Förvaltnings AB Framtiden får"));
    assert!(
        framtiden
            .text
            .contains("href=\"/omgangar/2025/svar/framtiden/rapport.pdf\""),
        "the organisation's report is a link away"
    );
    assert!(
        framtiden
            .text
            .contains("Tar ni systematiskt hänsyn till trygghetsskapande"),
        "strategi 3:3 targets Framtiden"
    );
    assert!(
        !framtiden.text.contains("sociala insatsgrupper"),
        "insats 2:1 goes to the socialnämnder only"
    );
}

async fn unknown_rounds_and_pages_are_404_in_swedish(app: TestApp) {
    let token = app.user("sam@stadsledning.se", Role::Samordnare, &[]).await;
    for uri in [
        "/omgangar/1999",
        "/omgangar/Fel%20nyckel",
        "/omgangar/2025?organisation=okand",
        "/finns-inte",
    ] {
        let reply = app.get(uri, &token).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{uri}");
        assert!(
            reply.text.contains("finns inte") && reply.text.contains("lang=\"sv\""),
            "{uri}: {}",
            reply.text
        );
    }
    let api = app.get("/api/v1/finns-inte", &token).await;
    assert_eq!(
        (
            api.status,
            api.headers[header::CONTENT_TYPE].to_str().unwrap()
        ),
        (StatusCode::NOT_FOUND, "application/problem+json")
    );
}

async fn a_session_works_for_pages_and_the_api_with_csrf_on_writes(app: TestApp) {
    app.user(
        "anna@intraservice.se",
        Role::Uppgiftslamnare,
        &["intraservice"],
    )
    .await;
    let reply = login(&app, "Anna@Intraservice.se", "ett långt lösenord").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let set_cookie = reply
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect::<Vec<_>>();
    let session_cookie = set_cookie
        .iter()
        .find(|c| c.starts_with("uppfolj_session="))
        .unwrap();
    for attribute in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
        assert!(session_cookie.contains(attribute), "{session_cookie}");
    }
    let session = cookie(&reply, "uppfolj_session").unwrap();
    let start = with_cookie(&app, Method::GET, "/", &session, None, None).await;
    assert_eq!(start.status, StatusCode::OK);
    let csrf = hidden(&start.text, "csrf");
    let me = with_cookie(&app, Method::GET, "/api/v1/me", &session, None, None).await;
    assert_eq!(me.json()["email"], "anna@intraservice.se");

    let path = "/api/v1/rounds/2025/responses/intraservice/answers/trygghetsprogram/strategi-1-1";
    let body = r#"{"answer": "ja", "version": 0}"#;
    let forged = with_cookie(&app, Method::PUT, path, &session, None, Some(body)).await;
    assert_eq!(
        forged.status,
        StatusCode::FORBIDDEN,
        "a cookie alone cannot write: {}",
        forged.text
    );
    let wrong = with_cookie(
        &app,
        Method::PUT,
        path,
        &session,
        Some("gissning"),
        Some(body),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    let saved = with_cookie(&app, Method::PUT, path, &session, Some(&csrf), Some(body)).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
}

async fn logout_ends_the_session_and_logout_everywhere_ends_them_all(app: TestApp) {
    app.user(
        "anna@intraservice.se",
        Role::Uppgiftslamnare,
        &["intraservice"],
    )
    .await;
    let laptop = session(&app, "anna@intraservice.se").await;
    let tablet = session(&app, "anna@intraservice.se").await;
    let phone = session(&app, "anna@intraservice.se").await;
    let csrf = hidden(
        &with_cookie(&app, Method::GET, "/", &laptop, None, None)
            .await
            .text,
        "csrf",
    );
    let out = with_cookie(
        &app,
        Method::POST,
        "/logga-ut",
        &laptop,
        None,
        Some(&format!("csrf={csrf}")),
    )
    .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(
        with_cookie(&app, Method::GET, "/api/v1/me", &laptop, None, None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        with_cookie(&app, Method::GET, "/api/v1/me", &tablet, None, None)
            .await
            .status,
        StatusCode::OK
    );

    let csrf = hidden(
        &with_cookie(&app, Method::GET, "/", &tablet, None, None)
            .await
            .text,
        "csrf",
    );
    let everywhere = with_cookie(
        &app,
        Method::DELETE,
        "/api/v1/me/sessions",
        &tablet,
        Some(&csrf),
        None,
    )
    .await;
    assert_eq!(everywhere.status, StatusCode::NO_CONTENT);
    for gone in [&tablet, &phone] {
        assert_eq!(
            with_cookie(&app, Method::GET, "/api/v1/me", gone, None, None)
                .await
                .status,
            StatusCode::UNAUTHORIZED
        );
    }
}

async fn failed_logins_lock_the_account_and_say_for_how_long(app: TestApp) {
    app.user(
        "anna@intraservice.se",
        Role::Uppgiftslamnare,
        &["intraservice"],
    )
    .await;
    for attempt in 1..=4 {
        let reply = login(&app, "anna@intraservice.se", "fel lösenord nu").await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
        assert!(reply.text.contains("Fel e-postadress eller lösenord."));
        assert!(reply.text.contains("role=\"alert\""));
    }
    let fifth = login(&app, "anna@intraservice.se", "fel lösenord nu").await;
    assert!(
        fifth.text.contains("Kontot är nu låst i 15 minuter."),
        "{}",
        fifth.text
    );
    let right = login(&app, "anna@intraservice.se", "ett långt lösenord").await;
    assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        right.text.contains(
            "Kontot är låst efter för många misslyckade försök. Försök igen om 15 minuter."
        ),
        "{}",
        right.text
    );
    assert!(cookie(&right, "uppfolj_session").is_none());
}

async fn forms_without_their_csrf_token_are_refused(app: TestApp) {
    app.user(
        "anna@intraservice.se",
        Role::Uppgiftslamnare,
        &["intraservice"],
    )
    .await;
    let no_token = app
        .send(
            Request::post("/logga-in")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(
                    "email=anna@intraservice.se&password=ett+l%C3%A5ngt+l%C3%B6senord&csrf=x",
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
    assert!(cookie(&no_token, "uppfolj_session").is_none());
    let session = session(&app, "anna@intraservice.se").await;
    let forged = with_cookie(
        &app,
        Method::POST,
        "/logga-ut",
        &session,
        None,
        Some("csrf=gissning"),
    )
    .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(
        with_cookie(&app, Method::GET, "/api/v1/me", &session, None, None)
            .await
            .status,
        StatusCode::OK
    );
}

async fn a_first_login_link_sets_the_password_once(app: TestApp) {
    let sam = app.user("sam@stadsledning.se", Role::Samordnare, &[]).await;
    let created = app
        .call(Method::POST, "/api/v1/users", &sam, Some(json!({"email": "ny@intraservice.se", "role": "uppgiftslamnare", "organisations": ["intraservice"]})))
        .await;
    let link = created.json()["login_link"].as_str().unwrap().to_owned();
    let path = link.trim_start_matches("http://uppfolj.test");
    let form = app
        .send(Request::get(path).body(Body::empty()).unwrap())
        .await;
    assert_eq!(form.status, StatusCode::OK);
    let token = cookie(&form, "uppfolj_form").unwrap();
    let post = |body: String| {
        Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, format!("uppfolj_form={token}"))
            .body(Body::from(body))
            .unwrap()
    };
    let short = app
        .send(post(format!("password=kort&repeat=kort&csrf={token}")))
        .await;
    assert_eq!(short.status, StatusCode::BAD_REQUEST);
    assert!(
        short.text.contains("Lösenordet måste ha minst 10 tecken."),
        "{}",
        short.text
    );
    let set = app
        .send(post(format!(
            "password=mitt+nya+l%C3%B6senord&repeat=mitt+nya+l%C3%B6senord&csrf={token}"
        )))
        .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER, "{}", set.text);
    assert!(cookie(&set, "uppfolj_session").is_some());
    // The audit log has the password set and the login through the link, by the new user.
    let filter = AuditFilter {
        limit: 100,
        ..AuditFilter::default()
    };
    let log = app.store().audit_log(&filter).await.unwrap();
    let by_new: Vec<(AuditAction, &str)> = log
        .iter()
        .filter(|e| e.actor == "ny@intraservice.se")
        .map(|e| (e.action, e.subject.as_str()))
        .collect();
    assert!(
        by_new.contains(&(AuditAction::PasswordChanged, "användare/ny@intraservice.se")),
        "{by_new:?}"
    );
    assert!(
        by_new
            .iter()
            .any(|(a, s)| *a == AuditAction::Login && s.ends_with("(engångslänk)")),
        "{by_new:?}"
    );
    let again = app
        .send(post(format!(
            "password=ett+annat+l%C3%B6sen&repeat=ett+annat+l%C3%B6sen&csrf={token}"
        )))
        .await;
    assert_eq!(again.status, StatusCode::GONE);
    assert_eq!(
        login(&app, "ny@intraservice.se", "mitt nya lösenord")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

async fn every_response_carries_security_headers(app: TestApp) {
    for uri in [
        "/logga-in",
        "/api/v1/openapi.json",
        "/finns-inte",
        "/api/v1/me",
    ] {
        let reply = app
            .send(Request::get(uri).body(Body::empty()).unwrap())
            .await;
        let csp = reply.headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap();
        assert!(
            csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"),
            "{uri}"
        );
        assert_eq!(reply.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(reply.headers[header::REFERRER_POLICY], "same-origin");
    }
}

async fn an_idle_session_expires(app: TestApp) {
    app.user(
        "anna@intraservice.se",
        Role::Uppgiftslamnare,
        &["intraservice"],
    )
    .await;
    let fresh = session(&app, "anna@intraservice.se").await;
    let idle = session(&app, "anna@intraservice.se").await;
    let hash = uppfolj_app::secrets::secret_hash(&idle);
    let three_hours_ago = (time::OffsetDateTime::now_utc() - time::Duration::hours(3))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    app.store()
        .execute_raw(&format!(
            "UPDATE sessions SET last_seen_at = '{three_hours_ago}' WHERE token_hash = '{hash}'"
        ))
        .await
        .unwrap();
    assert_eq!(
        with_cookie(&app, Method::GET, "/api/v1/me", &idle, None, None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        with_cookie(&app, Method::GET, "/api/v1/me", &fresh, None, None)
            .await
            .status,
        StatusCode::OK
    );
    let expired = with_cookie(&app, Method::GET, "/", &idle, None, None).await;
    assert_eq!(
        (
            expired.status,
            expired.headers[header::LOCATION].to_str().unwrap()
        ),
        (StatusCode::SEE_OTHER, "/logga-in")
    );
}

async fn the_organisation_report_is_served_to_those_who_may_read_it(app: TestApp) {
    let anna = app
        .user(
            "anna@intraservice.se",
            Role::Uppgiftslamnare,
            &["intraservice"],
        )
        .await;
    let sven = app
        .user(
            "sven@sn.se",
            Role::Uppgiftslamnare,
            &["socialnamnden-centrum"],
        )
        .await;
    let path = "/api/v1/rounds/2025/responses/intraservice/answers/trygghetsprogram/strategi-1-1";
    app.call(
        Method::PUT,
        path,
        &anna,
        Some(json!({"answer": "nej", "comment": "Gäller inte oss.", "version": 0})),
    )
    .await;

    let html = app
        .get("/omgangar/2025/svar/intraservice/rapport.html", &anna)
        .await;
    assert_eq!(html.status, StatusCode::OK);
    assert!(html.text.contains("<html lang=\"sv\">"));
    assert!(
        html.text
            .contains("<th scope=\"col\">Uppföljningsfrågor</th>")
    );
    assert!(html.text.contains("1.1.1 Målområde 1: Öka kunskapen"));
    assert!(
        html.text
            .contains("2.1 Fokusområde 1: Tidiga och förebyggande insatser"),
        "sections without questions are shown"
    );
    assert!(html.text.contains("Gäller inte oss.") && html.text.contains("Ej besvarad"));
    assert!(html.text.contains("Utkast"));
    assert!(!html.text.contains("<script"));

    let md = app
        .get("/omgangar/2025/svar/intraservice/rapport.md", &anna)
        .await;
    assert_eq!(md.status, StatusCode::OK);
    assert!(
        md.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("rapport-2025-intraservice.md")
    );
    assert!(
        md.text
            .contains("**Är ert arbete kunskapsbaserat?**\n\nStrategi 1:1"),
        "{}",
        md.text
    );
    assert!(md.text.contains("Svar: **Nej**\n\nGäller inte oss."));

    assert_eq!(
        app.get("/omgangar/2025/svar/intraservice/rapport.html", &sven)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let pdf = app
        .get("/omgangar/2025/svar/intraservice/rapport.pdf", &anna)
        .await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.headers[header::CONTENT_TYPE], "application/pdf");
    let read = uppfolj_exchange::report::read(&pdf.bytes)
        .expect("the PDF reads back")
        .report;
    let (_, first) = read.questions()[0];
    assert_eq!(
        (first.answer.as_deref(), first.comment.as_str()),
        (Some("Nej"), "Gäller inte oss.")
    );
    assert_eq!(
        app.get("/omgangar/2025/svar/intraservice/rapport.pdf", &sven)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get("/omgangar/2025/svar/intraservice/rapport.exe", &anna)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

async fn the_compilation_shows_coordinators_the_counts_and_others_only_once_published(
    app: TestApp,
) {
    let anna = app
        .user(
            "anna@intraservice.se",
            Role::Uppgiftslamnare,
            &["intraservice"],
        )
        .await;
    let sam = app.user("sam@stadsledning.se", Role::Samordnare, &[]).await;
    let lisa = app.user("lisa@politik.se", Role::Lasare, &[]).await;
    let path = "/api/v1/rounds/2025/responses/intraservice/answers/trygghetsprogram/strategi-1-1";
    app.call(
        Method::PUT,
        path,
        &anna,
        Some(json!({"answer": "nej", "comment": "", "version": 0})),
    )
    .await;

    let page = app.get("/omgangar/2025/sammanstallning", &sam).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text
            .contains("<h1>Sammanställning – Uppföljning 2025</h1>")
    );
    assert!(
        page.text
            .contains("<tr><th scope=\"row\">Nej</th><td>1</td><td>100 %</td><td>Nämnden för Intraservice</td></tr>"),
        "the numbers are in a table beside the chart"
    );
    assert!(page.text.contains("role=\"img\""), "charts have a role");
    assert!(
        page.text.contains(
            "<details>\n    <summary>Ja 0 (0 %), Nej 1 (100 %), Ej aktuellt 0 (0 %) – visa diagram och tabell</summary>"
        ),
        "each question's details are folded, the counts in view: {}",
        page.text
    );
    assert!(
        page.text
            .contains("<title id=\"diagram-1\">Svarsfördelning: Ja 0 (0 %), Nej 1 (100 %)")
    );
    assert!(
        page.text
            .contains("<strong>Nämnden för Intraservice</strong>: Svar som inte är det positiva, utan kommentar"),
        "a Nej without a comment is flagged"
    );
    assert!(
        page.text.contains(
            "Statusen visas när minst 50 % av organisationerna har skickat in; nu har 0 % gjort det."
        ) && page.text.contains("Visas när fler har skickat in"),
        "no colours while too few have submitted"
    );
    let shown = app
        .call(
            Method::PUT,
            "/api/v1/rounds/2025/status",
            &sam,
            Some(json!({"green": 0.75, "yellow": 0.5, "submitted": 0})),
        )
        .await;
    assert_eq!(shown.status, StatusCode::OK);
    let page = app.get("/omgangar/2025/sammanstallning", &sam).await;
    assert!(
        page.text.contains("Röd: i huvudsak inte uppfyllt"),
        "status in words"
    );
    assert!(!page.text.contains("<script"));

    assert_eq!(
        app.get("/omgangar/2025/sammanstallning", &anna)
            .await
            .status,
        StatusCode::FORBIDDEN,
        "a respondent sees the round but not its compilation before publication"
    );
    assert_eq!(
        app.get("/omgangar/2025/sammanstallning", &lisa)
            .await
            .status,
        StatusCode::NOT_FOUND,
        "a reader does not see an unpublished round at all"
    );
    for state in ["closed", "published"] {
        app.call(
            Method::POST,
            "/api/v1/rounds/2025/state",
            &sam,
            Some(json!({ "state": state })),
        )
        .await;
    }
    assert!(
        app.get("/omgangar/2025", &lisa)
            .await
            .text
            .contains("href=\"/omgangar/2025/sammanstallning\""),
        "the round page links to its compilation"
    );
    let published = app.get("/omgangar/2025/sammanstallning", &lisa).await;
    assert_eq!(published.status, StatusCode::OK);
    assert!(published.text.contains("Omgången är publicerad."));
    assert_eq!(
        app.get("/omgangar/1999/sammanstallning", &sam).await.status,
        StatusCode::NOT_FOUND
    );
}

async fn the_citys_name_logo_and_colour_are_on_every_page_public_ones_too(app: TestApp) {
    use tower::ServiceExt;
    let fetch = |router: axum::Router, path: &'static str| async move {
        let response = router
            .oneshot(Request::get(path).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let kind = response
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_owned());
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, kind, String::from_utf8_lossy(&body).into_owned())
    };
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"/>".to_vec();
    let theme = uppfolj_web::Theme {
        city: Some("Exempelstad".into()),
        logo: Some(uppfolj_web::Logo::from_bytes(svg).unwrap()),
        accent: Some(uppfolj_web::Accent::parse("#7a1f5c").unwrap()),
    };
    let config = uppfolj_web::WebConfig {
        public_url: "http://uppfolj.test".into(),
        secure_cookies: true,
        mailer: None,
        trusted_proxies: vec![],
        theme: std::sync::Arc::new(theme),
        metrics: Default::default(),
        sso: None,
    };
    let themed = uppfolj_web::router(uppfolj_web::AppState::new(app.store().clone(), config));
    for path in ["/logga-in", "/publicerat"] {
        let (status, _, page) = fetch(themed.clone(), path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(
            page.contains(
                "<span class=\"tagline\">Exempelstad – uppföljning av styrdokument</span>"
            ),
            "{path}: {page}"
        );
        assert!(page.contains("<img src=\"/assets/logo\" alt=\"\" class=\"logo\">"));
        assert!(page.contains("<link rel=\"stylesheet\" href=\"/assets/tema.css\">"));
    }
    let (_, kind, css) = fetch(themed.clone(), "/assets/tema.css").await;
    assert_eq!(kind.as_deref(), Some("text/css; charset=utf-8"));
    assert!(css.contains("--accent: #7a1f5c;"), "{css}");
    let (status, kind, _) = fetch(themed, "/assets/logo").await;
    assert_eq!(
        (status, kind.as_deref()),
        (StatusCode::OK, Some("image/svg+xml"))
    );

    // Without a theme: Uppfölj's own look, no logo.
    let (_, _, page) = fetch(app.router.clone(), "/logga-in").await;
    assert!(page.contains("<span class=\"tagline\">Uppföljning av styrdokument</span>"));
    assert!(!page.contains("/assets/logo"));
    let (status, _, _) = fetch(app.router.clone(), "/assets/logo").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn every_answer_carries_a_request_id_that_error_pages_show(app: TestApp) {
    let token = app.user("sam@stadsledning.se", Role::Samordnare, &[]).await;
    let missing = app.get("/omgangar/finns-inte", &token).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let id = missing.headers["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(id.len(), 16);
    assert!(
        missing.text.contains(&format!(
            "Felkod {id}: ange den om du kontaktar den som driver Uppfölj."
        )),
        "{}",
        missing.text
    );
    let other = app.get("/", &token).await;
    assert_ne!(
        other.headers["x-request-id"].to_str().unwrap(),
        id,
        "one id per request"
    );
    let health = app.get("/healthz", &token).await;
    assert_eq!(health.status, StatusCode::OK);
    assert_eq!(health.json()["status"], "ok");
}
