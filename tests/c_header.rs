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

const FFI_GENERATED: &str = include_str!(concat!(env!("OUT_DIR"), "/splio_sms_ffi.h"));
/// The PHP package carries its own copy: Composer installs bindings/php alone.
const FFI_CHECKED_IN: [&str; 2] = [
    concat!(env!("CARGO_MANIFEST_DIR"), "/include/splio_sms_ffi.h"),
    concat!(env!("CARGO_MANIFEST_DIR"), "/bindings/php/splio_sms_ffi.h"),
];

#[test]
fn checked_in_ffi_headers_are_current() {
    for path in FFI_CHECKED_IN {
        if std::env::var_os("SPLIO_UPDATE_HEADER").is_some() {
            std::fs::write(path, FFI_GENERATED).expect("the FFI header's place is writable");
        }
        let checked_in = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            checked_in == FFI_GENERATED,
            "{path} is stale: run `make header` and commit it"
        );
    }
}

/// PHP's FFI::cdef and LuaJIT's ffi.cdef have no preprocessor and no C++.
#[test]
fn ffi_header_is_plain_c_without_preprocessor_lines_or_extern_c() {
    for line in FFI_GENERATED.lines() {
        assert!(
            !line.trim_start().starts_with('#'),
            "preprocessor line: {line}"
        );
    }
    assert!(!FFI_GENERATED.contains("extern \"C\""));
    assert!(!FFI_GENERATED.contains("__cplusplus"));
}

/// Every function of the C header is declared in the FFI header, and no other.
#[test]
fn ffi_header_declares_the_same_functions_as_the_c_header() {
    let functions = |text: &str| {
        let code = without_comments(text);
        let mut pieces: Vec<&str> = code.split('(').collect();
        pieces.pop();
        let mut names: Vec<String> = pieces
            .iter()
            .filter_map(|before| {
                before
                    .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .next_back()
            })
            .filter(|name| name.starts_with("splio_"))
            .map(str::to_owned)
            .collect();
        names.sort();
        names.dedup();
        names
    };
    let declared = functions(FFI_GENERATED);
    assert!(declared.contains(&"splio_client_send".to_owned()));
    assert_eq!(declared, functions(GENERATED));
}

fn without_comments(text: &str) -> String {
    let mut code = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("/*") {
        code.push_str(&rest[..start]);
        rest = rest[start..]
            .split_once("*/")
            .map_or("", |(_, after)| after);
    }
    code.push_str(rest);
    code.lines()
        .map(|line| line.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}
