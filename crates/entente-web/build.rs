//! Builds the country outlines the map page draws into the binary, so that the map needs no
//! separate step and no file at run time.
//!
//! The outlines are `countries-50m.json` of the npm package `world-atlas` 2.0.2 (TopoJSON of
//! Natural Earth's public-domain 1:50m countries), which the repository does not hold:
//! `scripts/fetch-world-atlas` takes it from the npm registry by name and version and checks the
//! archive's SHA-256. This script runs that fetch when the file is not there yet, then copies it
//! into `OUT_DIR`, where `map.rs` includes it. `ENTENTE_WORLD_ATLAS_FILE` names another copy to
//! build in (an offline build). Without npm the build goes on without outlines, saying so in a
//! warning: the map then draws assets and places on a plain graticule and says that the outlines
//! are missing (a test of the UI fails on such a binary, so a check never passes without them).

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() -> Result<(), String> {
    let var = |k: &str| std::env::var_os(k).ok_or(format!("cargo did not set {k}"));
    let root = PathBuf::from(var("CARGO_MANIFEST_DIR")?).join("../..");
    let out = PathBuf::from(var("OUT_DIR")?);
    println!("cargo:rerun-if-env-changed=ENTENTE_WORLD_ATLAS_FILE");
    println!("cargo:rustc-check-cfg=cfg(entente_world_atlas)");
    let file = match std::env::var_os("ENTENTE_WORLD_ATLAS_FILE") {
        Some(p) => PathBuf::from(p),
        None => {
            let fetched = root.join("data/world-atlas/countries-50m.json");
            let script = root.join("scripts/fetch-world-atlas");
            println!("cargo:rerun-if-changed={}", script.display());
            println!("cargo:rerun-if-changed={}", fetched.display());
            if !fetched.is_file() {
                fetch(&script);
            }
            fetched
        }
    };
    match copy_if_changed(&file, &out.join("countries-50m.json")) {
        Ok(()) => println!("cargo:rustc-cfg=entente_world_atlas"),
        Err(e) => println!(
            "cargo:warning=the map's country outlines ({}) could not be built in: {e}; run \
             scripts/fetch-world-atlas (npm) or set ENTENTE_WORLD_ATLAS_FILE",
            file.display()
        ),
    }
    Ok(())
}

/// Runs the pinned fetch (npm, checked by SHA-256); its failure is reported by the copy after.
fn fetch(script: &Path) {
    match Command::new("bash").arg(script).status() {
        Ok(s) if s.success() => {}
        Ok(s) => println!("cargo:warning=scripts/fetch-world-atlas failed ({s})"),
        Err(e) => println!("cargo:warning=scripts/fetch-world-atlas could not run: {e}"),
    }
}

/// Copies `from` to `to` unless `to` already holds the same bytes.
fn copy_if_changed(from: &Path, to: &Path) -> std::io::Result<()> {
    let bytes = std::fs::read(from)?;
    if std::fs::read(to).ok().as_deref() != Some(&bytes[..]) {
        std::fs::write(to, &bytes)?;
    }
    Ok(())
}
