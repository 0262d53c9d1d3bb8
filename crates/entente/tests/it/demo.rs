//! `entente demo`: one command starts a node over HTTPS with demo data and prints how to reach
//! it; what it prints works, and stopping it removes its temporary directory.

use crate::helpers::*;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[tokio::test]
async fn the_demo_serves_its_data_over_https_as_printed() {
    let mut child = Command::new(bin())
        .args(["demo", "--listen", "127.0.0.1:0"])
        .env("ENTENTE_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = String::new();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    while !out.contains("Press Ctrl-C") {
        let mut line = String::new();
        assert!(
            reader.read_line(&mut line).unwrap() > 0,
            "demo stopped early: {out}"
        );
        out.push_str(&line);
    }
    let value = |label: &str| {
        out.lines()
            .find_map(|l| l.trim_start().strip_prefix(label))
            .unwrap_or_else(|| panic!("no {label} in {out}"))
            .split_whitespace()
            .next()
            .unwrap()
            .to_owned()
    };
    let (url, password, ca, dir) = (
        value("TAXII 2.1 discovery"),
        value("password"),
        value("TLS CA certificate"),
        value("node directory"),
    );
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    let cert = reqwest::Certificate::from_pem(&std::fs::read(&ca).unwrap()).unwrap();
    let http = reqwest::Client::builder()
        .add_root_certificate(cert)
        .build()
        .unwrap();
    let env: Value = http
        .get(format!("{url}api/collections/{COLLECTION}/objects/"))
        .basic_auth("analyst", Some(&password))
        .header("Accept", TAXII)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = env["objects"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o["name"].as_str())
        .collect();
    assert!(
        names.contains(&"Islamic Movement of Uzbekistan"),
        "{names:?}"
    );
    assert!(
        names.contains(&"Lanting Forum: from joint warnings to joint law enforcement"),
        "{names:?}"
    );
    // The analyst is named in the RED note's audience, so sees it.
    assert!(env["objects"]
        .as_array()
        .unwrap()
        .iter()
        .any(|o| o["type"] == "note"));

    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    child.wait().unwrap();
    assert!(
        !std::path::Path::new(&dir).exists(),
        "the demo left {dir} behind"
    );
}
