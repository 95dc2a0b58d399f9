//! The one table of settings, as the other faces and the conformance suite
//! read it: `tests/conformance/settings.json` is generated from the core and
//! kept current here (`SPLIO_UPDATE_SETTINGS=1 cargo test --test settings_table`
//! rewrites it), and the README names every setting.

use serde_json::{json, Value};
use splio_sms::settings::Kind;
use splio_sms::SETTINGS;

fn table() -> Value {
    Value::Array(
        SETTINGS
            .iter()
            .map(|s| {
                // The key is never a flag's value (it would land in shell
                // history): the command reads it from SPLIO_KEY or --key-file.
                let flag = (s.json != "key").then_some(s.flag);
                let mut entry = json!({
                    "json": s.json,
                    "python": s.python,
                    "flag": flag,
                    "env": s.env,
                    "kind": s.kind.name(),
                    "default": s.default,
                    "validation": s.validation,
                });
                match s.kind {
                    Kind::Choice(names) => entry["choices"] = json!(names),
                    Kind::Count { min, max } => entry["range"] = json!([min, max]),
                    Kind::Duration { max_ms } => entry["range"] = json!([1, max_ms]),
                    _ => {}
                }
                entry
            })
            .collect(),
    )
}

#[test]
fn the_checked_in_settings_table_is_the_cores() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/conformance/settings.json"
    );
    let fresh = serde_json::to_string_pretty(&table()).unwrap() + "\n";
    if std::env::var_os("SPLIO_UPDATE_SETTINGS").is_some() {
        std::fs::create_dir_all(std::path::Path::new(path).parent().unwrap()).unwrap();
        std::fs::write(path, &fresh).unwrap();
    }
    let kept = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        kept == fresh,
        "tests/conformance/settings.json is stale: run SPLIO_UPDATE_SETTINGS=1 cargo test --test settings_table"
    );
}

#[test]
fn every_setting_has_one_name_per_face_and_the_readme_names_it() {
    let readme = include_str!("../README.md");
    let mut seen = std::collections::HashSet::new();
    for s in SETTINGS {
        for (face, name) in [s.json, s.python, s.flag, s.env].into_iter().enumerate() {
            assert!(seen.insert((face, name)), "{name} names two settings");
        }
        assert!(
            s.flag.starts_with("--") && s.env.starts_with("SPLIO_"),
            "{}",
            s.json
        );
        assert!(
            readme.contains(&format!("`{}`", s.json)),
            "README lacks {}",
            s.json
        );
    }
}
