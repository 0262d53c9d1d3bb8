//! The command line: mistakes are refused with messages that say what to do.

use crate::helpers::*;

#[test]
fn a_bad_charter_is_refused_with_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    let charter = tmp.path().join("bad.toml");
    std::fs::write(
        &charter,
        SCO.replacen("tier = \"observer\"", "tier = \"spectator\"", 1),
    )
    .unwrap();
    let (ok, _, err) = run(&[
        "init",
        "--dir",
        tmp.path().join("n").to_str().unwrap(),
        "--charter",
        charter.to_str().unwrap(),
        "--state",
        "KZ",
    ]);
    assert!(!ok);
    assert!(
        err.contains("charter line 57") && err.contains("`spectator` is not a tier"),
        "{err}"
    );
}

#[test]
fn plain_http_only_on_loopback_and_unknown_settings_refused() {
    let node = TestNode::init(SCO, "KZ");
    let (ok, _, err) = run(&[
        "serve",
        "--dir",
        node.dir_str(),
        "--listen",
        "0.0.0.0:0",
        "--plain-http",
    ]);
    assert!(!ok);
    assert!(
        err.contains("--plain-http is allowed only on a loopback address"),
        "{err}"
    );
    let out = std::process::Command::new(bin())
        .args(["serve", "--dir", node.dir_str()])
        .env("ENTENTE_COLOUR", "red")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("ENTENTE_COLOUR is not a configuration setting"));
    let (ok, _, err) = run(&[
        "user",
        "add",
        "--dir",
        node.dir_str(),
        "bad name",
        "--role",
        "analyst",
    ]);
    assert!(!ok && err.contains("not a user name"), "{err}");
    let (ok, _, err) = run(&["peer", "add", "--dir", node.dir_str(), "--state", "US"]);
    assert!(!ok && err.contains("not a party of the charter"), "{err}");
    let (ok, _, err) = run(&[
        "init",
        "--dir",
        node.dir_str(),
        "--charter",
        "/nonexistent",
        "--state",
        "KZ",
    ]);
    assert!(!ok && err.contains("/nonexistent"), "{err}");
    assert!(exists(&node.dir.join("tls/ca.pem")));
}
