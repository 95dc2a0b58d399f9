//! The checked-in C header is exactly what cbindgen generates from the code.
//! Refresh it with `make header` (SPLIO_UPDATE_HEADER=1 runs this test in write mode).
#![cfg(feature = "capi")]

const GENERATED: &str = include_str!(concat!(env!("OUT_DIR"), "/splio_sms.h"));
const CHECKED_IN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/include/splio_sms.h");

#[test]
fn checked_in_c_header_is_current() {
    if std::env::var_os("SPLIO_UPDATE_HEADER").is_some() {
        std::fs::write(CHECKED_IN, GENERATED).expect("include/splio_sms.h is writable");
    }
    let checked_in = std::fs::read_to_string(CHECKED_IN).unwrap_or_default();
    assert!(
        checked_in == GENERATED,
        "include/splio_sms.h is stale: run `make header` and commit it"
    );
}

#[test]
fn header_version_macros_match_the_crate_version() {
    let version = env!("CARGO_PKG_VERSION");
    let mut parts = version.split('.');
    for name in ["MAJOR", "MINOR", "PATCH"] {
        let line = format!("#define SPLIO_VERSION_{name} {}", parts.next().unwrap());
        assert!(GENERATED.contains(&line), "missing {line}");
    }
    assert!(GENERATED.contains(&format!("#define SPLIO_VERSION \"{version}\"")));
}
