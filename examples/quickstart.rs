//! The main job, end to end: start the built-in sandbox, send one SMS design
//! to two recipients with custom fields, print the result and what the
//! sandbox received.
//!
//! Run with `cargo run --example quickstart`.

use splio_sms::sandbox::{Sandbox, SandboxConfig};
use splio_sms::{Client, Recipient, SendRequest};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // A local stand-in for Splio, on a free loopback port.
    let sandbox = Sandbox::start(SandboxConfig::default().account("my_universe", "my_api_key"))?;
    println!("sandbox listening at {}", sandbox.base_url());

    // Against the real service, leave out base_url (region "eu" is the default).
    let client = Client::builder("my_universe", "my_api_key")
        .base_url(sandbox.base_url())
        .build()?;

    let request = SendRequest::new("AbCdEf123")
        .recipient(
            Recipient::new("+33 6 12 34 56 78")
                .field("firstname", "John")
                .field("lastname", "Doe")
                .field("c0", "123456"),
        )
        .recipient(
            Recipient::new("+86 186 1234 5678")
                .field("firstname", "Jane")
                .field("lastname", "Doe")
                .field("c0", "123457"),
        )
        .category("welcome");

    match client.send(&request) {
        Ok(result) => {
            println!("sent: {}", result.to_json());
            println!(
                "  {} of {} numbers valid, {} SMS queued, campaign {}",
                show(result.done),
                show(result.todo),
                show(result.inserted),
                result.campaign_id.as_deref().unwrap_or("?")
            );
        }
        Err(e) => {
            eprintln!("not sent: {e} (delivery: {})", e.delivery());
            std::process::exit(1);
        }
    }

    for m in sandbox.messages() {
        println!(
            "sandbox received: design {} for universe {} via {} with {} recipients:",
            m.message,
            m.universe,
            m.method,
            m.rcpts.len()
        );
        for r in &m.rcpts {
            println!("  {r}");
        }
    }
    Ok(())
}

fn show(n: Option<u64>) -> String {
    n.map_or_else(|| "?".to_owned(), |n| n.to_string())
}
