//! Client settings from a JSON file, `SPLIO_*` variables and flags (in
//! rising order of precedence). The flags and variables are made from the
//! core's table of settings, and every value is read and checked by the core,
//! so a problem names the flag (`--timeout-ms`) or variable as it was given.

use std::path::PathBuf;

use clap::parser::ValueSource;
use clap::{Arg, ArgAction, ArgMatches, Args, Command, FromArgMatches};
use serde_json::{Map, Value};
use splio_sms::settings::{Face, Kind, Setting, Text, ValidationSettings, SETTINGS};
use splio_sms::{Client, ClientBuilder};

use crate::{describe, exit_code, Failure};

/// The settings flags: every setting of the table when `VALIDATION_ONLY` is
/// false (`send`), only those that change validation otherwise (`validate`).
pub struct SettingsArgs<const VALIDATION_ONLY: bool> {
    /// `(setting, value as written, whether it came from a variable)`, in table order.
    given: Vec<(&'static Setting, String, Face)>,
    config: Option<PathBuf>,
    key_file: Option<PathBuf>,
    key_flag: bool,
}

pub type ClientSettings = SettingsArgs<false>;
pub type ValidationArgs = SettingsArgs<true>;

fn shown<const V: bool>(s: &Setting) -> bool {
    // The key is never a flag: it comes from SPLIO_KEY or --key-file.
    s.json != "key" && (!V || s.validation)
}

impl<const V: bool> Args for SettingsArgs<V> {
    fn augment_args(mut cmd: Command) -> Command {
        for s in SETTINGS.iter().filter(|s| shown::<V>(s)) {
            let mut arg = Arg::new(s.json)
                .long(&s.flag[2..])
                .env(s.env)
                .action(ArgAction::Set)
                .help(help(s));
            arg = match s.kind {
                Kind::Bool => arg
                    .num_args(0..=1)
                    .require_equals(true)
                    .default_missing_value("true")
                    .value_name("BOOL"),
                Kind::Duration { .. } => arg.value_name("MS"),
                Kind::Count { .. } => arg.value_name("N"),
                Kind::Choice(_) => arg.value_name("NAME"),
                Kind::OptionalPath => arg.value_name("FILE"),
                _ => arg.value_name("TEXT"),
            };
            cmd = cmd.arg(arg);
        }
        if V {
            return cmd;
        }
        cmd.arg(
            Arg::new("config")
                .long("config")
                .env("SPLIO_CONFIG")
                .value_name("FILE")
                .value_parser(clap::value_parser!(PathBuf))
                .help("A JSON settings file with the contract's names (universe, key, timeout_ms, ...)"),
        )
        .arg(
            Arg::new("key_file")
                .long("key-file")
                .env("SPLIO_KEY_FILE")
                .value_name("FILE")
                .value_parser(clap::value_parser!(PathBuf))
                .help("A file holding the API key (else SPLIO_KEY)"),
        )
        .arg(
            // Refused: a key on the command line lands in shell history and `ps`.
            Arg::new("key_flag").long("key").hide(true).action(ArgAction::Set),
        )
    }

    fn augment_args_for_update(cmd: Command) -> Command {
        Self::augment_args(cmd)
    }
}

/// One line of `--help`: the core's words, the allowed values and the default.
fn help(s: &Setting) -> String {
    let mut text = s.doc.trim_end_matches('.').to_owned();
    if let Kind::Choice(names) = s.kind {
        text.push_str(&format!(" [{}]", names.join(", ")));
    }
    if let Some(d) = s.default {
        text.push_str(&format!(" (default {d})"));
    }
    text
}

impl<const V: bool> FromArgMatches for SettingsArgs<V> {
    fn from_arg_matches(m: &ArgMatches) -> Result<Self, clap::Error> {
        let mut given = Vec::new();
        for s in SETTINGS.iter().filter(|s| shown::<V>(s)) {
            if let Some(value) = m.get_one::<String>(s.json) {
                let face = match m.value_source(s.json) {
                    Some(ValueSource::EnvVariable) => Face::Env,
                    _ => Face::Cli,
                };
                given.push((s, value.clone(), face));
            }
        }
        let path = |id: &str| m.try_get_one::<PathBuf>(id).ok().flatten().cloned();
        Ok(SettingsArgs {
            given,
            config: if V { None } else { path("config") },
            key_file: if V { None } else { path("key_file") },
            key_flag: !V && m.try_get_one::<String>("key_flag").ok().flatten().is_some(),
        })
    }

