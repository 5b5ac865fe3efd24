//! What each subcommand does: open the store, call the application, print the outcome.

use crate::progress::TerminalBar;
use crate::settings::{
    AuditCommand, Cli, ClinicCommand, Command, ImportCommand, Settings, TokenCommand,
};
use anyhow::{Context, bail};
use knead_app::import::IcsImport;
use knead_app::outbox::{DeliveryPolicy, Mailer, OutboxWorker};
use knead_app::patient_import::{Format, PatientImport};
use knead_app::{App, AppError, Clock, Store};
use knead_domain::Role;
use knead_web::WebConfig;
use std::path::Path;
use std::time::Duration;

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let settings = cli.settings;
    match cli.command {
        Command::Serve { demo } => serve(&settings, demo).await,
        Command::Demo { seed } => {
            let app = App::new(open_store(&settings).await?, Clock::system());
            create_demo(&app, &settings, seed).await
        }
        Command::Migrate => {
            open_store(&settings).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Clinic(ClinicCommand::Create { name }) => create_clinic(&settings, &name).await,
        Command::Clinic(ClinicCommand::List) => list_clinics(&settings).await,
        Command::Token(TokenCommand::Create { role, name, clinic }) => {
            create_token(&settings, &role, &name, clinic.as_deref()).await
        }
        Command::Import(ImportCommand::Ics {
            practitioner,
            location,
            service,
            dry_run,
            clinic,
            file,
        }) => {
            let options = IcsOptions {
                practitioner: &practitioner,
                location: location.as_deref(),
                service: service.as_deref(),
                dry_run,
                clinic: clinic.as_deref(),
            };
            import_ics(&settings, &options, &file).await
        }
        Command::Audit(AuditCommand::Verify { clinic }) => {
            verify_audit(&settings, clinic.as_deref()).await
        }
        Command::Import(ImportCommand::Patients {
            format,
            map,
            dry_run,
            clinic,
            file,
        }) => {
            let options = PatientOptions {
                format: format.as_deref(),
                map: &map,
                dry_run,
                clinic: clinic.as_deref(),
            };
            import_patients(&settings, &options, &file).await
        }
    }
}

/// Opens the database named by the settings (creating the data folder for SQLite) and
/// applies pending migrations.
async fn open_store(settings: &Settings) -> anyhow::Result<Store> {
    let url = settings.database_url();
    if url.starts_with("sqlite:") && settings.database_url.is_none() {
        std::fs::create_dir_all(&settings.data_dir).with_context(|| {
            format!(
                "cannot create the data folder {}",
                settings.data_dir.display()
            )
        })?;
    }
    let store = Store::connect(&url).await.with_context(|| {
        format!(
            "cannot open the {} database (KNEAD_DATABASE_URL)",
            backend_name(&url)
        )
    })?;
    store
        .migrate()
        .await
        .context("cannot apply the database migrations")?;
    Ok(store)
}

fn backend_name(url: &str) -> &'static str {
    knead_app::Backend::of_url(url).map_or("unknown", |b| b.name())
}

/// Where the data lives, said without the password a PostgreSQL URL may hold.
fn describe_location(settings: &Settings) -> String {
    match &settings.database_url {
        None => {
            let dir =
                std::fs::canonicalize(&settings.data_dir).unwrap_or(settings.data_dir.clone());
            format!("SQLite database in {}", dir.display())
        }
        Some(url) if url.starts_with("sqlite:") => format!("SQLite database {url}"),
        Some(url) => {
            let host = url.rsplit('@').next().unwrap_or("the configured server");
            format!("PostgreSQL database at {host}")
        }
    }
}

