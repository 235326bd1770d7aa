//! The SMTP relay the administrator configures: plain-text e-mail in Swedish, one message per
//! recipient. What the messages say is `mail`'s.

use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// Why an e-mail could not be sent. Messages are for the administrator.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("e-postinställningen är felaktig: {0}")]
    Config(String),
    #[error("e-postmeddelandet till {to} kunde inte skickas: {reason}")]
    Send { to: String, reason: String },
}

/// Sends plain-text e-mail in Swedish through one SMTP relay.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").field("from", &self.from).finish()
    }
}

impl Mailer {
    /// A mailer for the relay at `url` — `smtp://host:25` (plain, a relay on the local network),
    /// `smtp://user:password@host:587?tls=required` (STARTTLS) or `smtps://…` (TLS) — sending
    /// as `from` (`Uppfölj <uppfolj@stad.se>`).
    pub fn new(url: &str, from: &str) -> Result<Mailer, MailError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| MailError::Config(format!("SMTP-adressen: {e}")))?
            .build();
        let from = from
            .parse()
            .map_err(|e| MailError::Config(format!("avsändaren «{from}»: {e}")))?;
        Ok(Mailer { transport, from })
    }

    /// Sends one message to each address; stops at the first that fails.
    pub async fn send(&self, to: &[String], subject: &str, body: &str) -> Result<(), MailError> {
        for address in to {
            let failed = |reason: String| MailError::Send {
                to: address.clone(),
                reason,
            };
            let recipient: Mailbox = address.parse().map_err(|e| failed(format!("{e}")))?;
            let message = Message::builder()
                .from(self.from.clone())
                .to(recipient)
                .subject(subject)
                .header(ContentType::TEXT_PLAIN)
                .body(body.to_owned())
                .map_err(|e| failed(e.to_string()))?;
            self.transport
                .send(message)
                .await
                .map_err(|e| failed(e.to_string()))?;
        }
        Ok(())
    }
}
