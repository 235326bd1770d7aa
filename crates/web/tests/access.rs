//! Who may see what: every GET route of the API and the pages, for each role and each state of a
//! round, compared with the table in `docs/access.md` — the table is the specification. A route
//! that the code serves but the table does not list fails the test too.

use crate::common;

use std::collections::HashMap;
use std::path::Path;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};
use uppfolj_model::Role;

use common::{Reply, TestApp};

on_both_backends!(every_get_route_answers_each_role_in_each_round_state_as_the_table_says);

/// The people of the table's columns, in its order.
const PEOPLE: [&str; 5] = [
    "anonym",
    "samordnare",
    "uppgiftslämnare",
    "läsare",
    "läsare utan",
];
const STATES: [&str; 4] = ["utkast", "öppen", "stängd", "publicerad"];

/// One row of the table: a route (with `{round}` for the round in the state tested) and, per
/// person, the status expected in each state.
struct Row {
    route: String,
    expected: Vec<[u16; 4]>,
}

fn docs() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/access.md");
    std::fs::read_to_string(path).unwrap()
}

/// The table's rows: `| `route` | cell | … |`, where a cell is one status for every state or
/// four separated by `/` (draft, open, closed, published).
fn table() -> Vec<Row> {
    docs()
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line
                .trim()
                .trim_matches('|')
                .split('|')
                .map(str::trim)
                .collect();
            let route = cells.first()?.strip_prefix('`')?.strip_suffix('`')?;
            assert_eq!(cells.len(), 1 + PEOPLE.len(), "a cell per person: {line}");
            let expected = cells[1..]
                .iter()
                .map(|cell| {
                    let codes: Vec<u16> =
                        cell.split('/').map(|c| c.trim().parse().unwrap()).collect();
                    match codes.as_slice() {
                        [one] => [*one; 4],
                        [d, o, c, p] => [*d, *o, *c, *p],
                        _ => panic!("one status or four: {line}"),
                    }
                })
                .collect();
            Some(Row {
                route: route.to_owned(),
                expected,
            })
        })
        .collect()
}

/// Every GET route the web crate declares, as written in its `.route(…)` calls.
fn declared_get_routes() -> Vec<String> {
    let mut routes = Vec::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for (i, _) in text.match_indices(".route(") {
                let call: String = text[i..].chars().take(300).collect();
                let Some(start) = call.find('"') else {
                    continue;
                };
                let route = call[start + 1..].split('"').next().unwrap();
                let after = &call[start + 1 + route.len()..];
                let handler = after.split(')').next().unwrap_or("");
                if handler.contains("get(") {
                    routes.push(route.to_owned());
                }
            }
        }
    }
    routes
}

/// Whether a concrete route of the table is an instance of a declared route template.
fn instance_of(route: &str, template: &str) -> bool {
    let (a, b): (Vec<&str>, Vec<&str>) =
        (route.split('/').collect(), template.split('/').collect());
    a.len() == b.len()
        && a.iter().zip(&b).all(|(part, pattern)| {
            part == pattern || (pattern.starts_with('{') && pattern.ends_with('}'))
        })
}

struct Person {
    token: Option<String>,
    cookie: Option<String>,
}

async fn get(app: &TestApp, person: &Person, uri: &str) -> Reply {
    let mut request = Request::builder().method(Method::GET).uri(uri);
    if uri.starts_with("/api/") {
        if let Some(token) = &person.token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
    } else if let Some(cookie) = &person.cookie {
        request = request.header(header::COOKIE, format!("uppfolj_session={cookie}"));
    }
    app.send(request.body(Body::empty()).unwrap()).await
}

async fn ok(reply: Reply) -> Reply {
    assert!(reply.status.is_success(), "{} {}", reply.status, reply.text);
    reply
}