async fn serve(settings: &Settings, demo: bool) -> anyhow::Result<()> {
    let smtp = settings.smtp.config()?;
    let mailer = smtp
        .as_ref()
        .map(Mailer::new)
        .transpose()
        .map_err(explain)?;
    let store = open_store(settings).await?;
    let app = App::new(store.clone(), Clock::system());
    if demo {
        if app.needs_first_setup().await.map_err(explain)? {
            create_demo(&app, settings, DEMO_SEED).await?;
        } else {
            tracing::info!("--demo: the database already holds a clinic, so it is served as it is");
        }
    }
    let public_url = settings.public_url();
    let config = WebConfig {
        secure_cookies: public_url.starts_with("https://"),
        public_url: public_url.clone(),
        mail_configured: mailer.is_some(),
        ..WebConfig::default()
    };
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .with_context(|| format!("cannot listen on {} (KNEAD_LISTEN)", settings.listen))?;
    tracing::info!(data = %describe_location(settings), "data location");
    tracing::info!(url = %public_url, "Knead is ready: open {public_url} in a browser");
    let cleanup = tokio::spawn(purge_expired_sessions(app.clone()));
    let (stop_outbox, outbox) = start_outbox(&app, mailer);
    knead_web::serve(listener, knead_web::router(app, config), shutdown_signal())
        .await
        .context("the HTTP server stopped")?;
    cleanup.abort();
    let _ = stop_outbox.send(true);
    if let Some(worker) = outbox {
        // A send in progress is finished (or times out) before the worker stops.
        let _ = tokio::time::timeout(Duration::from_secs(40), worker).await;
    }
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// The seed `knead serve --demo` invents its clinic from.
const DEMO_SEED: u64 = 2026;

/// Fills the empty database with the demo clinic and prints what was made and the owner's
/// sign-in, which is shown only this once.
async fn create_demo(app: &App, settings: &Settings, seed: u64) -> anyhow::Result<()> {
    eprintln!("creating the demo clinic (this takes a little while)...");
    let demo = app.create_demo_clinic(seed).await.map_err(explain)?;
    println!("demo clinic '{}' created:", demo.clinic_name);
    println!(
        "  {} locations, {} rooms, {} therapists, {} services, {} patients",
        demo.locations, demo.rooms, demo.practitioners, demo.services, demo.patients
    );
    let past: Vec<String> = demo
        .past
        .iter()
        .map(|(status, n)| format!("{n} {}", status.as_str()))
        .collect();
    println!(
        "  {} past appointments ({}), {} upcoming, {} upcoming cancelled, {} recurring series",
        demo.past_total(),
        past.join(", "),
        demo.upcoming,
        demo.upcoming_cancelled,
        demo.series
    );
    println!(
        "sign in at {}/login as the clinic's owner:",
        settings.public_url()
    );
    println!("  email: {}", demo.owner_email);
    println!("  password: {}", demo.owner_password);
    println!("the password is shown only now; it is stored hashed");
    Ok(())
}

/// Starts the worker that sends the outbox's email, when an SMTP server is set up. Without
/// one, email waits in the outbox and the outgoing email page says so.
fn start_outbox(
    app: &App,
    mailer: Option<Mailer>,
) -> (
    tokio::sync::watch::Sender<bool>,
    Option<tokio::task::JoinHandle<()>>,
) {
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let Some(mailer) = mailer else {
        tracing::warn!("no SMTP server set (KNEAD_SMTP_HOST): email waits in the outbox");
        return (stop, None);
    };
    let worker = OutboxWorker::new(app.store().clone(), mailer, DeliveryPolicy::default());
    let handle = tokio::spawn(worker.run(app.clock().clone(), stopped));
    (stop, Some(handle))
}

/// Removes expired sign-in sessions once an hour.
async fn purge_expired_sessions(app: App) {
    let mut tick = tokio::time::interval(Duration::from_secs(3600));
    loop {
        tick.tick().await;
        if let Err(error) = app.purge_expired_sessions().await {
            tracing::error!(error = %error, "cannot remove expired sessions");
        }
    }
}

/// Resolves on SIGTERM or Ctrl-C.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

async fn create_clinic(settings: &Settings, name: &str) -> anyhow::Result<()> {
    let app = App::new(open_store(settings).await?, Clock::system());
    let (clinic, secret) = app.create_clinic(name).await.map_err(explain)?;
    println!(
        "created clinic '{}' (slug {}, id {})",
        clinic.profile.legal_name, clinic.slug, clinic.id
    );
    println!(
        "its owner sets up their account once at: {}/setup/{secret}",
        settings.public_url()
    );
    Ok(())
}

async fn list_clinics(settings: &Settings) -> anyhow::Result<()> {
    let app = App::new(open_store(settings).await?, Clock::system());
    for clinic in app.all_clinics().await.map_err(explain)? {
        println!(
            "{}\t{}\t{}",
            clinic.slug, clinic.id, clinic.profile.legal_name
        );
    }
    Ok(())
}

async fn create_token(
    settings: &Settings,
    role: &str,
    name: &str,
    clinic: Option<&str>,
) -> anyhow::Result<()> {
    let Some(role) = Role::parse(role) else {
        let roles: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
        bail!(
            "--role '{role}' is not a role; use one of {}",
            roles.join(", ")
        );
    };
    let app = App::new(open_store(settings).await?, Clock::system());
    let (clinic, token, secret) = app
        .create_owner_token(clinic, name, role)
        .await
        .map_err(explain)?;
    eprintln!(
        "token '{}' ({}) for clinic {}; it is shown only now:",
        token.name,
        role.as_str(),
        clinic.slug
    );
    println!("{secret}");
    Ok(())
}

/// The flags of `knead import ics`.
struct IcsOptions<'a> {
    practitioner: &'a str,
    location: Option<&'a str>,
    service: Option<&'a str>,
    dry_run: bool,
    clinic: Option<&'a str>,
}

