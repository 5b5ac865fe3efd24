//! Command-line settings. Each is a flag with a `KNEAD_*` environment twin and a default
//! that works with nothing set: an SQLite database in `./knead-data`, served on
//! 127.0.0.1:8080.

use clap::{Args, Parser, Subcommand, ValueEnum};
use knead_app::outbox::{SmtpConfig, SmtpTls};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "knead",
    version,
    about = "Practice management for massage therapy clinics"
)]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Folder for the SQLite database and files; created when missing.
    #[arg(
        long,
        env = "KNEAD_DATA_DIR",
        default_value = "knead-data",
        global = true
    )]
    pub data_dir: PathBuf,
    /// Database URL: sqlite://PATH or postgres://USER@HOST/DB. Default: an SQLite file in the
    /// data folder.
    #[arg(
        long = "database",
        env = "KNEAD_DATABASE_URL",
        global = true,
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// Address and port to serve on.
    #[arg(
        long,
        env = "KNEAD_LISTEN",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub listen: SocketAddr,
    /// The address people open in their browser (for links Knead prints); an https:// URL
    /// makes cookies Secure.
    #[arg(long, env = "KNEAD_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,
    /// Log format.
    #[arg(
        long,
        env = "KNEAD_LOG_FORMAT",
        value_enum,
        default_value = "text",
        global = true
    )]
    pub log_format: LogFormat,
    #[command(flatten)]
    pub smtp: SmtpSettings,
}

/// Where email goes out. With no host set, messages wait in the outbox (nothing is lost)
/// and the outgoing email page says so.
#[derive(Clone, Args)]
pub struct SmtpSettings {
    /// SMTP server that sends Knead's email (password reset links, later reminders).
    #[arg(long, env = "KNEAD_SMTP_HOST", global = true)]
    pub smtp_host: Option<String>,
    /// SMTP port. Default: 25 with no TLS, 587 with STARTTLS, 465 with TLS.
    #[arg(long, env = "KNEAD_SMTP_PORT", global = true)]
    pub smtp_port: Option<u16>,
    /// How the connection is protected: none, starttls or tls.
    #[arg(
        long,
        env = "KNEAD_SMTP_TLS",
        value_enum,
        default_value = "starttls",
        global = true
    )]
    pub smtp_tls: SmtpTlsMode,
    /// User name for the SMTP server, if it asks for one.
    #[arg(long, env = "KNEAD_SMTP_USER", global = true)]
    pub smtp_user: Option<String>,
    /// Password for the SMTP server.
    #[arg(
        long,
        env = "KNEAD_SMTP_PASSWORD",
        global = true,
        hide_env_values = true
    )]
    pub smtp_password: Option<String>,
    /// The From address of Knead's email, such as "Annex Massage <desk@annex.example>".
    #[arg(long, env = "KNEAD_MAIL_FROM", global = true)]
    pub mail_from: Option<String>,
}

/// Hand-written so the SMTP password never reaches a log or an error message.
impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("smtp_host", &self.smtp_host)
            .field("smtp_port", &self.smtp_port)
            .field("smtp_tls", &self.smtp_tls)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SmtpTlsMode {
    None,
    Starttls,
    Tls,
}

