//! Reading reports in the seed's layout: the seed itself, checked against the Göteborg data set
//! (an independent source for texts), and made-up reports with the cases the seed lacks.

use std::path::Path;

use uppfolj_exchange::definitions;
use uppfolj_exchange::report::{self, ParsedQuestion};
use uppfolj_model::Definitions;

const SEED: &str = include_str!("../../../data/goteborg/reports/intraservice-2025.txt");

fn goteborg() -> Definitions {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/goteborg");
    definitions::parse(definitions::read_files(&[dir]).unwrap())
        .unwrap()
        .check(Definitions::default())
        .unwrap()
}

#[test]
fn the_seed_reads_as_three_documents_with_their_numbered_sections() {
    let parsed = report::parse(SEED).unwrap();
    let mut headings = Vec::new();
    fn walk(section: &report::ParsedSection, out: &mut Vec<String>) {
        out.push(format!("{} {}", section.number, section.heading));
        for child in &section.sections {
            walk(child, out);
        }
    }
    for document in &parsed.documents {
        walk(document, &mut headings);
    }
    assert_eq!(headings.len(), 3 + 2 + 5 + 4 + 1);
    assert_eq!(
        headings[0],
        "1 Uppföljning Göteborgs Stads trygghetsskapande och brottsförebyggande program 2022-2026"
    );
    assert_eq!(
        headings[5],
        "1.2.1 Målområde 3: Minska otryggheten till följd av rädslan för att utsättas för brott"
    );
    assert_eq!(
        headings[8],
        "2 Göteborgs Stads handlingsplan för att stoppa nyrekrytering, gängkriminalitet och utvecklingen av parallella samhällen 2023–2026"
    );
    assert_eq!(
        headings[10],
        "2.2 Fokusområde 2: Insatser riktade till målgruppen som är gängkriminell eller riskerar att rekryteras till kriminalitet"
    );
    assert!(
        parsed.documents[1].sections[0].questions.is_empty(),
        "Fokusområde 1 has no questions for Intraservice"
    );
}

#[test]
fn the_seeds_17_questions_read_with_the_data_sets_texts() {
    let parsed = report::parse(SEED).unwrap();
    let defs = goteborg();
    let round = &defs.rounds[0];
    let intraservice = defs
        .organisations
        .iter()
        .find(|o| o.key.as_str() == "intraservice")
        .unwrap();
    let expected: Vec<_> = round
        .documents
        .iter()
        .flat_map(|k| {
            defs.documents
                .iter()
                .find(|d| &d.key == k)
                .unwrap()
                .all_questions()
                .map(move |q| (k.clone(), q))
        })
        .filter(|(k, q)| {
            round.is_assigned(
                &uppfolj_model::QuestionRef {
                    document: k.clone(),
                    question: q.key.clone(),
                },
                intraservice,
            )
        })
        .map(|(_, q)| q)
        .collect();
    let read: Vec<&ParsedQuestion> = parsed.questions().into_iter().map(|(_, q)| q).collect();
    assert_eq!(read.len(), 17);
    for (question, wanted) in read.iter().zip(&expected) {
        assert_eq!(question.text, wanted.text);
        assert_eq!(question.guidance, wanted.guidance, "{}", wanted.text);
        assert_eq!(question.audience, wanted.audience, "{}", wanted.text);
    }
}

