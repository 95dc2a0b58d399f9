//! The command line: subcommands, their flags, and the `SPLIO_*` variables.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::settings::{ClientSettings, ValidationArgs};

#[derive(Parser)]
#[command(
    name = "splio-sms",
    version,
    about = "Send SMS through Splio's Trigger SMS API",
    after_help = "Exit codes: 0 sent, 1 internal error, 2 usage or bad settings, 3 validation, \
                  4 auth, 5 insufficient credit, 6 partial batch, 7 delivery failure \
                  (transport, timeout, server, protocol, rate limited), 8 refused by the service, \
                  9 sent but the report could not be written, 130 interrupted."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Log each request's outcome on stderr (-v), and each attempt too (-vv).
    /// Phone numbers are masked unless --log-full-numbers; the key never shows.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
}

#[derive(Subcommand)]
pub enum Command {
    /// Send a design to recipients given with --to or read from --rcpts FILE.
    Send(Box<SendArgs>),
    /// Finish a send that stopped (a crash, Ctrl-C, a failure) from its journal.
    Resume(Box<ResumeArgs>),
    /// Check the same inputs without sending anything.
    Validate(Box<ValidateArgs>),
    /// Show what each recipient will read and how many SMS it costs, sending nothing.
    Preview(Box<PreviewArgs>),
    /// Run the local sandbox of the service in the foreground (Ctrl-C stops it).
    Sandbox(SandboxArgs),
    /// Answer requests read one JSON document per line, with one client for
    /// the life of the process: a coprocess for runtimes without FFI.
    Serve(Box<ServeArgs>),
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A header row (cellphone,firstname,c0,...), then one recipient per row.
    Csv,
    /// One JSON array of recipient objects.
    Json,
    /// One recipient object per line.
    Jsonl,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TextEncoding {
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    /// What Excel on Windows saves as "CSV" in Western Europe and the Americas.
    #[value(name = "windows-1252", alias = "cp1252")]
    Windows1252,
    /// Read as windows-1252, as browsers do: the same letters, plus € and curly quotes.
    #[value(name = "latin-1", alias = "latin1", alias = "iso-8859-1")]
    Latin1,
    /// Excel's "Unicode text"; the file must start with a byte-order mark.
    #[value(name = "utf-16", alias = "utf16")]
    Utf16,
}

/// `,` `;` or a tab, by the character or by name.
fn parse_delimiter(s: &str) -> Result<u8, String> {
    match s.to_ascii_lowercase().as_str() {
        "," | "comma" => Ok(b','),
        ";" | "semicolon" => Ok(b';'),
        "\t" | "\\t" | "tab" => Ok(b'\t'),
        _ => Err("must be , ; or tab".to_owned()),
    }
}

/// Who gets the message: --to recipients or a file, and how to read the file.
#[derive(Args)]
pub struct RecipientArgs {
    /// A recipient's cellphone; repeat for more.
    #[arg(long = "to", value_name = "CELLPHONE", conflicts_with = "rcpts")]
    pub to: Vec<String>,
    /// A field for every --to recipient, e.g. firstname=John; repeat for more.
    #[arg(long = "field", value_name = "NAME=VALUE", requires = "to")]
    pub fields: Vec<String>,
    /// A recipients file (CSV, JSON array or JSON lines); - reads standard input.
    #[arg(long, value_name = "FILE", required_unless_present = "to")]
    pub rcpts: Option<PathBuf>,
    /// The file's format, when its name does not say (.csv, .json, .jsonl).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// The CSV delimiter: , ; or tab (default: the one the header row uses).
    #[arg(long, value_name = "CHAR", value_parser = parse_delimiter, requires = "rcpts")]
    pub delimiter: Option<u8>,
    /// The file's encoding [default: utf-8]; a byte-order mark at its start wins.
    #[arg(long, value_enum, ignore_case = true, requires = "rcpts")]
    pub encoding: Option<TextEncoding>,
    /// Accept CSV quoted fields that run over line breaks (refused as unbalanced quotes otherwise).
    #[arg(long, requires = "rcpts")]
    pub allow_multiline: bool,
}

#[derive(Args)]
pub struct Inputs {
    /// The design ID (9 letters or digits).
    #[arg(long, short = 'm', value_name = "ID")]
    pub message: String,
    #[command(flatten)]
    pub recipients: RecipientArgs,
    /// The Splio operation code of the campaign.
    #[arg(long)]
    pub opcode: Option<String>,
    /// The Splio category of the campaign.
    #[arg(long)]
    pub category: Option<String>,
    #[command(flatten)]
    pub guard: GuardArgs,
}

/// Checks against the design's text before any byte leaves.
#[derive(Args)]
pub struct GuardArgs {
    /// The design's text: refuse recipients left with an empty $placeholder$.
    #[arg(long, value_name = "TEXT", conflicts_with = "text_file")]
    pub text: Option<String>,
    /// The design's text, from a file (UTF-8).
    #[arg(long, value_name = "FILE")]
    pub text_file: Option<PathBuf>,
    /// Refuse recipients whose SMS needs more than N parts (needs --text or --text-file).
    #[arg(long, value_name = "N")]
    pub max_segments: Option<usize>,
}

// `inputs.rcpts`, `inputs.to`, …: the recipient inputs read as the request's own.
impl std::ops::Deref for Inputs {
    type Target = RecipientArgs;

