//! Sending what the outbox holds: SMTP settings, the mailer, and the worker that claims due
//! messages with a lease, sends them, and marks them sent or schedules a retry with
//! exponential backoff until it gives up.
//!
//! One [`OutboxWorker::step`] sends at most one message and says what happened, so tests
//! drive the worker step by step with a pinned "now"; [`OutboxWorker::run`] loops over
//! steps for `knead serve`. Several workers (on several app servers) may share one database:
//! the claim lets only one of them take a message. Logs carry message ids, never
//! recipients or bodies.
//!
//! Delivery is at least once: a worker that dies after the server accepted a message but
//! before marking it sent leaves a lease that runs out, and the message goes again. Its
//! Message-ID stays the same, so mail systems that drop duplicates drop it. Shortcoming:
//! sent and failed rows are kept for good; a retention job should purge old ones.

use crate::{App, AppError, Clock, Staff};
use knead_domain::Permission;
use knead_store::Store;
use knead_store::outbox;
pub use knead_store::outbox::{MessageRecord, Status};
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;
use tracing::Instrument;

/// How the connection to the SMTP server is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain text: only for a relay on the same machine or a test server.
    None,
    /// Plain connection upgraded with STARTTLS, which must succeed (usually port 587).
    StartTls,
    /// TLS from the first byte (usually port 465).
    Tls,
}

/// Where and how to send email.
#[derive(Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    pub user: Option<String>,
    pub password: Option<String>,
    /// The From address of every message, such as `Annex Massage <desk@annex.example>`.
    pub from: String,
}

/// Hand-written so the password never reaches a log.
impl std::fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .finish_non_exhaustive()
    }
}

/// Sends one message over SMTP.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// The right-hand side of Message-IDs: the From address's domain.
    domain: String,
}

impl Mailer {
    /// Builds the mailer; a bad From address or TLS set-up is named by its setting.
    pub fn new(config: &SmtpConfig) -> Result<Mailer, AppError> {
        let from: Mailbox = config.from.parse().map_err(|e| {
            AppError::invalid(
                "mail_from",
                format!("'{}' is not an address: {e}", config.from),
            )
        })?;
        let tls = match config.tls {
            SmtpTls::None => Tls::None,
            SmtpTls::StartTls => Tls::Required(tls_parameters(&config.host)?),
            SmtpTls::Tls => Tls::Wrapper(tls_parameters(&config.host)?),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.host)
            .port(config.port)
            .tls(tls)
            .timeout(Some(Duration::from_secs(30)));
        if let (Some(user), Some(password)) = (&config.user, &config.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        let domain = from.email.domain().to_owned();
        Ok(Mailer {
            transport: builder.build(),
            from,
            domain,
        })
    }

    /// Sends `message`; on success, what the server said it queued it as (or our own
    /// Message-ID when it said nothing useful).
    async fn send(&self, message: &MessageRecord) -> Result<String, SendError> {
        let message_id = format!("<{}@{}>", message.id, self.domain);
        let email = self.compose(message, &message_id)?;
        let response = self.transport.send(email).await.map_err(SendError::Smtp)?;
        let said: Vec<&str> = response.message().collect();
        let said = said.join(" ");
        Ok(
            if said.trim().is_empty() || said.trim().eq_ignore_ascii_case("ok") {
                message_id
            } else {
                truncate(said.trim(), 200)
            },
        )
    }

    fn compose(&self, message: &MessageRecord, message_id: &str) -> Result<Message, SendError> {
        let to: Mailbox = message
            .recipient
            .parse()
            .map_err(|e| SendError::Permanent(format!("the recipient is not an address: {e}")))?;
        let builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(message.subject.clone())
            .message_id(Some(message_id.to_owned()));
        let built = match &message.body_html {
            Some(html) => builder.multipart(MultiPart::alternative_plain_html(
                message.body_text.clone(),
                html.clone(),
            )),
            None => builder
                .header(ContentType::TEXT_PLAIN)
                .body(message.body_text.clone()),
        };
        built.map_err(|e| SendError::Permanent(format!("the message cannot be built: {e}")))
    }
}

fn tls_parameters(host: &str) -> Result<TlsParameters, AppError> {
    TlsParameters::new(host.to_owned()).map_err(|e| {
        AppError::invalid(
            "smtp_host",
            format!("TLS cannot be set up for '{host}': {e}"),
        )
    })
}

/// Why a send failed.
#[derive(Debug)]
enum SendError {
    Smtp(lettre::transport::smtp::Error),
    /// Trying again cannot help (a malformed address).
    Permanent(String),
}

impl SendError {
    fn permanent(&self) -> bool {
        match self {
            SendError::Smtp(e) => e.is_permanent(),
            SendError::Permanent(_) => true,
        }
    }

    /// What the log may say: the kind and SMTP code, never the server's text, which may
    /// quote the recipient.
    fn brief(&self) -> String {
        match self {
            SendError::Smtp(e) => match e.status() {
                Some(code) => format!("smtp reply {code}"),
                None if e.is_timeout() => "timed out".to_owned(),
                None => "cannot reach the SMTP server".to_owned(),
            },
            SendError::Permanent(_) => "message refused before sending".to_owned(),
        }
    }

