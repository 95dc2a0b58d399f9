//! Generates the C header from `src/ffi/` with cbindgen (feature `capi`).
//!
//! The header is written to `OUT_DIR` only, so a packaged crate never writes
//! into its own sources. `make header` writes it to `include/splio_sms.h`
//! with the settings reference (tests/c_header.rs renders it from the
//! settings table, which a build script cannot link), and that test fails
//! when the checked-in copy is stale. So is `include/splio_sms_ffi.h`, the
//! same declarations as plain C for FFIs.
//! Without `capi` there is no C ABI, so nothing to generate and no cbindgen
//! to build.

fn main() {
    // Without this line a build without `capi` would rerun on any change.
    println!("cargo:rerun-if-changed=build.rs");
    #[cfg(feature = "capi")]
    {
        soname();
        header::generate();
    }
}

/// A SONAME lets programs record `libsplio_sms.so.0` rather than the bare
/// development name, so `make install` can ship versioned files and
/// symlinks as distributions do. Only the C library gets one: the Python
/// module (built without `capi`) is loaded by path, never by SONAME.
#[cfg(feature = "capi")]
fn soname() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if matches!(
        os.as_str(),
        "linux" | "android" | "freebsd" | "netbsd" | "openbsd" | "dragonfly"
    ) {
        let major = std::env::var("CARGO_PKG_VERSION_MAJOR").expect("cargo sets the version parts");
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libsplio_sms.so.{major}");
    }
}

#[cfg(feature = "capi")]
mod header {
    use std::env;
    use std::path::PathBuf;

    pub fn generate() {
        println!("cargo:rerun-if-changed=src/ffi");
        println!("cargo:rerun-if-changed=cbindgen.toml");
        let dir =
            PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
        let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));

        let mut config = cbindgen::Config::from_file(dir.join("cbindgen.toml"))
            .expect("cbindgen.toml is readable");
        let version = env::var("CARGO_PKG_VERSION").expect("cargo sets CARGO_PKG_VERSION");
        let part = |name: &str| env::var(name).expect("cargo sets the version parts");
        config.after_includes = Some(format!(
            "\n/* The version of this header; splio_version() gives the library's. */\n\
             #define SPLIO_VERSION \"{version}\"\n\
             #define SPLIO_VERSION_MAJOR {}\n\
             #define SPLIO_VERSION_MINOR {}\n\
             #define SPLIO_VERSION_PATCH {}",
            part("CARGO_PKG_VERSION_MAJOR"),
            part("CARGO_PKG_VERSION_MINOR"),
            part("CARGO_PKG_VERSION_PATCH"),
        ));
        let ffi = ffi_config(config.clone());
        for (config, name) in [(config, "splio_sms.h"), (ffi, "splio_sms_ffi.h")] {
            match cbindgen::Builder::new()
                .with_crate(&dir)
                .with_config(config)
                .generate()
            {
                Ok(bindings) => {
                    bindings.write_to_file(out.join(name));
                }
                Err(e) => panic!("cbindgen could not generate {name}: {e}"),
            }
        }
    }

    /// The same declarations for PHP's `FFI::cdef` and LuaJIT's `ffi.cdef`,
    /// whose parsers take plain C only: no preprocessor line, no `extern "C"`.
    /// Without comments, as they are parsed again at every `FFI::cdef`.
    fn ffi_config(mut config: cbindgen::Config) -> cbindgen::Config {
        config.header = Some(
            "/* splio-sms: the declarations of splio_sms.h (documented there) as plain C,\n   \
             for PHP's FFI::cdef, LuaJIT's ffi.cdef and the like. */"
                .to_owned(),
        );
        config.include_guard = None;
        config.pragma_once = false;
        config.cpp_compat = false;
        config.sys_includes.clear();
        config.includes.clear();
        config.after_includes = None;
        config.trailer = None;
        config.documentation = false;
        config
    }
}
