//! Running the `splio-sms` command against a sandbox, with files made for the test.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use splio_sms::sandbox::Sandbox;

use super::{KEY, UNIVERSE};

pub const BIN: &str = env!("CARGO_BIN_EXE_splio-sms");

/// The command aimed at `sandbox`, with credentials and nothing else from the environment.
pub fn cmd(sandbox: &Sandbox) -> Command {
    let mut c = Command::new(BIN);
    c.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("SPLIO_UNIVERSE", UNIVERSE)
        .env("SPLIO_KEY", KEY)
        .env("SPLIO_BASE_URL", sandbox.base_url())
        .stdin(Stdio::null());
    c
}

/// Exit code, stdout and stderr; a panic reaching the user fails the test.
pub fn run(c: &mut Command) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = c.output().expect("the binary runs");
    let (out, err) = (
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    );
    assert!(!err.contains("panicked"), "a panic reached the user: {err}");
    (status.code().unwrap_or(-1), out, err)
}

/// A directory of its own for one test, removed at the end.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("splio-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
    pub fn file(&self, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, content).unwrap();
        p
    }
    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
