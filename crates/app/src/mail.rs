//! E-mail to the people of a round — reminders before the deadline and the notice that a
//! response was returned for completion — and first-login links to new users. Sent through the SMTP relay the administrator
//! configures; without one, Uppfölj works the same and sends nothing.

use time::OffsetDateTime;
use uppfolj_model::{Actor, Email, Key, Organisation, Role, Round};

use crate::application::App;

pub use crate::smtp::{MailError, Mailer};

/// The e-mail addresses of the people who answer for `organisation`; give it active users only.
pub fn respondents_of(users: &[Actor], organisation: &Key) -> Vec<String> {
    users
        .iter()
        .filter(|u| u.role == Role::Uppgiftslamnare && u.organisations.contains(organisation))
        .map(|u| u.email.to_string())
        .collect()
}

/// Sends `subject` and `body` to everyone who answers for `organisation`; returns how many were
/// written to. Without a configured relay nothing is sent.
pub async fn notify_respondents(
    app: &App,
    organisation: &Key,
    subject: &str,
    body: &str,
) -> Result<usize, MailError> {
    let Some(mailer) = &app.settings.mailer else {
        return Ok(0);
    };
    let users = active_users(app).await?;
    let to = respondents_of(&users, organisation);
    mailer.send(&to, subject, body).await?;
    Ok(to.len())
}

/// What a round of reminders reached.
pub struct Reminded {
    pub people: usize,
    pub organisations: usize,
    /// Organisations chosen that nobody answers for (names).
    pub without_respondents: Vec<String>,
}

/// Reminds the respondents of the chosen organisations that the round awaits their answers,
/// with the deadline and a link to their form.
pub async fn remind(
    app: &App,
    actor: &Actor,
    round: &Round,
    organisations: &[&Organisation],
) -> Result<Reminded, MailError> {
    let Some(mailer) = &app.settings.mailer else {
        return Err(MailError::Config(
            "ingen e-postserver är inställd för Uppfölj; be den som driver Uppfölj att ställa in en".into(),
        ));
    };
    let users = active_users(app).await?;
    let base = app.settings.public_url.trim_end_matches('/');
    let mut reminded = Reminded {
        people: 0,
        organisations: 0,
        without_respondents: vec![],
    };
    for organisation in organisations {
        let to = respondents_of(&users, &organisation.key);
        if to.is_empty() {
            reminded.without_respondents.push(organisation.name.clone());
            continue;
        }
        let body = format!(
            "Hej!\n\n{} har ännu inte skickat in sitt svar i {}. Sista dag att svara är {}.\n\n\
             Svara här: {base}/omgangar/{}/svar/{}\n\nHälsningar\nUppfölj",
            organisation.name,
            round.name,
            round.closes_for(&organisation.key),
            round.key,
            organisation.key
        );
        mailer
            .send(&to, &format!("Påminnelse: {}", round.name), &body)
            .await?;
        reminded.people += to.len();
        reminded.organisations += 1;
        // The mail is out; a reminder that could not be noted is logged, not reported as unsent.
        if let Err(e) = app
            .store
            .record_reminder(&round.key, &organisation.key, actor.email.as_str())
            .await
        {
            tracing::warn!(round = %round.key, organisation = %organisation.key, "reminder not recorded: {e}");
        }
    }
    Ok(reminded)
}

/// Every active user: an inactive one gets no e-mail.
async fn active_users(app: &App) -> Result<Vec<Actor>, MailError> {
    Ok(app
        .store
        .accounts()
        .await
        .map_err(|e| MailError::Config(format!("användarna kunde inte läsas: {e}")))?
        .into_iter()
        .filter(|a| a.active)
        .map(|a| a.actor)
        .collect())
}

/// Sends a user the link with which they choose a password and log in: a welcome for a new
/// account, or a new link for an existing one. Says how long it works.
pub async fn send_login_link(
    app: &App,
    email: &Email,
    link: &str,
    new_account: bool,
    valid_for: time::Duration,
) -> Result<(), MailError> {
    let Some(mailer) = &app.settings.mailer else {
        return Err(MailError::Config(
            "ingen e-postserver är inställd för Uppfölj; be den som driver Uppfölj att ställa in en".into(),
        ));
    };
    let until = uppfolj_model::text::swedish_time(OffsetDateTime::now_utc() + valid_for);
    let days = valid_for.whole_days();
    let (subject, opening) = if new_account {
        (
            "Ditt konto i Uppfölj",
            "Du har fått ett konto i Uppfölj, kommunens system för uppföljning av styrdokument.",
        )
    } else {
        (
            "Ny inloggningslänk till Uppfölj",
            "En samordnare har skickat dig en ny inloggningslänk till Uppfölj. Tidigare länkar fungerar inte längre.",
        )
    };
    let body = format!(
        "Hej!\n\n{opening}\n\nVälj ditt lösenord och logga in här:\n{link}\n\n\
         Länken fungerar en gång och i {days} dagar, till och med {until}. Har den gått ut, \
         be en samordnare om en ny.\n\nDin inloggning är din e-postadress: {email}\n\nHälsningar\nUppfölj"
    );
    mailer.send(&[email.to_string()], subject, &body).await
}
