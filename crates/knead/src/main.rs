//! `knead`: serve the clinic, apply migrations, fill a demo clinic, manage clinics and API
//! tokens, and import a practitioner's calendar.
//!
//! Every subcommand reads the same settings (flags with `KNEAD_*` environment twins), opens
//! the same database and calls the same application layer as the web pages.

mod commands;
mod progress;
mod settings;

use clap::Parser;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = settings::Cli::parse();
    settings::init_logging(&cli.settings);
    match commands::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("knead: {error:#}");
            ExitCode::FAILURE
        }
    }
}
