//! `entente demo`: one command, no arguments. A temporary node of the demo organization (KZ in
//! the SCO charter), with an analyst, demo data from the seed reports, served over HTTPS on
//! loopback, and the URL, user and password printed with examples to try.

use crate::nodedir::NodeDir;
use crate::users::add_user;
use anyhow::Result;
use entente_core::{Charter, PartyCode, Role};
use entente_stix::NodeSigner;

pub const DEMO_CHARTER: &str = include_str!("../../../examples/sco.toml");

pub async fn run(listen: Option<String>) -> Result<()> {
    let tmp = tempfile::Builder::new().prefix("entente-demo-").tempdir()?;
    let dir = tmp.path().join("kz-node");
    // The CN node of the demo is only a key: it signs one report, as federation would bring it.
    let cn = NodeSigner::generate(PartyCode::parse("CN")?);
    let charter_text =
        format!("{DEMO_CHARTER}\n# Demo: the CN node's key, so the CN report verifies.\n");
    let charter_text = with_key(&charter_text, "CN", &cn)?;
    let nd = NodeDir::init(&dir, &charter_text, "KZ", &[]).await?;
    let node = nd.node().await?;
    let analyst = add_user(&node, "analyst", Role::Analyst).await?;
    let supervisor = add_user(&node, "supervisor", Role::Supervisor).await?;
    crate::seed::demo_objects(&node, &cn).await?;
    crate::seed::demo_register(&node).await?;
    let listen = match listen {
        Some(l) => l,
        None if std::net::TcpListener::bind("127.0.0.1:8443").is_ok() => "127.0.0.1:8443".into(),
        None => "127.0.0.1:0".into(),
    };
    let cert = nd.dir.join(crate::tls::CA_FILE);
    crate::serve::serve(&nd, node, &listen, false, |l| {
        let url = &l.url;
        let collection = format!("{url}api/collections/{}/objects/", entente_server::node::COLLECTION_ID);
        println!("Entente demo: a node of Kazakhstan (KZ) in the SCO charter, with demo data.");
        println!();
        println!("  TAXII 2.1 discovery  {url}");
        println!("  user                 analyst  (role analyst)");
        println!("  password             {}", analyst.password);
        println!("  API token            {}", analyst.token);
        println!("  supervisor           supervisor / {}", supervisor.password);
        println!("  TLS CA certificate   {}", cert.display());
        println!("  node directory       {}  (removed when the demo stops)", nd.dir.display());
        println!();
        println!("Try:");
        println!("  curl --cacert {} -u analyst:{} \\", cert.display(), analyst.password);
        println!("       -H 'Accept: application/taxii+json;version=2.1' '{collection}'");
        println!();
        let base = url.trim_end_matches("/taxii2/");
        println!("  curl --cacert {} -H 'Authorization: Bearer {}' -H 'Content-Type: application/json' \\", cert.display(), analyst.token);
        println!("       -d '{{\"name\": \"Сейткали Арман\"}}' '{base}/api/v1/screen'     # screening (3 demo register entries)");
        println!();
        println!("  python3 -c \"from taxii2client.v21 import Server; s = Server('{url}', user='analyst', password='{}', verify='{}'); print([c.title for c in s.default.collections])\"", analyst.password, cert.display());
        println!();
        println!("Press Ctrl-C to stop.");
    })
    .await?;
    drop(tmp);
    Ok(())
}

/// Returns the charter text with `key = ...` set for `code`'s entry.
fn with_key(text: &str, code: &str, signer: &NodeSigner) -> Result<String> {
    let line = format!("code = \"{code}\"");
    let key = entente_core::CharterKey::encode(signer.verifying_key().as_bytes());
    let out = text.replacen(&line, &format!("{line}\nkey = \"{key}\""), 1);
    Charter::parse(&out)?;
    Ok(out)
}
