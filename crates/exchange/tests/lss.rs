//! LimeSurvey survey structure files (.lss) read into a steering document and its scales.

use std::path::Path;

use uppfolj_exchange::authoring::{Problem, QuestionSet, lss};
use uppfolj_model::{
    AnswerOption, AnswerScale, CommentRule, Definitions, DocumentKind, Key, Period, ScaleKind,
};

fn data(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/lss")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn read_ok(text: &str) -> QuestionSet {
    lss::read(text).unwrap_or_else(|problems| panic!("expected a document, got {problems:#?}"))
}

fn read_err(text: &str) -> Vec<(String, String)> {
    match lss::read(text) {
        Ok(set) => panic!("expected problems, got {set:#?}"),
        Err(problems) => problems
            .into_iter()
            .map(|Problem { place, message }| (place, message))
            .collect(),
    }
}

fn key(text: &str) -> Key {
    Key::parse(text).unwrap()
}

fn keys(texts: &[&str]) -> Vec<Key> {
    texts.iter().map(|t| key(t)).collect()
}

fn option(k: &str, label: &str, neutral: bool) -> AnswerOption {
    AnswerOption {
        key: key(k),
        label: label.to_owned(),
        neutral,
    }
}

/// The document and its scales pass the model's own checks.
fn assert_valid(set: &QuestionSet) {
    let definitions = Definitions {
        scales: set.scales.clone(),
        documents: vec![set.document.clone()],
        ..Default::default()
    };
    let problems = definitions.validate();
    assert!(problems.is_empty(), "{problems:#?}");
}

/// (section key, section title, [(question key, scale key)]) for each section.
type Outline = Vec<(String, String, Vec<(String, String)>)>;