async fn every_get_route_answers_each_role_in_each_round_state_as_the_table_says(app: TestApp) {
    let rows = table();
    assert!(rows.len() > 30, "the table lists the routes");
    let missing: Vec<String> = declared_get_routes()
        .into_iter()
        .filter(|template| !rows.iter().any(|row| instance_of(&row.route, template)))
        .collect();
    assert!(
        missing.is_empty(),
        "routes docs/access.md does not list: {missing:?}"
    );

    let mut people = Vec::new();
    people.push(Person {
        token: None,
        cookie: None,
    });
    for (email, role, organisations) in [
        (
            "sam@stadsledning.se",
            Role::Samordnare,
            &["intraservice"][..0],
        ),
        (
            "anna@intraservice.se",
            Role::Uppgiftslamnare,
            &["intraservice"][..],
        ),
        ("revisor@stad.se", Role::Lasare, &["intraservice"][..]),
        ("lisa@politik.se", Role::Lasare, &[][..]),
    ] {
        let (token, cookie, _) = common::signed_in(&app, email, role, organisations).await;
        people.push(Person {
            token: Some(token),
            cookie: Some(cookie),
        });
    }
    let sam = people[1].token.clone().unwrap();
    let anna = people[2].token.clone().unwrap();

    // Intraservice submits, with a withheld comment; Socialnämnden Centrum has a draft.
    let form = ok(app
        .get("/api/v1/rounds/2025/responses/intraservice", &anna)
        .await)
    .await;
    let answers: Vec<Value> = form.json()["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| json!({"question": q["id"], "answer": q["scale"]["options"][0]["key"], "comment": "Hemligt", "withheld": true, "version": 0}))
        .collect();
    let uri = "/api/v1/rounds/2025/responses/intraservice/answers";
    ok(app
        .call(Method::PUT, uri, &anna, Some(json!({ "answers": answers })))
        .await)
    .await;
    let uri = "/api/v1/rounds/2025/responses/intraservice/submit";
    ok(app.call(Method::POST, uri, &anna, None).await).await;
    let draft = json!({"answers": [{"question": "trygghetsprogram/strategi-1-1", "answer": "ja", "comment": "Utkast", "version": 0}]});
    let uri = "/api/v1/rounds/2025/responses/socialnamnden-centrum/answers";
    ok(app.call(Method::PUT, uri, &sam, Some(draft)).await).await;
    // An indicator, for its edit page.
    let indicator = uppfolj_model::indicator::Indicator {
        key: uppfolj_model::Key::parse("andel-trygga").unwrap(),
        name: "Andel trygga".into(),
        source: "Enkät".into(),
        unit: "%".into(),
        direction: uppfolj_model::indicator::Direction::Higher,
        section: None,
        baseline: None,
        target: None,
        kolada: None,
        example: false,
        values: Vec::new(),
    };
    let document = uppfolj_model::Key::parse("trygghetsprogram").unwrap();
    app.db
        .store
        .save_indicator(&document, &indicator, None)
        .await
        .unwrap();
    // A draft round beside it: next year's.
    let next = json!({"key": "2026", "name": "Uppföljning 2026", "year": 2026, "opens": "2027-11-15", "closes": "2028-01-31", "copy_from": "2025"});
    ok(app
        .call(Method::POST, "/api/v1/rounds", &sam, Some(next))
        .await)
    .await;

    let print = std::env::var("ACCESS_PRINT").is_ok();
    let mut observed: HashMap<String, Vec<[u16; 4]>> = HashMap::new();
    let mut wrong = Vec::new();
    for (s, state) in STATES.iter().enumerate() {
        match *state {
            "stängd" | "publicerad" => {
                let next = if *state == "stängd" {
                    "closed"
                } else {
                    "published"
                };
                let uri = "/api/v1/rounds/2025/state";
                ok(app
                    .call(Method::POST, uri, &sam, Some(json!({ "state": next })))
                    .await)
                .await;
            }
            _ => {}
        }
        let round = if *state == "utkast" { "2026" } else { "2025" };
        for row in &rows {
            let uri = row.route.replace("{round}", round);
            for (p, person) in people.iter().enumerate() {
                let status = get(&app, person, &uri).await.status.as_u16();
                observed
                    .entry(row.route.clone())
                    .or_insert_with(|| vec![[0; 4]; PEOPLE.len()])[p][s] = status;
                if status != row.expected[p][s] {
                    wrong.push(format!(
                        "{uri} as {} with the round {state}: {status}, the table says {}",
                        PEOPLE[p], row.expected[p][s]
                    ));
                }
            }
        }
    }
    if print {
        for row in &rows {
            let cells: Vec<String> = observed[&row.route]
                .iter()
                .map(|codes| {
                    if codes.iter().all(|c| *c == codes[0]) {
                        codes[0].to_string()
                    } else {
                        codes
                            .iter()
                            .map(u16::to_string)
                            .collect::<Vec<_>>()
                            .join("/")
                    }
                })
                .collect();
            println!("| `{}` | {} |", row.route, cells.join(" | "));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} differences:\n{}",
        wrong.len(),
        wrong.join("\n")
    );

    // The round is published: a withheld comment reaches neither reader, through any door.
    for uri in [
        "/api/v1/rounds/2025/responses/intraservice",
        "/omgangar/2025/svar/intraservice",
        "/omgangar/2025/svar/intraservice/rapport.html",
        "/omgangar/2025/svar/intraservice/rapport.md",
        "/omgangar/2025/sammanstallning",
        "/publicerat/2025",
    ] {
        for (p, person) in people.iter().enumerate() {
            let reply = get(&app, person, uri).await;
            if reply.status != StatusCode::OK {
                continue;
            }
            let sees = reply.text.contains("Hemligt");
            // The central office reads it everywhere but in public; the organisation in its own
            // response, not in the compilation (the published version).
            let may = !uri.starts_with("/publicerat")
                && match PEOPLE[p] {
                    "samordnare" => true,
                    "uppgiftslämnare" => !uri.contains("sammanstallning"),
                    _ => false,
                };
            assert_eq!(sees, may, "{uri} as {}: the withheld comment", PEOPLE[p]);
        }
    }
}
