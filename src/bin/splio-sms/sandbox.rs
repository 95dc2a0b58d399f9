//! `sandbox`: the library's sandbox as a foreground server for other
//! languages' tests (the C suite, the benchmarks). Prints its base URL on the
//! first line of stdout, then serves until Ctrl-C, SIGTERM or, with
//! `--until-stdin-closes`, the end of standard input.

use std::io::Write;
use std::sync::mpsc::Sender;
use std::time::Duration;

use splio_sms::sandbox::{Sandbox, SandboxConfig};

use crate::args::SandboxArgs;
use crate::{Failure, OK};

pub fn run(a: SandboxArgs) -> Result<u8, Failure> {
    let mut config = SandboxConfig::default()
        .account(a.universe.clone(), a.key)
        .port(a.port)
        .latency(Duration::from_millis(a.latency_ms))
        .fail_rate(a.fail_rate);
    for (universe, key) in a.accounts {
        config = config.account(universe, key);
    }
    for d in a.designs {
        config = match d.split_once('=') {
            Some((id, text)) => config.design_text(id, text),
            None => config.design(d),
        };
    }
    if let Some(credit) = a.credit {
        config = config.credit(credit);
    }
    if let Some(path) = a.record {
        config = config.record(path);
    }
    let (stop_tx, stop_rx) = std::sync::mpsc::channel();
    if a.until_stdin_closes {
        stop_at_end_of_stdin(stop_tx.clone());
    }
    ctrlc::set_handler(move || {
        let _ = stop_tx.send(());
    })
    .map_err(|e| Failure::usage(format!("cannot handle Ctrl-C: {e}")))?;
    let sandbox = Sandbox::start(config)
        .map_err(|e| Failure::usage(format!("cannot start the sandbox: {e}")))?;
    crate::output::out(sandbox.base_url());
    let _ = std::io::stdout().flush();
    let _ = writeln!(
        std::io::stderr(),
        "splio-sms sandbox: universe {:?}, control endpoints under http://{}/_sandbox/; Ctrl-C stops it",
        a.universe,
        sandbox.addr()
    );
    let _ = stop_rx.recv();
    let stats = sandbox.stats();
    sandbox.stop();
    let _ = writeln!(
        std::io::stderr(),
        "splio-sms sandbox: stopped after {} requests, {} accepted",
        stats.hits,
        stats.accepted
    );
    Ok(OK)
}

/// A harness that holds our stdin open closes it by exiting, however it
/// exits, even when killed before it could stop us itself.
fn stop_at_end_of_stdin(stop: Sender<()>) {
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut std::io::stdin().lock(), &mut std::io::sink());
        let _ = stop.send(());
    });
}