fn outline(set: &QuestionSet) -> Outline {
    set.document
        .sections
        .iter()
        .map(|s| {
            (
                s.key.to_string(),
                s.title.clone(),
                s.questions
                    .iter()
                    .map(|q| (q.key.to_string(), q.scale.to_string()))
                    .collect(),
            )
        })
        .collect()
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

#[test]
fn a_limesurvey_5_survey_becomes_a_document_with_sections_questions_and_one_shared_scale() {
    let set = read_ok(&data("aldres_valfard_ls6.lss"));
    let document = &set.document;
    assert_eq!(document.title, "Handlingsplan för äldres välfärd");
    assert_eq!(document.key.as_str(), "handlingsplan-for-aldres-valfard");
    assert_eq!(document.kind, DocumentKind::Program);
    assert_eq!(document.report_heading, None);
    assert_eq!(
        document.period,
        Period {
            from: 2025,
            to: 2026
        },
        "from the survey's start and expiry dates"
    );
    assert_eq!(
        outline(&set),
        vec![
            (
                "malomrade-1-trygghet-i-vardagen".to_owned(),
                "Målområde 1: Trygghet i vardagen".to_owned(),
                pairs(&[("q1", "ja-nej"), ("q2", "ja-nej")]),
            ),
            (
                "malomrade-2-halsa-delaktighet".to_owned(),
                "Målområde 2: Hälsa & delaktighet".to_owned(),
                pairs(&[("q3", "ja-nej"), ("q4", "tal-besok"), ("q5", "fritext")]),
            ),
        ],
        "groups in group_order, Swedish names though English rows come first, comment \
         questions folded into the question before them"
    );
    assert!(document.sections.iter().all(|s| s.label.is_none()));

    assert_eq!(
        set.scales,
        vec![
            AnswerScale {
                key: key("ja-nej"),
                name: "Ja / Nej".to_owned(),
                kind: ScaleKind::Choice {
                    options: vec![option("ja", "Ja", false), option("nej", "Nej", false)],
                },
            },
            AnswerScale {
                key: key("tal-besok"),
                name: "Tal (besök)".to_owned(),
                kind: ScaleKind::Number {
                    unit: "besök".to_owned(),
                },
            },
            AnswerScale {
                key: key("fritext"),
                name: "Fritext".to_owned(),
                kind: ScaleKind::Text,
            },
        ],
        "one scale for the two lists and the yes/no question, whose options read alike"
    );

    let q1 = document.question(&key("q1")).unwrap();
    assert_eq!(
        q1.text,
        "Har nämnden genomfört trygghetsvandringar i sitt område under året?"
    );
    assert_eq!(
        q1.guidance,
        [
            "Avser insats 1.1 i handlingsplanen för äldres välfärd.",
            "Räkna även med vandringar som genomförts tillsammans med pensionärsföreningar.",
        ]
    );
    let q2 = document.question(&key("q2")).unwrap();
    assert_eq!(
        q2.text,
        "Finns det en utsedd kontaktperson för äldrefrågor?"
    );
    assert_eq!(
        q2.guidance,
        [
            "Svara ja om kontaktpersonen är utsedd av nämnden.",
            "Ange inte personens namn.",
        ]
    );
    let q4 = document.question(&key("q4")).unwrap();
    assert_eq!(q4.text, "Hur många förebyggande hembesök har gjorts?");
    assert!(q4.guidance.is_empty());
    assert_eq!(document.all_questions().count(), 5);
    assert!(
        document
            .all_questions()
            .all(|q| q.audience.is_none() && !q.retired)
    );
    assert_valid(&set);
}

#[test]
fn a_follow_up_comment_question_becomes_the_comment_rule() {
    let set = read_ok(&data("aldres_valfard_ls6.lss"));
    let rule = |k: &str| set.document.question(&key(k)).unwrap().comment.clone();
    assert_eq!(
        rule("q1"),
        CommentRule::RequiredFor(keys(&["nej"])),
        "Q1kommentar is mandatory and shown when Q1.NAOK == \"NEJ\""
    );
    assert_eq!(
        rule("q2"),
        CommentRule::RequiredFor(keys(&["nej"])),
        "Q2K is mandatory and shown when the yes/no answer is \"N\""
    );
    assert_eq!(
        rule("q3"),
        CommentRule::Optional,
        "Q3kommentar is not mandatory"
    );
    assert_eq!(rule("q5"), CommentRule::Optional);
    for folded in ["q1kommentar", "q2k", "q3kommentar"] {
        assert!(set.document.question(&key(folded)).is_none(), "{folded}");
    }

    let set = read_ok(&data("miljoprogram_ls3.lss"));
    let rule = |k: &str| set.document.question(&key(k)).unwrap().comment.clone();
    assert_eq!(
        rule("m1"),
        CommentRule::RequiredFor(keys(&["d", "n"])),
        "either of two answers, in the scale's order"
    );
    assert_eq!(
        rule("m2"),
        CommentRule::Required,
        "a mandatory comment without a condition, known by its text «Kommentar till svaret»"
    );
    assert_eq!(rule("inledning"), CommentRule::Optional);
}

#[test]
fn limesurvey_3_inline_texts_are_read_too() {
    let set = read_ok(&data("miljoprogram_ls3.lss"));
    let this_year = time::OffsetDateTime::now_utc().year();
    assert_eq!(set.document.title, "Miljöprogrammet – uppföljning");
    assert_eq!(set.document.key.as_str(), "miljoprogrammet-uppfoljning");
    assert_eq!(
        set.document.period,
        Period {
            from: this_year,
            to: this_year
        },
        "no start or expiry date: the current year"
    );
    assert_eq!(
        outline(&set),
        vec![(
            "klimat-och-energi".to_owned(),
            "Klimat och energi".to_owned(),
            pairs(&[
                ("inledning", "fritext"),
                ("m1", "ja-delvis-nej-ej-aktuellt"),
                ("m2", "ja-delvis-nej-ej-aktuellt"),
            ]),
        )]
    );
    let inledning = set.document.question(&key("inledning")).unwrap();
    assert_eq!(
        inledning.text,
        "Beskriv kort nämndens klimatarbete under året."
    );
    assert_eq!(
        inledning.guidance,
        [
            "Högst en halv sida.",
            "Nämn gärna samarbeten med andra förvaltningar.",
        ],
        "a blank line parts the help into paragraphs"
    );
    let m1 = set.document.question(&key("m1")).unwrap();
    assert_eq!(m1.text, "Har nämnden ställt om till fossilfria fordon?");
    assert_eq!(m1.guidance, ["Gäller egna och leasade fordon."]);
    assert_eq!(
        set.scales,
        vec![
            AnswerScale {
                key: key("fritext"),
                name: "Fritext".to_owned(),
                kind: ScaleKind::Text,
            },
            AnswerScale {
                key: key("ja-delvis-nej-ej-aktuellt"),
                name: "Ja / Delvis / Nej / Ej aktuellt".to_owned(),
                kind: ScaleKind::Choice {
                    options: vec![
                        option("j", "Ja", false),
                        option("d", "Delvis", false),
                        option("n", "Nej", false),
                        option("ea", "Ej aktuellt", true),
                    ],
                },
            },
        ],
        "Swedish rows picked over English ones; «Ej aktuellt» takes no side"
    );
    assert_valid(&set);
}

#[test]
fn broken_xml_is_located_by_line_and_column() {
    assert_eq!(
        read_err(&data("trasig.lss")),
        pairs(&[(
            "rad 20, kolumn 3",
            "felaktig XML: sluttaggen </rows> passar inte här; elementet <row> är inte stängt",
        )])
    );
    let cut = "<?xml version=\"1.0\"?>\n<document>\n <LimeSurveyDocType>Survey";
    assert_eq!(
        read_err(cut),
        pairs(&[(
            "rad 3, kolumn 27",
            "felaktig XML: filen tar slut innan XML-koden är avslutad; den är troligen avkortad",
        )]),
        "a file cut short is placed at its end"
    );
}

#[test]
fn unsupported_question_types_and_empty_lists_are_each_named() {
    assert_eq!(
        read_err(&data("ej_stodda_fragor.lss")),
        pairs(&[
            (
                "frågan «Info» (qid 15, typ X)",
                "frågetypen «X» (textvisning) har ingen motsvarighet i Uppfölj; flytta texten \
                 till en frågas hjälptext eller ta bort den",
            ),
            (
                "frågan «Q5» (qid 17, typ M)",
                "frågetypen «M» (flera val) har ingen motsvarighet i Uppfölj; gör om den till en \
                 lista med ett val eller ta bort den",
            ),
            (
                "frågan «Q6» (qid 18, typ L)",
                "listan saknar svarsalternativ; lägg till minst två i LimeSurvey",
            ),
        ])
    );
}

#[test]
fn a_file_that_is_not_a_limesurvey_survey_is_refused() {
    assert_eq!(
        read_err("<?xml version=\"1.0\"?><html><body><p>Hej</p></body></html>"),
        pairs(&[("", "filen är inte en LimeSurvey-enkät (.lss)")])
    );
    assert_eq!(
        read_err(
            "<document><LimeSurveyDocType>Question</LimeSurveyDocType><questions/></document>"
        ),
        pairs(&[(
            "",
            "filen är en exporterad LimeSurvey-fråga (.lsq), inte en enkät; exportera hela \
             enkätens struktur (.lss)",
        )])
    );
}

/// A small survey in the 3.x layout: `questions` as (qid, type, title, text, help, mandatory,
/// relevance), `answers` as (qid, code, text).
fn survey(
    questions: &[(u32, &str, &str, &str, &str, bool, &str)],
    answers: &[(u32, &str, &str)],
) -> String {
    let cdata = |name: &str, value: &str| format!("<{name}><![CDATA[{value}]]></{name}>");
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<document>\
         <LimeSurveyDocType>Survey</LimeSurveyDocType><DBVersion>366</DBVersion>\
         <languages><language>sv</language></languages><answers><rows>",
    );
    for (i, (qid, code, text)) in answers.iter().enumerate() {
        xml.push_str("<row>");
        xml.push_str(&cdata("qid", &qid.to_string()));
        xml.push_str(&cdata("code", code));
        xml.push_str(&cdata("answer", text));
        xml.push_str(&cdata("sortorder", &i.to_string()));
        xml.push_str(&cdata("language", "sv"));
        xml.push_str(&cdata("scale_id", "0"));
        xml.push_str("</row>");
    }
    xml.push_str("</rows></answers><groups><rows><row>");
    xml.push_str(&cdata("gid", "1"));
    xml.push_str(&cdata("group_name", "Avsnitt ett"));
    xml.push_str(&cdata("group_order", "0"));
    xml.push_str(&cdata("language", "sv"));
    xml.push_str("</row></rows></groups><questions><rows>");
    for (i, (qid, kind, title, text, help, mandatory, relevance)) in questions.iter().enumerate() {
        xml.push_str("<row>");
        xml.push_str(&cdata("qid", &qid.to_string()));
        xml.push_str(&cdata("parent_qid", "0"));
        xml.push_str(&cdata("gid", "1"));
        xml.push_str(&cdata("type", kind));
        xml.push_str(&cdata("title", title));
        xml.push_str(&cdata("question", text));
        xml.push_str(&cdata("help", help));
        xml.push_str(&cdata("mandatory", if *mandatory { "Y" } else { "N" }));
        xml.push_str(&cdata("question_order", &i.to_string()));
        xml.push_str(&cdata("language", "sv"));
        xml.push_str(&cdata("relevance", relevance));
        xml.push_str("</row>");
    }
    xml.push_str("</rows></questions><surveys><rows><row>");
    xml.push_str(&cdata("sid", "1"));
    xml.push_str(&cdata("language", "sv"));
    xml.push_str(&cdata("startdate", "2024-03-01 00:00:00"));
    xml.push_str("</row></rows></surveys><surveys_languagesettings><rows><row>");
    xml.push_str(&cdata("surveyls_language", "sv"));
    xml.push_str(&cdata("surveyls_title", "Testenkät"));
    xml.push_str("</row></rows></surveys_languagesettings></document>");
    xml
}

