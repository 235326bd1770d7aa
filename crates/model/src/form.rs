//! One organisation's questions in a round, in report order, with what it has answered: the
//! shape behind the answer form, the API's response view and the submission check.

use std::collections::HashMap;

use crate::numbering::{numbered_questions, question_numbers};
use crate::{
    Answer, AnswerScale, Document, Heading, Key, Organisation, Question, QuestionRef, Round,
};

/// A question as an organisation meets it in a round.
#[derive(Clone, Debug)]
pub struct FormQuestion<'a> {
    pub reference: QuestionRef,
    /// The numbered heading of the section the question stands under.
    pub heading: Heading,
    /// The question's number in the round, as every view shows it (`1.2.1 a`).
    pub number: String,
    pub question: &'a Question,
    pub scale: &'a AnswerScale,
    pub answer: Option<&'a Answer>,
    /// The answer to the same question in the organisation's previous round.
    pub previous: Option<&'a Answer>,
}

impl FormQuestion<'_> {
    /// Where the question stands before submission.
    pub fn status(&self) -> crate::QuestionStatus {
        crate::QuestionStatus::of(self.question, self.scale, self.answer)
    }

    /// «Ta över»: last round's answer, comment and withheld mark as this year's, made from
    /// `version` (the one the person saw); `None` when last round has no answer to take.
    pub fn taken_over(&self, version: i64) -> Option<crate::AnswerInput> {
        let previous = self.previous.filter(|p| p.value.is_some())?;
        Some(crate::AnswerInput {
            value: previous.value.as_ref().map(|v| v.to_stored()),
            comment: previous.comment.clone(),
            version,
            withheld: previous.withheld,
        })
    }
}

/// The questions of `round` assigned to `organisation`, in report order. Questions whose scale is
/// missing cannot be answered and are left out (validation prevents that on import).
pub fn response_form<'a>(
    round: &Round,
    documents: &[&'a Document],
    scales: &'a [AnswerScale],
    organisation: &Organisation,
    answers: &'a HashMap<QuestionRef, Answer>,
    previous: &'a HashMap<QuestionRef, Answer>,
) -> Vec<FormQuestion<'a>> {
    let scales: HashMap<&Key, &AnswerScale> = scales.iter().map(|s| (&s.key, s)).collect();
    let mut numbers = question_numbers(documents);
    numbered_questions(documents, |q| round.is_assigned(q, organisation))
        .into_iter()
        .filter_map(|found| {
            let scale = scales.get(&found.question.scale)?;
            Some(FormQuestion {
                number: numbers.remove(&found.reference).unwrap_or_default(),
                answer: answers.get(&found.reference),
                previous: previous.get(&found.reference),
                reference: found.reference,
                heading: found.heading,
                question: found.question,
                scale,
            })
        })
        .collect()
}

/// What «Ta över alla» saves: last round's answer to every question that has neither an answer
/// nor a comment yet and was answered last round, comment and withheld mark included, each made
/// from the version shown so that a change since is a conflict.
pub fn take_over(form: &[FormQuestion<'_>]) -> Vec<(QuestionRef, crate::AnswerInput)> {
    form.iter()
        .filter(|f| {
            f.answer
                .is_none_or(|a| a.value.is_none() && a.comment.trim().is_empty())
        })
        .filter_map(|f| {
            let input = f.taken_over(f.answer.map_or(0, |a| a.version))?;
            Some((f.reference.clone(), input))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::OrganisationKind::Namnd;
    use crate::document::tests::{document, key, question, section};
    use crate::round::tests::{org, round};
    use crate::scale::tests::choice;
    use crate::{AnswerValue, Target};

    #[test]
    fn the_form_lists_assigned_questions_under_their_numbered_headings_with_answers() {
        let doc = document(
            "d",
            vec![
                section("s1", None, vec![question("q1"), question("q2")], vec![]),
                section("s2", None, vec![question("q3")], vec![]),
            ],
        );
        let scales = vec![choice("ja-nej", &[("ja", "Ja"), ("nej", "Nej")])];
        let round = round(vec![Target {
            question: QuestionRef {
                document: key("d"),
                question: key("q2"),
            },
            organisations: vec![key("other")],
            kinds: vec![],
        }]);
        let q3 = QuestionRef {
            document: key("d"),
            question: key("q3"),
        };
        let answer = Answer {
            question: q3.clone(),
            value: Some(AnswerValue::Choice(key("ja"))),
            comment: String::new(),
            version: 1,
            withheld: false,
            changed_by: "a@b.se".into(),
            changed_at: time::OffsetDateTime::UNIX_EPOCH,
        };
        let answers = [(q3.clone(), answer)].into();
        let previous = HashMap::new();
        let form = response_form(
            &round,
            &[&doc],
            &scales,
            &org("sn", Namnd),
            &answers,
            &previous,
        );
        let lines: Vec<(String, String, bool)> = form
            .iter()
            .map(|f| {
                (
                    f.heading.number.clone(),
                    f.reference.to_string(),
                    f.answer.is_some(),
                )
            })
            .collect();
        assert_eq!(
            lines,
            [
                ("1.1".into(), "d/q1".into(), false),
                ("1.2".into(), "d/q3".into(), true)
            ]
        );
    }
}
