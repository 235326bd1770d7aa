//! The audit trail's vocabulary: which administrative actions are recorded, under which stable
//! code (stored, and used in filters) and which Swedish label (shown).

use serde::{Deserialize, Serialize};

/// An action worth recording: a change to who may do what, to what is asked of whom, to what is
/// published, and every login attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    Login,
    LoginFailed,
    Logout,
    UserCreated,
    UserChanged,
    UserActivated,
    UserDeactivated,
    PasswordChanged,
    TokenCreated,
    TokenRevoked,
    OrganisationCreated,
    OrganisationChanged,
    OrganisationActivated,
    OrganisationDeactivated,
    DocumentCreated,
    DocumentChanged,
    SectionAdded,
    SectionChanged,
    SectionMoved,
    SectionRetired,
    SectionRestored,
    QuestionAdded,
    QuestionChanged,
    QuestionMoved,
    QuestionRetired,
    QuestionRestored,
    DefinitionsImported,
    RoundCreated,
    RoundChanged,
    RoundStateChanged,
    ThresholdsChanged,
    TargetingChanged,
    WithheldMarked,
    AssessmentSaved,
    NarrativeSaved,
    AssessmentSettingsChanged,
    IndicatorSaved,
    IndicatorValuesImported,
}

impl AuditAction {
    /// Every action, in the order filters list them.
    pub const ALL: [AuditAction; 38] = [
        AuditAction::Login,
        AuditAction::LoginFailed,
        AuditAction::Logout,
        AuditAction::UserCreated,
        AuditAction::UserChanged,
        AuditAction::UserActivated,
        AuditAction::UserDeactivated,
        AuditAction::PasswordChanged,
        AuditAction::TokenCreated,
        AuditAction::TokenRevoked,
        AuditAction::OrganisationCreated,
        AuditAction::OrganisationChanged,
        AuditAction::OrganisationActivated,
        AuditAction::OrganisationDeactivated,
        AuditAction::DocumentCreated,
        AuditAction::DocumentChanged,
        AuditAction::SectionAdded,
        AuditAction::SectionChanged,
        AuditAction::SectionMoved,
        AuditAction::SectionRetired,
        AuditAction::SectionRestored,
        AuditAction::QuestionAdded,
        AuditAction::QuestionChanged,
        AuditAction::QuestionMoved,
        AuditAction::QuestionRetired,
        AuditAction::QuestionRestored,
        AuditAction::DefinitionsImported,
        AuditAction::RoundCreated,
        AuditAction::RoundChanged,
        AuditAction::RoundStateChanged,
        AuditAction::ThresholdsChanged,
        AuditAction::TargetingChanged,
        AuditAction::WithheldMarked,
        AuditAction::AssessmentSaved,
        AuditAction::NarrativeSaved,
        AuditAction::AssessmentSettingsChanged,
        AuditAction::IndicatorSaved,
        AuditAction::IndicatorValuesImported,
    ];