const JA_DELVIS_NEJ: [(u32, &str, &str); 3] = [(1, "J", "Ja"), (1, "D", "Delvis"), (1, "N", "Nej")];

#[test]
fn a_not_equal_condition_requires_a_comment_for_every_other_answer() {
    let text = survey(
        &[
            (1, "L", "Mal1", "Är målet uppnått?", "", true, ""),
            (2, "T", "Mal1c", "Varför?", "", true, "Mal1.NAOK != \"J\""),
        ],
        &JA_DELVIS_NEJ,
    );
    let set = read_ok(&text);
    let question = set.document.question(&key("mal1")).unwrap();
    assert_eq!(
        question.comment,
        CommentRule::RequiredFor(keys(&["d", "n"]))
    );
    assert_eq!(
        set.document.period,
        Period {
            from: 2024,
            to: 2024
        },
        "a start date alone gives one year"
    );
    assert_valid(&set);
}

#[test]
fn a_free_text_question_that_is_no_comment_stays_a_question() {
    let text = survey(
        &[
            (1, "L", "A1", "Är målet uppnått?", "", false, ""),
            (2, "S", "B1", "Vem är kontaktperson?", "", true, ""),
        ],
        &JA_DELVIS_NEJ,
    );
    let set = read_ok(&text);
    let a1 = set.document.question(&key("a1")).unwrap();
    assert_eq!(a1.comment, CommentRule::Optional);
    let b1 = set.document.question(&key("b1")).unwrap();
    assert_eq!(b1.scale.as_str(), "fritext");
    assert_eq!(b1.text, "Vem är kontaktperson?");
    assert_valid(&set);
}

