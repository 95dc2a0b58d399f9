//! Runs the sandbox as a foreground server for other languages' tests:
//! prints its base URL on the first line of stdout, then serves until killed
//! or until stdin closes (so a test harness that dies takes it along).
//!
//! `cargo run --example sandbox -- [--port N] [--credit N] [--latency-ms N] [--design ID]...`

use std::io::{BufRead, Write};
use std::time::Duration;

use splio_sms::sandbox::{Sandbox, SandboxConfig};

fn main() {
    let mut config = SandboxConfig::default();
    let mut args = std::env::args().skip(1);
    let mut watch_stdin = false;
    while let Some(flag) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .unwrap_or_else(|| fail(&format!("{name} needs a value")))
        };
        match flag.as_str() {
            "--port" => config = config.port(number(&value("--port"))),
            "--credit" => config = config.credit(number(&value("--credit"))),
            "--latency-ms" => {
                config = config.latency(Duration::from_millis(number(&value("--latency-ms"))))
            }
            "--design" => config = config.design(value("--design")),
            "--account" => {
                let v = value("--account");
                let (u, k) = v
                    .split_once(':')
                    .unwrap_or_else(|| fail("--account takes UNIVERSE:KEY"));
                config = config.account(u, k);
            }
            "--watch-stdin" => watch_stdin = true,
            other => fail(&format!("unknown option {other}")),
        }
    }
    let sandbox = Sandbox::start(config).unwrap_or_else(|e| fail(&format!("cannot start: {e}")));
    println!("{}", sandbox.base_url());
    let _ = std::io::stdout().flush();
    if watch_stdin {
        for _ in std::io::stdin().lock().lines() {}
    } else {
        loop {
            std::thread::park();
        }
    }
}

fn number<T: std::str::FromStr>(s: &str) -> T {
    s.parse()
        .unwrap_or_else(|_| fail(&format!("{s} is not a number")))
}

fn fail(message: &str) -> ! {
    eprintln!("sandbox: {message}");
    std::process::exit(2)
}
