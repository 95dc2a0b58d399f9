//! `sandbox`: the library's sandbox as a foreground server for other
//! languages' tests. Prints its base URL on the first line of stdout.

use std::io::Write;
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
    for d in a.designs {
        config = config.design(d);
    }
    if let Some(credit) = a.credit {
        config = config.credit(credit);
    }
    if let Some(path) = a.record {
        config = config.record(path);
    }
    let (stop_tx, stop_rx) = std::sync::mpsc::channel();
    ctrlc::set_handler(move || {
        let _ = stop_tx.send(());
    })
    .map_err(|e| Failure::usage(format!("cannot handle Ctrl-C: {e}")))?;
    let sandbox = Sandbox::start(config)
        .map_err(|e| Failure::usage(format!("cannot start the sandbox: {e}")))?;
    println!("{}", sandbox.base_url());
    let _ = std::io::stdout().flush();
    eprintln!(
        "splio-sms sandbox: universe {:?}, control endpoints under http://{}/_sandbox/; Ctrl-C stops it",
        a.universe,
        sandbox.addr()
    );
    let _ = stop_rx.recv();
    let stats = sandbox.stats();
    sandbox.stop();
    eprintln!(
        "splio-sms sandbox: stopped after {} requests, {} accepted",
        stats.hits, stats.accepted
    );
    Ok(OK)
}
