//! Builds the cross-script name-variant table into the binary, so that `entente screen`, the node
//! and the demo screen with it by default, from any working directory and with no separate step.
//!
//! The table is rigour's `person_names.txt` (OpenSanctions, MIT licence), which the repository
//! does not hold: `scripts/fetch-name-variants` takes it from PyPI by name and version through
//! pip, checks the archive's SHA-256 and puts it in `data/name-variants/`. This script runs that
//! fetch when the file is not there yet, then copies the table into `OUT_DIR`, where `screen.rs`
//! includes it. `ENTENTE_NAME_VARIANTS_FILE` names another copy of the table to build in (an
//! offline build with the file at hand); `ENTENTE_BUILD_WITHOUT_NAME_VARIANTS=1` builds without
//! one, and the binary then says at run time that it screens on spelling rules alone.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A build that cannot build the table in fails, saying why and what to do.
fn main() -> Result<(), String> {
    let var = |k: &str| std::env::var_os(k).ok_or(format!("cargo did not set {k}"));
    let root = PathBuf::from(var("CARGO_MANIFEST_DIR")?).join("../..");
    let out = PathBuf::from(var("OUT_DIR")?);
    let dest = out.join("person_names.txt");
    println!("cargo:rerun-if-env-changed=ENTENTE_NAME_VARIANTS_FILE");
    println!("cargo:rerun-if-env-changed=ENTENTE_BUILD_WITHOUT_NAME_VARIANTS");
    println!("cargo:rustc-check-cfg=cfg(entente_name_variants)");
    if std::env::var_os("ENTENTE_BUILD_WITHOUT_NAME_VARIANTS").is_some_and(|v| v == "1") {
        return Ok(());
    }
    let table = match std::env::var_os("ENTENTE_NAME_VARIANTS_FILE") {
        Some(p) => PathBuf::from(p),
        None => {
            let fetched = root.join("data/name-variants/person_names.txt");
            let script = root.join("scripts/fetch-name-variants");
            println!("cargo:rerun-if-changed={}", script.display());
            println!("cargo:rerun-if-changed={}", fetched.display());
            if !fetched.is_file() {
                fetch(&script);
            }
            fetched
        }
    };
    copy_if_changed(&table, &dest).map_err(|e| {
        format!(
            "the name-variant table {} could not be built in: {e}. Run scripts/fetch-name-variants \
             (pip and access to PyPI), set ENTENTE_NAME_VARIANTS_FILE to a copy of rigour's \
             person_names.txt, or ENTENTE_BUILD_WITHOUT_NAME_VARIANTS=1 to build without it",
            table.display()
        )
    })?;
    println!("cargo:rustc-cfg=entente_name_variants");
    Ok(())
}

/// Runs the pinned fetch (pip, checked by SHA-256); its failure is reported by the copy after.
fn fetch(script: &Path) {
    match Command::new("bash").arg(script).status() {
        Ok(s) if s.success() => {}
        Ok(s) => println!("cargo:warning=scripts/fetch-name-variants failed ({s})"),
        Err(e) => println!("cargo:warning=scripts/fetch-name-variants could not run: {e}"),
    }
}

/// Copies `from` to `to` unless `to` already holds the same bytes (so the crate is not rebuilt for
/// nothing).
fn copy_if_changed(from: &Path, to: &Path) -> std::io::Result<()> {
    let text = std::fs::read(from)?;
    if std::fs::read(to).ok().as_deref() != Some(&text[..]) {
        std::fs::write(to, &text)?;
    }
    Ok(())
}
