//! Every function of the C ABI goes through `c_boundary!` (src/ffi/boundary.rs),
//! so none can let a panic into C or get the out-parameters wrong: this reads
//! the sources under src/ffi and fails on an `extern "C" fn` written by hand.

use std::path::{Path, PathBuf};

use syn::{FnArg, ImplItem, Item, Pat, ReturnType, Signature, Stmt, Type};

const MACRO: &str = "c_boundary";

/// One exported function as found in the source: its name and what is wrong with it.
struct Found {
    name: String,
    problems: Vec<String>,
}

fn rust_files(dir: &Path, into: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ffi is readable") {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, into);
        } else if path.extension().is_some_and(|e| e == "rs") {
            into.push(path);
        }
    }
}

fn scan(source: &str) -> Vec<Found> {
    let file = syn::parse_file(source).expect("the source parses");
    let mut found = Vec::new();
    scan_items(&file.items, &mut found);
    found
}

fn scan_items(items: &[Item], found: &mut Vec<Found>) {
    for item in items {
        match item {
            Item::Fn(f) => check(&f.attrs, &f.sig, &f.block.stmts, found),
            Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    scan_items(inner, found);
                }
            }
            Item::Impl(i) => {
                for item in &i.items {
                    if let ImplItem::Fn(f) = item {
                        check(&f.attrs, &f.sig, &f.block.stmts, found);
                    }
                }
            }
            _ => {}
        }
    }
}

fn is_exported(attrs: &[syn::Attribute], sig: &Signature) -> bool {
    let extern_c = sig
        .abi
        .as_ref()
        .is_some_and(|abi| abi.name.as_ref().is_none_or(|n| n.value() == "C"));
    let no_mangle = attrs.iter().any(|a| {
        a.path().is_ident("no_mangle")
            || (a.path().is_ident("unsafe")
                && a.meta
                    .require_list()
                    .is_ok_and(|l| l.tokens.to_string().contains("no_mangle")))
    });
    extern_c || no_mangle
}

fn check(attrs: &[syn::Attribute], sig: &Signature, body: &[Stmt], found: &mut Vec<Found>) {
    if !is_exported(attrs, sig) {
        return;
    }
    let name = sig.ident.to_string();
    let mut problems = Vec::new();
    let mac = match body {
        [Stmt::Macro(m)] => Some(&m.mac),
        [Stmt::Expr(syn::Expr::Macro(m), None)] => Some(&m.mac),
        _ => None,
    }
    .filter(|mac| mac.path.is_ident(MACRO));
    let Some(mac) = mac else {
        problems.push(format!("{name}: its body is not one {MACRO}!(..) call"));
        found.push(Found { name, problems });
        return;
    };
    // The macro's arguments before its body: `out_json`, `out_x`, or `if_panic: value`.
    let mut args = vec![String::new()];
    for token in mac.tokens.clone() {
        match token.to_string().as_str() {
            "," => args.push(String::new()),
            t => args.last_mut().unwrap().push_str(t),
        }
    }
    args.pop();
    let params: Vec<String> = sig
        .inputs
        .iter()
        .filter_map(|arg| match arg {
            FnArg::Typed(t) => match &*t.pat {
                Pat::Ident(i) => Some(i.ident.to_string()),
                _ => None,
            },
            FnArg::Receiver(_) => None,
        })
        .collect();
    for out in params.iter().filter(|p| p.starts_with("out_")) {
        if !args.contains(out) {
            problems.push(format!("{name}: {out} is not given to {MACRO}!"));
        }
    }
    let returns_status = matches!(&sig.output, ReturnType::Type(_, ty)
        if matches!(&**ty, Type::Path(p) if p.path.is_ident("splio_status")));
    if returns_status && args.first().map(String::as_str) != Some("out_json") {
        problems.push(format!(
            "{name}: returns splio_status, so {MACRO}! must write its out_json"
        ));
    }
    found.push(Found { name, problems });
}

#[test]
fn every_exported_function_runs_inside_c_boundary() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ffi");
    let mut files = Vec::new();
    rust_files(&dir, &mut files);
    let mut found = Vec::new();
    for file in files {
        found.extend(scan(&std::fs::read_to_string(&file).unwrap()));
    }
    let problems: Vec<&String> = found.iter().flat_map(|f| &f.problems).collect();
    assert!(problems.is_empty(), "{problems:#?}");
    let mut names: Vec<&str> = found.iter().map(|f| f.name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "splio_client_free",
            "splio_client_new",
            "splio_client_send",
            "splio_client_send_batch",
            "splio_client_send_batch_with",
            "splio_client_send_with",
            "splio_preview",
            "splio_set_log_callback",
            "splio_status_name",
            "splio_string_free",
            "splio_validate",
            "splio_validate_with",
            "splio_validate_with_options",
            "splio_version",
        ]
    );
}

#[test]
fn a_function_written_without_the_boundary_is_reported() {
    let source = r#"
        #[no_mangle]
        pub unsafe extern "C" fn by_hand(out_json: *mut *mut c_char) -> splio_status {
            splio_status::SPLIO_OK
        }
        #[no_mangle]
        pub unsafe extern "C" fn forgets_out_client(
            out_client: *mut *mut splio_client,
            out_json: *mut *mut c_char,
        ) -> splio_status {
            c_boundary!(out_json, { Ok((splio_status::SPLIO_OK, String::new())) })
        }
        #[no_mangle]
        pub extern "C" fn status_without_document() -> splio_status {
            c_boundary!(if_panic: splio_status::SPLIO_ERR_INTERNAL, { splio_status::SPLIO_OK })
        }
        mod inner {
            pub extern "C" fn more_after_the_boundary() {
                c_boundary!(if_panic: (), {});
                unreachable!()
            }
        }
        #[no_mangle]
        pub unsafe extern "C" fn well_made(
            out_client: *mut *mut splio_client,
            out_json: *mut *mut c_char,
        ) -> splio_status {
            c_boundary!(out_json, out_client, { todo!() })
        }
        fn not_exported() {}
    "#;
    let found = scan(source);
    let report = |name: &str| {
        found
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.problems.join("; "))
    };
    assert!(report("by_hand").unwrap().contains("not one c_boundary!"));
    assert!(report("forgets_out_client")
        .unwrap()
        .contains("out_client is not given"));
    assert!(report("status_without_document")
        .unwrap()
        .contains("must write its out_json"));
    assert!(report("more_after_the_boundary")
        .unwrap()
        .contains("not one c_boundary!"));
    assert_eq!(report("well_made").unwrap(), "");
    assert_eq!(report("not_exported"), None);
}