#[test]
fn a_comment_condition_on_an_answer_the_list_lacks_is_named() {
    let text = survey(
        &[
            (1, "L", "Q1", "Är målet uppnått?", "", true, ""),
            (2, "T", "Q1kommentar", "Kommentar", "", true, "Q1 == \"X\""),
        ],
        &JA_DELVIS_NEJ,
    );
    assert_eq!(
        read_err(&text),
        pairs(&[(
            "frågan «Q1kommentar» (qid 2, typ T)",
            "villkoret «Q1 == \"X\"» nämner svaret «X», som «Q1» inte har",
        )])
    );
}

#[test]
fn help_html_becomes_plain_guidance_paragraphs() {
    let help = "<p>Första stycket med &quot;citat&quot; &amp; <em>betoning</em>.</p>\
                <script>alert('x')</script><!-- anteckning -->\
                <ul><li>Punkt ett</li><li>Punkt&#160;två &#x2013; sist</li></ul>";
    let text = survey(
        &[(
            1,
            "Y",
            "Q1",
            "<h2>Är  <b>målet</b>\nuppnått?</h2>",
            help,
            false,
            "",
        )],
        &[],
    );
    let set = read_ok(&text);
    let q1 = set.document.question(&key("q1")).unwrap();
    assert_eq!(q1.text, "Är målet uppnått?");
    assert_eq!(
        q1.guidance,
        [
            "Första stycket med \"citat\" & betoning.",
            "Punkt ett",
            "Punkt två – sist",
        ]
    );
    assert_valid(&set);
}

