//! The checked-in C header is exactly what cbindgen generates from the code,
//! with the settings reference written from the one settings table
//! (`splio_sms::SETTINGS`) after its opening comment, so a C programmer reads
//! every setting in the installed header and it can never drift from the
//! table. Refresh it with `make header` (SPLIO_UPDATE_HEADER=1 runs this test
//! in write mode).
#![cfg(feature = "capi")]

use splio_sms::settings::Kind;
use splio_sms::SETTINGS;

const GENERATED: &str = include_str!(concat!(env!("OUT_DIR"), "/splio_sms.h"));
const CHECKED_IN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/include/splio_sms.h");

/// The settings reference as a C comment, one entry per setting of the table.
fn settings_reference() -> String {
    let intro = [
        "Settings: the JSON object splio_client_new() takes, e.g.",
        "{\"universe\": \"my_universe\", \"key\": \"my_api_key\", \"timeout_ms\": 5000}.",
        "Those marked [validation] change what validation accepts: they are",
        "also what splio_validate_with() and splio_preview()'s \"settings\" take.",
        "An unknown name or a bad value is SPLIO_ERR_INVALID_ARGUMENT; null",
        "leaves a setting at its default. (From the table in src/settings/schema.rs.)",
    ];
    let mut out = String::from("\n/*\n");
    for line in intro {
        out += &format!(" * {line}\n");
    }
    for s in SETTINGS {
        let default = s.default.map(|d| match s.kind {
            Kind::Text | Kind::Choice(_) => format!("\"{d}\""),
            _ => d.to_owned(),
        });
        let kind = match s.kind {
            Kind::Required => "string, required".to_owned(),
            Kind::Text => "string".to_owned(),
            Kind::OptionalText => "string, optional".to_owned(),
            Kind::OptionalPath => "string (a file path), optional".to_owned(),
            Kind::Bool => "true or false".to_owned(),
            Kind::Count { min, max } => format!("integer {min} to {max}"),
            Kind::Duration { max_ms } => format!("milliseconds, 1 to {max_ms}"),
            Kind::Choice(names) => names
                .iter()
                .map(|n| format!("\"{n}\""))
                .collect::<Vec<_>>()
                .join(" | "),
            _ => "see the README".to_owned(),
        };
        let default = default.map_or(String::new(), |d| format!(", default {d}"));
        let mark = if s.validation { " [validation]" } else { "" };
        out += &format!(" *\n *  {}: {kind}{default}{mark}\n", s.json);
        // A "*/" in a doc line would end the comment early.
        for line in wrap(&s.doc.replace("*/", "* /"), 68) {
            out += &format!(" *      {line}\n");
        }
    }
    out + " */\n"
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let line = lines.last_mut().unwrap();
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(word.to_owned());
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines
}

/// cbindgen's header with the settings reference after its opening comment.
fn expected_header() -> String {
    let end = GENERATED
        .find(" */\n")
        .expect("the header opens with a comment")
        + 4;
    format!(
        "{}{}{}",
        &GENERATED[..end],
        settings_reference(),
        &GENERATED[end..]
    )
}

#[test]
fn checked_in_c_header_is_current() {
    let expected = expected_header();
    if std::env::var_os("SPLIO_UPDATE_HEADER").is_some() {
        std::fs::write(CHECKED_IN, &expected).expect("include/splio_sms.h is writable");
    }
    let checked_in = std::fs::read_to_string(CHECKED_IN).unwrap_or_default();
    assert!(
        checked_in == expected,
        "include/splio_sms.h is stale: run `make header` and commit it"
    );
}

#[test]
fn the_header_lists_every_setting_of_the_table_with_its_help() {
    let header = expected_header();
    for s in SETTINGS {
        assert!(
            header.contains(&format!(" *  {}: ", s.json)),
            "{} is missing from the header's settings reference",
            s.json
        );
        let first_words: String = s
            .doc
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            header.contains(&first_words),
            "{}'s help is missing",
            s.json
        );
    }
}

/// Every `# Safety` note speaks only of its own function's parameters (a
/// note naming an argument the function does not take misleads the caller).
#[test]
fn every_safety_note_names_only_its_functions_parameters() {
    let mut checked = 0;
    for block in GENERATED.split("/**").skip(1) {
        let Some((doc, decl)) = block.split_once("*/") else {
            continue;
        };
        let Some(safety) = doc.split("# Safety").nth(1) else {
            continue;
        };
        let decl = &decl[..decl.find(';').unwrap_or(decl.len())];
        let Some(open) = decl.find('(') else { continue };
        let params: Vec<&str> = decl[open + 1..decl.rfind(')').unwrap()]
            .split(',')
            .filter_map(|p| {
                p.split(|c: char| !c.is_alphanumeric() && c != '_')
                    .rfind(|w| !w.is_empty())
            })
            .collect();
        let name = decl[..open]
            .split_whitespace()
            .last()
            .unwrap()
            .trim_start_matches('*');
        for quoted in safety.split('`').skip(1).step_by(2) {
            // Function names and `out_*` (every out_ parameter) are not arguments.
            let named = if let Some(prefix) = quoted.strip_suffix('*') {
                params.iter().any(|p| p.starts_with(prefix))
            } else {
                quoted.starts_with("splio_") || params.contains(&quoted)
            };
            assert!(named, "{name}'s # Safety note names `{quoted}`, which is not one of its parameters {params:?}");
        }
        checked += 1;
    }
    assert!(
        checked >= 10,
        "only {checked} # Safety notes found in the header"
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