/// Imports a calendar file and prints the report. The report may name patients: it goes to
/// the terminal of the clinic's own operator, never to the log.
async fn import_ics(
    settings: &Settings,
    options: &IcsOptions<'_>,
    file: &Path,
) -> anyhow::Result<()> {
    let bytes = std::fs::read(file)
        .with_context(|| format!("cannot read the calendar file {}", file.display()))?;
    let file_name = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let input = IcsImport {
        practitioner_id: options.practitioner,
        location_id: options.location,
        service_id: options.service,
        file_name: &file_name,
        bytes: &bytes,
        dry_run: options.dry_run,
    };
    let app = App::new(open_store(settings).await?, Clock::system());
    let bar = TerminalBar::on_stderr();
    let report = app
        .import_ics_from_cli(options.clinic, &input, &bar)
        .await
        .map_err(explain)?;
    print!("{report}");
    Ok(())
}

/// Checks the audit chains and prints one line a clinic; fails naming the first clinic whose
/// chain is broken and where.
async fn verify_audit(settings: &Settings, clinic: Option<&str>) -> anyhow::Result<()> {
    let app = App::new(open_store(settings).await?, Clock::system());
    let chains = app.verify_audit_chains(clinic).await.map_err(explain)?;
    let mut first_broken = None;
    for chain in &chains {
        let events = chain.check.events;
        match chain.check.broken_at {
            None => println!("clinic {}: {events} events, chain intact", chain.slug),
            Some(seq) => {
                println!(
                    "clinic {}: {events} events, chain BROKEN at sequence number {seq}",
                    chain.slug
                );
                first_broken.get_or_insert((chain.slug.clone(), seq));
            }
        }
    }
    println!("checked {} clinic(s)", chains.len());
    if let Some((slug, seq)) = first_broken {
        bail!("the audit chain of clinic '{slug}' is broken at sequence number {seq}");
    }
    Ok(())
}

/// The flags of `knead import patients`.
struct PatientOptions<'a> {
    format: Option<&'a str>,
    map: &'a [String],
    dry_run: bool,
    clinic: Option<&'a str>,
}

/// Imports a patient file and prints the report, which names people: it goes to the
/// terminal of the clinic's own operator, never to the log.
async fn import_patients(
    settings: &Settings,
    options: &PatientOptions<'_>,
    file: &Path,
) -> anyhow::Result<()> {
    let format = options
        .format
        .map(Format::parse)
        .transpose()
        .map_err(explain)?;
    let map = options
        .map
        .iter()
        .map(|pair| match pair.split_once('=') {
            Some((column, field)) => Ok((column.trim().to_owned(), field.trim().to_owned())),
            None => bail!("--map '{pair}' is not COLUMN=FIELD"),
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let bytes = std::fs::read(file)
        .with_context(|| format!("cannot read the patient file {}", file.display()))?;
    let file_name = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let input = PatientImport {
        file_name: &file_name,
        bytes: &bytes,
        format,
        map: &map,
        dry_run: options.dry_run,
    };
    let app = App::new(open_store(settings).await?, Clock::system());
    let bar = TerminalBar::on_stderr();
    let report = app
        .import_patients_from_cli(options.clinic, &input, &bar)
        .await
        .map_err(explain)?;
    print!("{report}");
    Ok(())
}

/// Turns an application error into a message for the terminal.
fn explain(error: AppError) -> anyhow::Error {
    match error {
        AppError::Invalid(fields) => anyhow::anyhow!("{fields}"),
        AppError::Conflict { message, .. } => anyhow::anyhow!(message),
        AppError::Internal(source) => anyhow::anyhow!(source).context("internal error"),
        other => anyhow::anyhow!(other.to_string()),
    }
}