#[test]
fn the_seeds_answers_and_comments_are_read_in_order() {
    let parsed = report::parse(SEED).unwrap();
    let answers: Vec<(&str, &str)> = parsed
        .questions()
        .into_iter()
        .map(|(_, q)| (q.answer.as_deref().unwrap_or("-"), q.comment.as_str()))
        .collect();
    assert_eq!(
        answers,
        [
            (
                "Nej",
                "Våra tjänsteleveranser styrs av andra typer av lagstiftning och säkerhetskrav och därför blir det svaret nej kopplat till programmet/planerna."
            ),
            (
                "Ja",
                "Vi tillhandhåller utbildningsprogrammen för medarbetare/chefer/nämnd."
            ),
            (
                "Ja",
                "Intraservice deltar i stadens forum/samverkansgrupper."
            ),
            (
                "Ja",
                "Intraservice driver nätverk inom informationssäkerhet."
            ),
            (
                "Nej",
                "Intraservice samverkar regionalt och nationellt inom informationssäkerhet."
            ),
            ("Nej", ""),
            ("Nej", ""),
            ("Nej", ""),
            (
                "Ja",
                "Intraservices åtgärder finns för de digitala tjänsterna, till exempel skydd mot skadlig kod och barnporrfilter."
            ),
            (
                "Ja",
                "Rutiner och kontroll finns till exempel inom de finansiella flödena och våra tjänsteleveranser."
            ),
            ("Nej", ""),
            (
                "Ja",
                "Förvaltningen arbetar för och strävar kontinuerligt mot att ha en arbetsplatskultur som bygger på tillit. Detta sker bland annat genom att vi utbildar cheferna i tillitsbaserat ledarskap. Området följs upp i den årliga medarbetarundersökningen."
            ),
            (
                "Nej",
                "Intraservice deltar i stadens samverkansgrupper inom området."
            ),
            ("Ja", "Identifierat via rekryteringsprocessen."),
            ("Nej", ""),
            (
                "Ja",
                "Vi har kunskap om metodhandboken och kan användas vid behov."
            ),
            (
                "Ja",
                "Det har genomförts aktiviteter på APT-nivå och det finns en ökad medvetenhet inom området."
            ),
        ]
    );
}

/// A report with what the seed lacks: a comment starting with *Nej*, a comment of two paragraphs
/// broken by a page (header and page number mid-comment), *Delvis*, an unanswered question, a
/// section without questions, and no outline at the end.
const MADE_UP: &str =
    include_str!("../../../data/test-reports/exempelstaden-miljonamnden-2024.txt");

#[test]
fn a_report_the_parser_has_never_seen_reads_right() {
    let parsed = report::parse(MADE_UP).unwrap();
    let questions: Vec<&ParsedQuestion> = parsed.questions().into_iter().map(|(_, q)| q).collect();
    assert_eq!(questions.len(), 4);
    assert_eq!(questions[0].text, "Har ni minskat era utsläpp?");
    assert_eq!(questions[0].answer.as_deref(), Some("Delvis"));
    assert_eq!(
        questions[0].comment,
        "Nej, inte i alla verksamheter. Vi har börjat med fordonen.\n\nUnder 2025 byts resten\n\nut."
    );
    assert_eq!(
        (questions[1].text.as_str(), questions[1].audience.as_deref()),
        ("Mäter ni luftkvaliteten?", Some("samtliga nämnder"))
    );
    assert_eq!(questions[1].guidance, ["Strategi 1:2 Staden ska mäta."]);
    assert_eq!(questions[1].answer, None, "unanswered");
    assert_eq!(
        (questions[2].text.as_str(), questions[2].answer.as_deref()),
        ("Har ni en plan?", Some("Ja"))
    );
    assert!(questions[2].guidance.is_empty());
    assert_eq!(
        (
            questions[3].answer.as_deref(),
            questions[3].comment.as_str()
        ),
        (Some("Ja"), "Ja, 40 träd.")
    );
    assert_eq!(
        parsed.documents[0].sections[1].heading,
        "Målområde 2: Mindre buller"
    );
    assert!(parsed.documents[0].sections[1].questions.is_empty());
    assert_eq!(
        parsed.documents[1].heading,
        "Exempelstadens plan för grönska 2025"
    );
}