    fn update_from_arg_matches(&mut self, m: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(m)?;
        Ok(())
    }
}

impl<const V: bool> SettingsArgs<V> {
    fn read(&self, mut b: ClientBuilder) -> ClientBuilder {
        for (setting, value, face) in &self.given {
            b = b.read(*face, setting.name(*face), &Text(value));
        }
        b
    }
}

impl ValidationArgs {
    /// The validation settings given, checked by the core.
    pub fn validation(&self) -> Result<ValidationSettings, Failure> {
        let texts: Vec<Text<'_>> = self.given.iter().map(|(_, v, _)| Text(v)).collect();
        ValidationSettings::read(self.given.iter().zip(&texts).map(|((s, _, face), t)| {
            (
                *face,
                s.name(*face),
                t as &dyn splio_sms::settings::SettingInput,
            )
        }))
        .map_err(bad_settings)
    }
}

impl ClientSettings {
    /// The settings given as flags (not variables), as words of a command
    /// line, so that a printed hint sends the same way when pasted.
    pub fn flags(&self) -> Vec<String> {
        let mut words: Vec<String> = self
            .given
            .iter()
            .filter(|(_, _, face)| *face == Face::Cli)
            .map(|(s, value, _)| format!("{}={value}", s.flag))
            .collect();
        for (flag, path) in [("--config", &self.config), ("--key-file", &self.key_file)] {
            if let Some(p) = path {
                words.push(format!("{flag}={}", p.display()));
            }
        }
        words
    }

    /// The client these settings describe.
    pub fn client(&self) -> Result<Client, Failure> {
        self.client_over(&Map::new())
    }

    /// The client these settings describe, over `defaults` (settings JSON
    /// names): what a resumed send kept from the first run.
    pub fn client_over(&self, defaults: &Map<String, Value>) -> Result<Client, Failure> {
        if self.key_flag {
            return Err(Failure::usage(
                "--key is refused: a key on the command line lands in shell history and `ps`; \
                 set SPLIO_KEY or use --key-file",
            ));
        }
        let mut b = ClientBuilder::empty();
        for (name, value) in defaults {
            b = b.read(Face::Json, name, value);
        }
        if let Some(path) = &self.config {
            for (name, value) in read_config(path)? {
                b = b.read(Face::Json, &name, &value);
            }
        }
        b = self.read(b);
        if let Some(key) = self.key()? {
            b = b.read(Face::Env, "SPLIO_KEY", &Text(&key));
        }
        if !b.is_given("universe") {
            return Err(Failure::usage(
                "no universe: set SPLIO_UNIVERSE or --universe",
            ));
        }
        if !b.is_given("key") {
            return Err(Failure::usage("no API key: set SPLIO_KEY or --key-file"));
        }
        b.binding("cli").build().map_err(bad_settings)
    }

    /// The key from --key-file or SPLIO_KEY; `None` leaves the config file's.
    fn key(&self) -> Result<Option<String>, Failure> {
        if let Some(path) = &self.key_file {
            let text = std::fs::read_to_string(path).map_err(|e| {
                Failure::usage(format!("cannot read the key file {}: {e}", path.display()))
            })?;
            let key = text.trim().to_owned();
            if key.is_empty() {
                return Err(Failure::usage(format!(
                    "the key file {} is empty",
                    path.display()
                )));
            }
            return Ok(Some(key));
        }
        Ok(std::env::var("SPLIO_KEY").ok().filter(|k| !k.is_empty()))
    }
}

/// Every problem on its own line, each naming the flag, variable or
/// settings-file key as it was given.
fn bad_settings(e: splio_sms::Error) -> Failure {
    let mut message = match e.problems() {
        [] => format!("bad settings: {}", describe(&e)),
        [one] => format!("bad settings: {}: {}", one.path, one.message),
        many => format!("bad settings: {} problems", many.len()),
    };
    if e.problems().len() > 1 {
        for p in e.problems() {
            message.push_str(&format!("\n  {}: {}", p.path, p.message));
        }
    }
    Failure {
        code: exit_code(e.kind()),
        message,
    }
}

fn read_config(path: &std::path::Path) -> Result<Map<String, Value>, Failure> {
    let shown = path.display();
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::usage(format!("cannot read the settings file {shown}: {e}")))?;
    match serde_json::from_str(&text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Failure::usage(format!("{shown} must hold one JSON object"))),
        Err(e) => Err(Failure::usage(format!("{shown} is not valid JSON: {e}"))),
    }
}