impl SmtpSettings {
    /// The SMTP settings checked together: `None` when no host is set, an error naming the
    /// setting to fix when they do not fit together.
    pub fn config(&self) -> anyhow::Result<Option<SmtpConfig>> {
        let Some(host) = self.smtp_host.clone().filter(|h| !h.trim().is_empty()) else {
            return Ok(None);
        };
        let Some(from) = self.mail_from.clone().filter(|f| !f.trim().is_empty()) else {
            anyhow::bail!("--mail-from (KNEAD_MAIL_FROM) is needed when --smtp-host is set");
        };
        if self.smtp_user.is_some() != self.smtp_password.is_some() {
            anyhow::bail!(
                "--smtp-user (KNEAD_SMTP_USER) and --smtp-password (KNEAD_SMTP_PASSWORD) go \
                 together: set both or neither"
            );
        }
        let (tls, default_port) = match self.smtp_tls {
            SmtpTlsMode::None => (SmtpTls::None, 25),
            SmtpTlsMode::Starttls => (SmtpTls::StartTls, 587),
            SmtpTlsMode::Tls => (SmtpTls::Tls, 465),
        };
        Ok(Some(SmtpConfig {
            host,
            port: self.smtp_port.unwrap_or(default_port),
            tls,
            user: self.smtp_user.clone(),
            password: self.smtp_password.clone(),
            from,
        }))
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve Knead over HTTP (applies pending migrations first).
    Serve {
        /// On an empty database, first fill it with the demo clinic and print its sign-in.
        #[arg(long)]
        demo: bool,
    },
    /// Fill an empty database with an invented demo clinic and print its owner's sign-in.
    Demo {
        /// The same seed invents the same clinic (apart from ids and the password).
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage clinics on a host that serves several.
    #[command(subcommand)]
    Clinic(ClinicCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Bring existing data into Knead.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Check the audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Recompute every clinic's audit chain (or one clinic's) and name the first event that
    /// was edited, deleted or moved. Exits non-zero when a chain is broken.
    Verify {
        /// Check only the clinic with this slug.
        #[arg(long)]
        clinic: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import a practitioner's calendar (.ics) from now to the end of the booking horizon:
    /// appointments for events naming one person, blocked time for the rest. Importing the
    /// same file again adds nothing.
    Ics {
        /// The practitioner whose calendar this is (their id).
        #[arg(long)]
        practitioner: String,
        /// The location of the appointments; needed when the practitioner works at several.
        #[arg(long)]
        location: Option<String>,
        /// The service of every appointment; by default the one whose duration matches.
        #[arg(long)]
        service: Option<String>,
        /// Show what would be imported and write nothing.
        #[arg(long)]
        dry_run: bool,
        /// The clinic's slug; needed only when the host serves several clinics.
        #[arg(long)]
        clinic: Option<String>,
        /// The .ics file.
        file: PathBuf,
    },
    /// Import patients from a CSV export, a vCard address book (.vcf) or FHIR R4 Patient
    /// resources (a Bundle or NDJSON). Duplicates of patients already there (same name and
    /// birth date, email or phone) fill only their empty fields; nothing is overwritten.
    Patients {
        /// csv, vcard or fhir; guessed from the content when not given.
        #[arg(long)]
        format: Option<String>,
        /// CSV only: which field a column holds, as COLUMN=FIELD (repeatable). Fields:
        /// legal_first_name, legal_last_name, full_name, preferred_name, date_of_birth,
        /// email, phone, mobile_phone, home_phone, work_phone, address_line1, address_line2,
        /// city, province, postal_code, ignore.
        #[arg(long = "map", value_name = "COLUMN=FIELD")]
        map: Vec<String>,
        /// Show what would be imported and write nothing.
        #[arg(long)]
        dry_run: bool,
        /// The clinic's slug; needed only when the host serves several clinics.
        #[arg(long)]
        clinic: Option<String>,
        /// The file to import.
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum ClinicCommand {
    /// Create a clinic and print the one-time link where its owner sets up their account.
    Create {
        #[arg(long)]
        name: String,
    },
    /// List the clinics on this host.
    List,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Print a new API token acting for the clinic's owner.
    Create {
        /// owner, manager, front_desk, practitioner or bookkeeper.
        #[arg(long)]
        role: String,
        /// What the token is for, shown in the token list.
        #[arg(long)]
        name: String,
        /// The clinic's slug; needed only when the host serves several clinics.
        #[arg(long)]
        clinic: Option<String>,
    },
}

impl Settings {
    /// The database URL to open: the one given, or an SQLite file in the data folder.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) if url.starts_with("sqlite:") && !url.contains("mode=") => {
                let joiner = if url.contains('?') { '&' } else { '?' };
                format!("{url}{joiner}mode=rwc")
            }
            Some(url) => url.clone(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("knead.sqlite3").display()
            ),
        }
    }

    pub fn public_url(&self) -> String {
        let url = self
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.listen));
        url.trim_end_matches('/').to_owned()
    }
}