    /// What the outbox page shows.
    fn full(&self) -> String {
        let text = match self {
            SendError::Smtp(e) => error_chain(e),
            SendError::Permanent(why) => why.clone(),
        };
        truncate(&text, 500)
    }
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn truncate(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// How the worker retries. Defaults: a 5-minute lease, retries after 1, 2, 4 ... minutes
/// (at most 6 hours apart), and a message failed for good after 8 attempts.
#[derive(Clone, Debug)]
pub struct DeliveryPolicy {
    pub lease_seconds: i64,
    pub first_retry_seconds: i64,
    pub max_retry_seconds: i64,
    pub max_attempts: i64,
    /// How long an idle worker waits before looking again.
    pub poll_interval: Duration,
}

impl Default for DeliveryPolicy {
    fn default() -> Self {
        DeliveryPolicy {
            lease_seconds: 300,
            first_retry_seconds: 60,
            max_retry_seconds: 6 * 3600,
            max_attempts: 8,
            poll_interval: Duration::from_secs(5),
        }
    }
}

impl DeliveryPolicy {
    /// When to try again after `attempts` failed tries, or `None` to give up.
    pub fn retry_at(&self, attempts: i64, now: i64) -> Option<i64> {
        if attempts >= self.max_attempts {
            return None;
        }
        let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
        let delay = self
            .first_retry_seconds
            .saturating_mul(1_i64 << doublings)
            .min(self.max_retry_seconds);
        Some(now + delay)
    }
}

/// What one step of the worker did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// Nothing was due.
    Idle,
    Sent {
        id: String,
    },
    /// The send failed; the message waits until `at`.
    Retrying {
        id: String,
        at: i64,
    },
    /// The send failed for good (refused outright, or too many attempts).
    Failed {
        id: String,
    },
    /// The send finished after this worker's lease ran out and another took the message.
    LeaseLost {
        id: String,
    },
}

/// Claims due messages and sends them.
#[derive(Clone)]
pub struct OutboxWorker {
    store: Store,
    mailer: Mailer,
    policy: DeliveryPolicy,
    worker_id: String,
}

impl OutboxWorker {
    pub fn new(store: Store, mailer: Mailer, policy: DeliveryPolicy) -> OutboxWorker {
        OutboxWorker {
            store,
            mailer,
            policy,
            worker_id: crate::secrets::random_secret("w")[..17].to_owned(),
        }
    }

    /// Sends at most one due message, as of `now`.
    pub async fn step(&self, now: i64) -> Result<Delivery, AppError> {
        let lease_until = now + self.policy.lease_seconds;
        let claimed = {
            let mut conn = self.store.read().await?;
            outbox::claim_next(&mut conn, &self.worker_id, now, lease_until).await?
        };
        let Some(message) = claimed else {
            return Ok(Delivery::Idle);
        };
        let span =
            tracing::info_span!("outbox", message_id = %message.id, purpose = %message.purpose);
        self.deliver(message, now).instrument(span).await
    }

    /// Sends a claimed message and records the outcome, if this worker still holds it.
    async fn deliver(&self, message: MessageRecord, now: i64) -> Result<Delivery, AppError> {
        let id = message.id.clone();
        let result = self.mailer.send(&message).await;
        let mut conn = self.store.read().await?;
        let (held, delivery) = match result {
            Ok(provider_id) => {
                let held =
                    outbox::mark_sent(&mut conn, &id, &self.worker_id, &provider_id, now).await?;
                tracing::info!(attempt = message.attempts, "message sent");
                (held, Delivery::Sent { id: id.clone() })
            }
            Err(error) => {
                let retry = if error.permanent() {
                    None
                } else {
                    self.policy.retry_at(message.attempts, now)
                };
                let (w, full) = (&self.worker_id, error.full());
                let held =
                    outbox::mark_attempt_failed(&mut conn, &id, w, &full, retry, now).await?;
                let why = error.brief();
                match retry {
                    Some(at) => {
                        tracing::warn!(attempt = message.attempts, error = why, "send failed");
                        (held, Delivery::Retrying { id: id.clone(), at })
                    }
                    None => {
                        tracing::error!(attempt = message.attempts, error = why, "gave up");
                        (held, Delivery::Failed { id: id.clone() })
                    }
                }
            }
        };
        Ok(if held {
            delivery
        } else {
            Delivery::LeaseLost { id }
        })
    }

    /// Sends due messages until `stop` turns true, waiting `poll_interval` when idle and
    /// longer after a database error. A step in progress is finished before stopping.
    pub async fn run(self, clock: Clock, mut stop: tokio::sync::watch::Receiver<bool>) {
        let mut pause = Duration::ZERO;
        while !*stop.borrow() {
            if !pause.is_zero() {
                tokio::select! {
                    _ = tokio::time::sleep(pause) => {}
                    _ = stop.changed() => continue,
                }
            }
            pause = match self.step(clock.epoch()).await {
                Ok(Delivery::Idle) => self.policy.poll_interval,
                Ok(_) => Duration::ZERO,
                Err(error) => {
                    tracing::error!(error = %error, "outbox worker cannot reach the database");
                    self.policy.poll_interval * 6
                }
            };
        }
        tracing::info!("outbox worker stopped");
    }
}

impl App {
    /// The clinic's latest outgoing messages (at most 200), newest first, for the page that
    /// shows what was and was not delivered.
    pub async fn outbox_messages(&self, staff: &Staff) -> Result<Vec<MessageRecord>, AppError> {
        staff.require(Permission::ViewAudit)?;
        let mut conn = self.store.read().await?;
        Ok(outbox::list(&mut conn, &staff.clinic_id, 200).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially_up_to_a_cap_then_give_up() {
        let policy = DeliveryPolicy::default();

        assert_eq!(policy.retry_at(1, 1000), Some(1060));
        assert_eq!(policy.retry_at(2, 1000), Some(1120));
        assert_eq!(policy.retry_at(4, 1000), Some(1480));
        let capped = DeliveryPolicy {
            max_attempts: 40,
            ..DeliveryPolicy::default()
        };
        assert_eq!(capped.retry_at(30, 0), Some(6 * 3600));
        assert_eq!(policy.retry_at(8, 1000), None);
    }
}
