//! `splio-sms`: the library as a command, for scripts, cron jobs and legacy
//! systems. It translates flags, files and signals into core calls and core
//! results into output and exit codes; the work is the library's.

mod args;
mod campaign;
mod decode;
mod input;
mod logger;
mod output;
mod preview;
mod report;
mod sandbox;
mod send;
mod serve;
mod settings;
mod table;

use std::process::ExitCode;

use clap::Parser;
use splio_sms::{BatchReport, BatchStatus, Error, ErrorKind};

/// A failure to report on stderr, with the exit code it ends with.
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            code: USAGE,
            message: message.into(),
        }
    }
}

pub const OK: u8 = 0;
pub const INTERNAL: u8 = 1;
pub const USAGE: u8 = 2;
pub const VALIDATION: u8 = 3;
pub const AUTH: u8 = 4;
pub const CREDIT: u8 = 5;
pub const PARTIAL: u8 = 6;
pub const DELIVERY: u8 = 7;
pub const REFUSED: u8 = 8;
/// The send ran, but its report could not be written (the journal and the
/// summary still say what happened).
pub const UNREPORTED: u8 = 9;
pub const INTERRUPTED: u8 = 130;

/// The exit code for an error of `kind`.
pub fn exit_code(kind: ErrorKind) -> u8 {
    match kind {
        ErrorKind::InvalidArgument => USAGE,
        ErrorKind::Validation => VALIDATION,
        ErrorKind::Auth => AUTH,
        ErrorKind::InsufficientCredit => CREDIT,
        ErrorKind::BadRequest => REFUSED,
        ErrorKind::RateLimited
        | ErrorKind::Server
        | ErrorKind::Timeout
        | ErrorKind::Transport
        | ErrorKind::Protocol => DELIVERY,
        _ => INTERNAL,
    }
}

/// The exit code for a batch report.
pub fn report_code(report: &BatchReport) -> u8 {
    if report.interrupted {
        return INTERRUPTED;
    }
    match report.status {
        BatchStatus::Ok => OK,
        BatchStatus::Partial => PARTIAL,
        _ => report
            .first_error()
            .map_or(INTERNAL, |e| exit_code(e.kind())),
    }
}

/// One line for an error: kind, message, and what it means for delivery.
pub fn describe(e: &Error) -> String {
    let status = e
        .http_status()
        .map(|s| format!("HTTP {s}, "))
        .unwrap_or_default();
    format!("{}: {} ({status}{})", e.kind(), e.message(), e.delivery())
}

fn main() -> ExitCode {
    // A bug must still end in one clear line, never a stack trace.
    std::panic::set_hook(Box::new(|info| {
        output::err(format!("internal error, please report it: {info}"));
    }));
    let cli = args::Cli::parse();
    logger::install(cli.verbose);
    let result = match cli.command {
        args::Command::Send(a) => send::send(*a),
        args::Command::Resume(a) => campaign::resume(*a),
        args::Command::Validate(a) => send::validate(*a),
        args::Command::Preview(a) => preview::run(*a),
        args::Command::Sandbox(a) => sandbox::run(a),
        args::Command::Serve(a) => serve::run(*a),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(f) => {
            for line in f.message.lines() {
                output::err(line);
            }
            ExitCode::from(f.code)
        }
    }
}