#[test]
fn text_that_is_not_a_report_is_refused_with_a_line() {
    let error = report::parse("Hej!\n\nDetta är ett brev.\n").unwrap_err();
    assert_eq!(error.place, report::Place::Line(1));
    assert!(
        error
            .to_string()
            .contains("hittade inga numrerade rubriker")
    );
    let stray = report::parse("1 Dokument\n\n Ja \n \n\n").unwrap_err();
    assert_eq!(stray.to_string(), "rad 3: svaret «Ja» står utan fråga");
    let missing =
        report::parse("1 Dokument\n\nFråga?\n\n\t1 Dokument\n\t1.1 Avsnitt\n").unwrap_err();
    assert!(
        missing
            .message
            .contains("«1.1 Avsnitt» ur innehållsförteckningen står inte i texten"),
        "{missing}"
    );
}

#[test]
fn the_seeds_answers_pair_with_the_data_sets_questions() {
    let defs = goteborg();
    let documents: Vec<_> = defs.documents.iter().collect();
    let answers = report::answers_for(&report::parse(SEED).unwrap(), &documents).unwrap();
    assert_eq!(answers.len(), 17);
    assert_eq!(answers[0].0.to_string(), "trygghetsprogram/strategi-1-1");
    assert_eq!(answers[16].0.to_string(), "tystnadskulturer/insats-2-1");
    assert_eq!(answers[11].1.value.as_deref(), Some("Ja"));

    let mut unknown = report::parse(SEED).unwrap();
    unknown.documents[0].sections[0].sections[0].questions[0].text = "Finns inte?".into();
    let error = report::answers_for(&unknown, &documents).unwrap_err();
    assert_eq!(
        error,
        "frågan «Finns inte?» under 1.1.1 Målområde 1: Öka kunskapen finns inte i omgångens dokument"
    );
}

/// The second test report: an outline at the end, a comment of two paragraphs that begins with
/// *Ja*, an answer with no comment, an answer after a page break, a question left unanswered.
const MADE_UP_2025: &str =
    include_str!("../../../data/test-reports/exempelstaden-miljonamnden-2025.txt");

#[test]
fn a_second_unseen_report_with_an_outline_reads_right() {
    let parsed = report::parse(MADE_UP_2025).unwrap();
    let rows: Vec<(&str, Option<&str>, &str)> = parsed
        .questions()
        .into_iter()
        .map(|(_, q)| (q.text.as_str(), q.answer.as_deref(), q.comment.as_str()))
        .collect();
    assert_eq!(
        rows,
        [
            (
                "Har ni minskat era utsläpp?",
                Some("Ja"),
                "Ja. Alla fordon är nu eldrivna och vi har slutat elda med olja.\n\nVi följer upp utsläppen varje kvartal."
            ),
            ("Mäter ni luftkvaliteten?", Some("Nej"), ""),
            (
                "Har ni en plan?",
                Some("Delvis"),
                "Planen är antagen men inte budgeterad."
            ),
            ("Planterar ni träd?", None, ""),
            (
                "Sköter ni parkerna?",
                Some("Nej"),
                "Nej – det gör en annan nämnd sedan 2025."
            ),
        ]
    );
    assert_eq!(
        parsed.documents[0].heading,
        "Uppföljning av Exempelstadens miljöprogram 2024-2027"
    );
}

#[test]
fn a_file_is_read_as_pdf_or_as_utf8_text_and_refused_with_why() {
    assert_eq!(
        report::read(MADE_UP.as_bytes()).unwrap().report,
        report::parse(MADE_UP).unwrap()
    );
    let latin1 = b"1 Dokument\n\nFr\xe5ga?\n";
    assert_eq!(
        report::read(latin1).unwrap_err().to_string(),
        "filen är varken en PDF eller text i UTF-8 (ogiltig byte vid position 14)"
    );
    let broken = report::read(b"%PDF-1.7\nnot really a PDF").unwrap_err();
    assert!(matches!(broken, report::ReadError::Pdf(_)), "{broken:?}");
    assert!(broken.to_string().starts_with("PDF:en kan inte läsas: "));
}