#[test]
fn question_keys_stay_unique_when_codes_transliterate_alike() {
    let text = survey(
        &[
            (1, "Y", "Mål1", "Första frågan?", "", false, ""),
            (2, "Y", "Mal1", "Andra frågan?", "", false, ""),
        ],
        &[],
    );
    let set = read_ok(&text);
    let keys: Vec<&str> = set
        .document
        .all_questions()
        .map(|q| q.key.as_str())
        .collect();
    assert_eq!(keys, ["mal1", "mal1-2"]);
    assert_valid(&set);
}

#[test]
fn a_survey_without_questions_uppfolj_can_read_is_refused() {
    let text = survey(&[(7, "R", "Rank", "Rangordna målen", "", false, "")], &[]);
    assert_eq!(
        read_err(&text),
        pairs(&[
            (
                "frågan «Rank» (qid 7, typ R)",
                "frågetypen «R» (rangordning) har ingen motsvarighet i Uppfölj; gör om den till \
                 en lista med ett val eller ta bort den",
            ),
            (
                "",
                "enkäten har inga frågor som Uppfölj kan läsa: listor med ett val, ja/nej, \
                 fritext eller tal",
            ),
        ])
    );
}

#[test]
fn lists_with_one_option_or_an_other_field_are_named() {
    let mut text = survey(
        &[
            (1, "L", "Q1", "Ett enda svar?", "", false, ""),
            (2, "!", "Q2", "Med övrigt?", "", false, ""),
        ],
        &[(1, "J", "Ja"), (2, "J", "Ja"), (2, "N", "Nej")],
    );
    // Q2 offers LimeSurvey's «Other» field.
    text = text.replacen(
        "<title><![CDATA[Q2]]></title>",
        "<title><![CDATA[Q2]]></title><other><![CDATA[Y]]></other>",
        1,
    );
    assert_eq!(
        read_err(&text),
        pairs(&[
            (
                "frågan «Q1» (qid 1, typ L)",
                "listan har bara ett svarsalternativ; Uppfölj behöver minst två",
            ),
            (
                "frågan «Q2» (qid 2, typ !)",
                "listan har alternativet «Övrigt» med eget textfält, som Uppfölj saknar; stäng av \
                 «Övrigt» eller lägg till det som ett vanligt svarsalternativ",
            ),
        ])
    );
}

#[test]
fn no_input_makes_the_reader_panic() {
    for name in [
        "aldres_valfard_ls6.lss",
        "miljoprogram_ls3.lss",
        "ej_stodda_fragor.lss",
        "trasig.lss",
    ] {
        let text = data(name);
        let mut cut = 0;
        while cut < text.len() {
            if text.is_char_boundary(cut) {
                let _ = lss::read(&text[..cut]);
            }
            cut += 61;
        }
    }
    for odd in [
        "",
        "   ",
        "<",
        "<document/>",
        "<document><LimeSurveyDocType>Survey</LimeSurveyDocType></document>",
        "<!DOCTYPE document [<!ENTITY a 'b'>]><document/>",
        "<document><LimeSurveyDocType>Survey</LimeSurveyDocType><questions><rows><row>\
         <qid>1</qid><type>T</type><relevance>Q == 'a</relevance><question>&amp;#;&lt;</question>\
         </row></rows></questions></document>",
    ] {
        let _ = lss::read(odd);
    }
}