/// Logs to stderr: readable text by default, JSON for log collectors. `KNEAD_LOG` filters
/// (default `info`).
pub fn init_logging(settings: &Settings) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("KNEAD_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match settings.log_format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Cli {
        Cli::try_parse_from(args).unwrap()
    }

    #[test]
    fn with_nothing_set_the_database_is_a_file_in_the_data_folder() {
        let cli = parse(&["knead", "serve"]);

        assert_eq!(
            cli.settings.database_url(),
            "sqlite://knead-data/knead.sqlite3?mode=rwc"
        );
        assert_eq!(cli.settings.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(cli.settings.public_url(), "http://127.0.0.1:8080");
    }

    #[test]
    fn settings_may_follow_the_subcommand() {
        let cli = parse(&["knead", "migrate", "--database", "sqlite:///tmp/x.db"]);

        assert_eq!(cli.settings.database_url(), "sqlite:///tmp/x.db?mode=rwc");
    }

    #[test]
    fn import_ics_takes_its_options_and_the_file() {
        let cli = parse(&[
            "knead",
            "import",
            "ics",
            "--practitioner",
            "p1",
            "--dry-run",
            "cal.ics",
        ]);

        let Command::Import(ImportCommand::Ics {
            practitioner,
            dry_run,
            file,
            location,
            ..
        }) = cli.command
        else {
            panic!("not an import: {:?}", cli.command);
        };
        assert_eq!(practitioner, "p1");
        assert!(dry_run);
        assert_eq!(file, PathBuf::from("cal.ics"));
        assert_eq!(location, None);
    }

    #[test]
    fn with_no_smtp_host_email_waits_in_the_outbox() {
        let cli = parse(&["knead", "serve"]);

        assert!(cli.settings.smtp.config().unwrap().is_none());
    }

    #[test]
    fn smtp_settings_default_the_port_from_the_tls_mode() {
        let cli = parse(&[
            "knead",
            "serve",
            "--smtp-host",
            "smtp.example",
            "--smtp-tls",
            "tls",
            "--mail-from",
            "desk@annex.example",
        ]);

        let config = cli.settings.smtp.config().unwrap().unwrap();
        assert_eq!(config.port, 465);
        assert_eq!(config.tls, SmtpTls::Tls);
    }

    #[test]
    fn an_smtp_host_without_a_from_address_names_the_missing_setting() {
        let cli = parse(&["knead", "serve", "--smtp-host", "smtp.example"]);

        let error = cli.settings.smtp.config().unwrap_err().to_string();
        assert!(error.contains("KNEAD_MAIL_FROM"), "{error}");
    }

    #[test]
    fn import_patients_takes_repeated_maps() {
        let cli = parse(&[
            "knead",
            "import",
            "patients",
            "--map",
            "Prénom=legal_first_name",
            "--map",
            "Nom=legal_last_name",
            "clients.csv",
        ]);

        let Command::Import(ImportCommand::Patients { map, file, .. }) = cli.command else {
            panic!("not a patient import: {:?}", cli.command);
        };
        assert_eq!(map, ["Prénom=legal_first_name", "Nom=legal_last_name"]);
        assert_eq!(file, PathBuf::from("clients.csv"));
    }

    #[test]
    fn a_bad_listen_address_names_the_flag() {
        let error = Cli::try_parse_from(["knead", "serve", "--listen", "nowhere"]).unwrap_err();

        assert!(error.to_string().contains("--listen"), "{error}");
    }
}