    fn deref(&self) -> &RecipientArgs {
        &self.recipients
    }
}

/// `preview`: the design's text, rendered for each recipient.
#[derive(Args)]
pub struct PreviewArgs {
    /// The design's text, with $firstname$-style placeholders.
    #[arg(
        long,
        value_name = "TEXT",
        required_unless_present = "text_file",
        conflicts_with = "text_file"
    )]
    pub text: Option<String>,
    /// A file holding the design's text (UTF-8).
    #[arg(long, value_name = "FILE")]
    pub text_file: Option<PathBuf>,
    #[command(flatten)]
    pub recipients: RecipientArgs,
    #[command(flatten)]
    pub settings: ValidationArgs,
    /// How many recipients to show (the totals count them all).
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub show: usize,
    /// Print the contract's preview document (every recipient, streamed) instead.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct Output {
    /// Print the contract's JSON document on stdout instead of a summary.
    #[arg(long)]
    pub json: bool,
    /// No progress bar and no summary (errors still go to stderr).
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

#[derive(Args)]
pub struct SendArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    #[command(flatten)]
    pub settings: ClientSettings,
    #[command(flatten)]
    pub output: Output,
    /// Write the report (every recipient's fate) to FILE, even when interrupted.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Send only the recipients of --rcpts that REPORT lists as not sent
    /// (never one a later run sent: safe to repeat).
    #[arg(long, value_name = "REPORT", requires = "rcpts")]
    pub resend_from: Option<PathBuf>,
    /// With --resend-from, also those whose delivery is unknown (they may get two SMS).
    #[arg(long, requires = "resend_from")]
    pub include_unknown: bool,
    /// Keep the send's journal in FILE [default: beside the file, FILE.DESIGN.journal].
    #[arg(
        long,
        value_name = "FILE",
        requires = "rcpts",
        conflicts_with = "no_journal"
    )]
    pub journal: Option<PathBuf>,
    /// Keep no journal: a crash cannot be resumed, and sending again sends everyone again.
    #[arg(long, requires = "rcpts")]
    pub no_journal: bool,
    /// Send a file its journal says was already sent once more, on purpose
    /// (the old journal is kept beside, renamed).
    #[arg(long, requires = "rcpts", conflicts_with_all = ["no_journal", "resend_from"])]
    pub again: bool,
}

#[derive(Args)]
pub struct ResumeArgs {
    /// The journal of the send to finish (`send` prints it).
    #[arg(value_name = "JOURNAL")]
    pub journal: PathBuf,
    /// Also send those whose fate is unknown (in flight at the crash: they may get two SMS).
    #[arg(long)]
    pub include_unknown: bool,
    /// The recipients file, if it moved since the send (it must hold the same recipients).
    #[arg(long, value_name = "FILE")]
    pub rcpts: Option<PathBuf>,
    /// Write the report to FILE [default: the send's --report, if it had one].
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    #[command(flatten)]
    pub settings: ClientSettings,
    #[command(flatten)]
    pub output: Output,
}

#[derive(Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    #[command(flatten)]
    pub settings: ValidationArgs,
    /// Print the contract's JSON document on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
#[command(
    after_help = "Each line in: a request {\"message\", \"rcpts\", \"opcode\", \"category\"} \
    with an optional \"id\" (echoed) and \"op\" (send, send_batch, validate, preview; default send). \
    Each line out: {\"id\", \"line\", ...} and the C library's result or error document. \
    Exit codes: 0 end of input, 1 internal error, 2 bad settings or unreadable input, \
    9 standard output closed, 130 interrupted (the line in hand is answered first)."
)]
pub struct ServeArgs {
    /// Read requests on standard input and answer on standard output.
    #[arg(long, required = true)]
    pub stdio: bool,
    /// The longest line read, in bytes; a longer one is answered with an error.
    #[arg(long, value_name = "BYTES", default_value_t = 16 << 20)]
    pub max_line_bytes: usize,
    #[command(flatten)]
    pub settings: ClientSettings,
}

#[derive(Args)]
pub struct SandboxArgs {
    /// The loopback port (0: any free one).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// The universe it accepts.
    #[arg(long, default_value = "sandbox")]
    pub universe: String,
    /// The key it accepts (a test key: no secret).
    #[arg(long, default_value = "sandbox-key")]
    pub key: String,
    /// Another universe and key it accepts (repeatable).
    #[arg(long = "account", value_name = "UNIVERSE:KEY", value_parser = account)]
    pub accounts: Vec<(String, String)>,
    /// Accept only these design IDs (repeatable); default any well-formed ID.
    /// ID="Hello $firstname$" gives the design its text: each SMS is rendered,
    /// recorded and charged per segment.
    #[arg(long = "design", value_name = "ID[=TEXT]")]
    pub designs: Vec<String>,
    /// SMS that can be queued before sends are blocked.
    #[arg(long)]
    pub credit: Option<u64>,
    /// Latency added to every answer.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub latency_ms: u64,
    /// Share of requests answered with HTTP 500 (0.0 to 1.0).
    #[arg(long, default_value_t = 0.0)]
    pub fail_rate: f64,
    /// Append every accepted send to this JSON-lines file.
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,
    /// Also stop when standard input closes, so a test harness that dies takes it along.
    #[arg(long)]
    pub until_stdin_closes: bool,
}

fn account(s: &str) -> Result<(String, String), String> {
    match s.split_once(':') {
        Some((universe, key)) if !universe.is_empty() && !key.is_empty() => {
            Ok((universe.to_owned(), key.to_owned()))
        }
        _ => Err("expected UNIVERSE:KEY".to_owned()),
    }
}
