//! The core's modules import only downward, so that a newcomer finds each
//! behaviour in one place and a rule cannot quietly call back into a layer
//! above it. The order is the README's layout section.

use std::path::Path;

/// Lowest first: a module may use only the ones before it.
const LAYERS: &[&str] = &[
    "redact",
    "error",
    "cancel",
    "phone",
    "settings",
    "recipient",
    "request",
    "validation",
    "preview",
    "wire",
    "transport",
    "answer",
    "logs",
    "sender",
    "batch",
    "client",
];

/// The faces sit on top and may use anything.
const FACES: &[&str] = &["ffi", "python", "sandbox", "bench_support"];

fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every `crate::name` a file refers to.
fn uses(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (at, _) in text.match_indices("crate::") {
        let rest = &text[at + "crate::".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if let Some(group) = rest.strip_prefix('{') {
            // `use crate::{a, b::c}`
            let inner = group.split('}').next().unwrap_or("");
            for part in inner.split(',') {
                found.push(part.trim().split("::").next().unwrap_or("").to_owned());
            }
        } else {
            found.push(name);
        }
    }
    found
}

#[test]
fn no_core_module_imports_one_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut wrong = Vec::new();
    let mut checked = 0;
    for file in files {
        let relative = file.strip_prefix(&src).unwrap();
        let top = relative
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_owned();
        if top == "lib" || top == "bin" || FACES.contains(&top.as_str()) {
            continue;
        }
        let Some(rank) = LAYERS.iter().position(|l| *l == top) else {
            wrong.push(format!(
                "{}: module {top} is not in the layers table of tests/layers.rs",
                relative.display()
            ));
            continue;
        };
        checked += 1;
        let text = std::fs::read_to_string(&file).unwrap();
        // A file's unit tests may use anything; comments are not imports.
        let code: String = text
            .split("#[cfg(test)]")
            .next()
            .unwrap_or("")
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        for name in uses(&code) {
            match LAYERS.iter().position(|l| *l == name) {
                Some(r) if r > rank => wrong.push(format!(
                    "{}: {top} uses crate::{name}, a layer above it",
                    relative.display()
                )),
                None if FACES.contains(&name.as_str()) => wrong.push(format!(
                    "{}: {top} uses the face crate::{name}",
                    relative.display()
                )),
                _ => {}
            }
        }
    }
    assert!(checked >= LAYERS.len(), "only {checked} core files found");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_import_scanner_sees_grouped_and_path_uses() {
    let text = "use crate::{client::Client, error::Error};\nlet x = crate::batch::run();";
    assert_eq!(uses(text), ["client", "error", "batch"]);
}