    /// The stable code stored in the log and used in filters and exports.
    pub fn code(self) -> &'static str {
        match self {
            AuditAction::Login => "login",
            AuditAction::LoginFailed => "login_failed",
            AuditAction::Logout => "logout",
            AuditAction::UserCreated => "user_created",
            AuditAction::UserChanged => "user_changed",
            AuditAction::UserActivated => "user_activated",
            AuditAction::UserDeactivated => "user_deactivated",
            AuditAction::PasswordChanged => "password_changed",
            AuditAction::TokenCreated => "token_created",
            AuditAction::TokenRevoked => "token_revoked",
            AuditAction::OrganisationCreated => "organisation_created",
            AuditAction::OrganisationChanged => "organisation_changed",
            AuditAction::OrganisationActivated => "organisation_activated",
            AuditAction::OrganisationDeactivated => "organisation_deactivated",
            AuditAction::DocumentCreated => "document_created",
            AuditAction::DocumentChanged => "document_changed",
            AuditAction::SectionAdded => "section_added",
            AuditAction::SectionChanged => "section_changed",
            AuditAction::SectionMoved => "section_moved",
            AuditAction::SectionRetired => "section_retired",
            AuditAction::SectionRestored => "section_restored",
            AuditAction::QuestionAdded => "question_added",
            AuditAction::QuestionChanged => "question_changed",
            AuditAction::QuestionMoved => "question_moved",
            AuditAction::QuestionRetired => "question_retired",
            AuditAction::QuestionRestored => "question_restored",
            AuditAction::DefinitionsImported => "definitions_imported",
            AuditAction::RoundCreated => "round_created",
            AuditAction::RoundChanged => "round_changed",
            AuditAction::RoundStateChanged => "round_state_changed",
            AuditAction::ThresholdsChanged => "thresholds_changed",
            AuditAction::TargetingChanged => "targeting_changed",
            AuditAction::WithheldMarked => "withheld_marked",
            AuditAction::AssessmentSaved => "assessment_saved",
            AuditAction::NarrativeSaved => "narrative_saved",
            AuditAction::AssessmentSettingsChanged => "assessment_settings_changed",
            AuditAction::IndicatorSaved => "indicator_saved",
            AuditAction::IndicatorValuesImported => "indicator_values_imported",
        }
    }

    /// What the action is called on the log page.
    pub fn label(self) -> &'static str {
        match self {
            AuditAction::Login => "Inloggning",
            AuditAction::LoginFailed => "Misslyckad inloggning",
            AuditAction::Logout => "Utloggning",
            AuditAction::UserCreated => "Användare skapad",
            AuditAction::UserChanged => "Användare ändrad",
            AuditAction::UserActivated => "Användare aktiverad",
            AuditAction::UserDeactivated => "Användare inaktiverad",
            AuditAction::PasswordChanged => "Lösenord bytt",
            AuditAction::TokenCreated => "API-token skapad",
            AuditAction::TokenRevoked => "API-token återkallad",
            AuditAction::OrganisationCreated => "Organisation skapad",
            AuditAction::OrganisationChanged => "Organisation ändrad",
            AuditAction::OrganisationActivated => "Organisation aktiverad",
            AuditAction::OrganisationDeactivated => "Organisation inaktiverad",
            AuditAction::DocumentCreated => "Styrdokument skapat",
            AuditAction::DocumentChanged => "Styrdokument ändrat",
            AuditAction::SectionAdded => "Avsnitt tillagt",
            AuditAction::SectionChanged => "Avsnitt ändrat",
            AuditAction::SectionMoved => "Avsnitt flyttat",
            AuditAction::SectionRetired => "Avsnitt borttaget",
            AuditAction::SectionRestored => "Avsnitt återställt",
            AuditAction::QuestionAdded => "Fråga tillagd",
            AuditAction::QuestionChanged => "Fråga ändrad",
            AuditAction::QuestionMoved => "Fråga flyttad",
            AuditAction::QuestionRetired => "Fråga borttagen",
            AuditAction::QuestionRestored => "Fråga återställd",
            AuditAction::DefinitionsImported => "Definitioner inlästa",
            AuditAction::RoundCreated => "Omgång skapad",
            AuditAction::RoundChanged => "Omgång ändrad",
            AuditAction::RoundStateChanged => "Omgångens läge ändrat",
            AuditAction::ThresholdsChanged => "Statusgränser ändrade",
            AuditAction::TargetingChanged => "Frågans mottagare ändrade",
            AuditAction::WithheldMarked => "Sekretessmarkering ändrad",
            AuditAction::AssessmentSaved => "Bedömning sparad",
            AuditAction::NarrativeSaved => "Rapporttext sparad",
            AuditAction::AssessmentSettingsChanged => "Bedömningsinställningar ändrade",
            AuditAction::IndicatorSaved => "Indikator sparad",
            AuditAction::IndicatorValuesImported => "Indikatorvärden inlästa",
        }
    }

    /// The action stored under `code`.
    pub fn from_code(code: &str) -> Option<AuditAction> {
        AuditAction::ALL.into_iter().find(|a| a.code() == code)
    }
}

/// One recorded action: who did what to which object, when, and the object before and after as
/// JSON (absent where there was nothing before, or nothing after).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub at: time::OffsetDateTime,
    /// The e-mail address of whoever acted, or the name entered at a failed login.
    pub actor: String,
    pub action: AuditAction,
    /// What was acted on, e.g. `organisation/intraservice` or `round/2025`.
    pub subject: String,
    #[serde(serialize_with = "as_json")]
    pub before: Option<String>,
    #[serde(serialize_with = "as_json")]
    pub after: Option<String>,
}

/// Writes stored JSON text as the JSON it holds, so that exports nest it instead of quoting it.
fn as_json<S: serde::Serializer>(text: &Option<String>, serializer: S) -> Result<S::Ok, S::Error> {
    let value = text
        .as_deref()
        .map(|t| serde_json::from_str(t).unwrap_or_else(|_| serde_json::Value::from(t)));
    value.serialize(serializer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_a_unique_code_that_reads_back() {
        let mut codes: Vec<&str> = AuditAction::ALL.iter().map(|a| a.code()).collect();
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::from_code(action.code()), Some(action));
            assert_eq!(
                serde_json::to_value(action).unwrap(),
                serde_json::Value::from(action.code())
            );
        }
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), AuditAction::ALL.len());
    }
}
