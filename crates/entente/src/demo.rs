//! `entente demo`: one command, no arguments. A temporary node of the demo organization (KZ in
//! the SCO charter), with an analyst, demo data from the seed reports, served over HTTPS on
//! loopback, and the URL, user and password printed with examples to try.
//!
//! `entente demo --federation`: the secretariat's hub and the nodes of KZ, CN (members) and MN (an
//! observer) in one process, each on its own port over HTTPS with its own CA, peered hub and
//! spoke with the same `peer add` links an operator would make, each seeding its own demo data,
//! which then flows between them as the access policy allows.

use crate::nodedir::NodeDir;
use crate::users::{add_peer, add_user, link_peer, Credentials};
use anyhow::{anyhow, Result};
use entente_core::{Charter, Role};
use entente_node::node::COLLECTION_ID;
use entente_stix::NodeSigner;

pub const DEMO_CHARTER: &str = include_str!("../../../examples/sco.toml");

/// The demo organization's charter file as it stood before the 2017 Astana summit: India and
/// Pakistan observers, six presiding in turn. The demo's decisions (`seed::demo_governance`)
/// admit them and set the order of eight, so the charter in effect is `examples/sco.toml`'s.
pub fn historical_charter() -> Result<String> {
    let mut text = DEMO_CHARTER.to_owned();
    for (code, name) in [
        ("IN", "Republic of India"),
        ("PK", "Islamic Republic of Pakistan"),
    ] {
        let member = format!("code = \"{code}\"\nname = \"{name}\"\ntier = \"member\"");
        let observer = format!("code = \"{code}\"\nname = \"{name}\"\ntier = \"observer\"");
        if !text.contains(&member) {
            return Err(anyhow!(
                "the demo charter no longer lists {code} as a member"
            ));
        }
        text = text.replacen(&member, &observer, 1);
    }
    let eight = "order = [\"KG\", \"RU\", \"TJ\", \"UZ\", \"IN\", \"KZ\", \"CN\", \"PK\"]";
    if !text.contains(eight) {
        return Err(anyhow!("the demo charter's presidency order changed"));
    }
    text = text.replacen(
        eight,
        "order = [\"KG\", \"RU\", \"TJ\", \"UZ\", \"KZ\", \"CN\"]",
        1,
    );
    text.push_str("\n# Demo: the charter file as before the Astana summit of June 2017; the demo's decisions admit\n# India and Pakistan and set the presidency order of the eight.\n");
    Charter::parse(&text)?;
    Ok(text)
}

/// A key for every state of the demo charter that has no node in the demo, so what the demo's
/// history says they signed verifies; answers the charter with their keys and the signers.
fn keys_for_the_others(
    mut charter: String,
    with_nodes: &[&str],
) -> Result<(String, std::collections::HashMap<String, NodeSigner>)> {
    let parsed = Charter::parse(&charter)?;
    let mut signers = std::collections::HashMap::new();
    for p in parsed.parties() {
        let code = p.code.as_str();
        if with_nodes.contains(&code) {
            continue;
        }
        let signer = NodeSigner::generate(p.code.clone());
        charter = with_key(&charter, code, &signer)?;
        signers.insert(code.to_owned(), signer);
    }
    Ok((charter, signers))
}

pub async fn run(listen: Option<String>) -> Result<()> {
    let tmp = tempfile::Builder::new().prefix("entente-demo-").tempdir()?;
    let dir = tmp.path().join("kz-node");
    // The other states' nodes of the demo are only keys: they sign what the demo's history says
    // they did (a CN report, decisions and ballots), as federation would bring it.
    let charter_text = format!(
        "{}\n# Demo: the other nodes' keys, so what they signed verifies.\n",
        historical_charter()?
    );
    let (charter_text, mut signers) = keys_for_the_others(charter_text, &["KZ"])?;
    let nd = NodeDir::init(&dir, &charter_text, "KZ", &[], None).await?;
    let node = nd.node().await?;
    signers.insert("KZ".into(), nd.signer()?);
    crate::seed::demo_governance(&node, &signers, None).await?;
    crate::demo_operations::demo_operations(&node, &signers, None).await?;
    let cn = signers
        .get("CN")
        .ok_or_else(|| anyhow!("the demo charter has no CN"))?;
    let analyst = add_user(&node, "analyst", Role::Analyst).await?;
    let supervisor = add_user(&node, "supervisor", Role::Supervisor).await?;
    crate::seed::demo_objects(&node, cn).await?;
    crate::seed::demo_register(&node).await?;
    crate::seed::demo_detection(&node, cn, None).await?;
    crate::seed::demo_assets(&node).await?;
    let listen = match listen {
        Some(l) => l,
        None if std::net::TcpListener::bind("127.0.0.1:8443").is_ok() => "127.0.0.1:8443".into(),
        None => "127.0.0.1:0".into(),
    };
    let cert = nd.dir.join(crate::tls::CA_FILE);
    crate::serve::serve(&nd, node, &listen, false, |l| {
        let url = &l.url;
        let collection = format!("{url}api/collections/{}/objects/", entente_node::node::COLLECTION_ID);
        let ui = url.rsplit_once("taxii2/").map_or(url.as_str(), |(b, _)| b);
        println!("Entente demo: a node of Kazakhstan (KZ) in the SCO charter, with demo data.");
        println!();
        println!("  web UI               {ui}   (sign in as analyst / {}, or supervisor / {})", analyst.password, supervisor.password);
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

/// The states of the federation demo: the hub first.
const FEDERATION: [&str; 4] = ["SECRETARIAT", "KZ", "CN", "MN"];

/// One node of the federation demo, ready to serve.
struct DemoNode {
    state: &'static str,
    nd: NodeDir,
    listener: std::net::TcpListener,
    url: String,
    analyst: Credentials,
}

pub async fn run_federation() -> Result<()> {
    let tmp = tempfile::Builder::new()
        .prefix("entente-demo-federation-")
        .tempdir()?;
    let history = historical_charter()?;
    let charter = format!(
        "{history}\n# Demo: the keys of the hub's and the states' nodes, so each verifies the others' objects.\n"
    );
    let (mut charter, mut signers) = keys_for_the_others(charter, &FEDERATION)?;
    let mut nodes = Vec::new();
    for state in FEDERATION {
        let dir = tmp.path().join(format!("{}-node", state.to_lowercase()));
        let nd = NodeDir::init(&dir, &history, state, &[], None).await?;
        charter = with_key(&charter, state, &nd.signer()?)?;
        signers.insert(state.to_owned(), nd.signer()?);
        let listener = crate::serve::bind("127.0.0.1:0", false)?;
        let url = format!("https://{}/", listener.local_addr()?);
        nodes.push((state, nd, listener, url));
    }
    let mut demo = Vec::new();
    for (state, nd, listener, url) in nodes {
        std::fs::write(nd.path(&nd.config.charter), &charter)?;
        let node = nd.node().await?;
        let analyst = add_user(&node, "analyst", Role::Analyst).await?;
        demo.push(DemoNode {
            state,
            nd,
            listener,
            url,
            analyst,
        });
    }
    // Hub and spokes: each spoke and the hub pull from each other, with the token the other
    // issued and the other's CA certificate.
    let hub = demo.first().ok_or_else(|| anyhow!("no hub"))?;
    for spoke in &demo[1..] {
        for (from, to) in [(hub, spoke), (spoke, hub)] {
            let token = add_peer(&*to.nd.node().await?, from.state).await?;
            let ca = to.nd.dir.join(crate::tls::CA_FILE);
            let from_node = from.nd.node().await?;
            link_peer(&from_node, to.state, &to.url, Some(&token), Some(&ca)).await?;
        }
    }
    let kz = demo
        .iter()
        .find(|d| d.state == "KZ")
        .ok_or_else(|| anyhow!("no KZ"))?;
    crate::seed::demo_warning(&kz.nd.node().await?, &hub.nd.node().await?).await?;
    // The organization's history, on the hub, which relays it to every node.
    crate::seed::demo_governance(&hub.nd.node().await?, &signers, None).await?;
    crate::demo_operations::demo_operations(&hub.nd.node().await?, &signers, None).await?;
    // The hub sends no node what that node signed: each state's own part of the record is on
    // its own node from the start.
    for d in demo.iter().filter(|d| d.state != "SECRETARIAT") {
        let node = d.nd.node().await?;
        crate::seed::demo_governance(&node, &signers, Some(d.state)).await?;
        crate::demo_operations::demo_operations(&node, &signers, Some(d.state)).await?;
    }
    for d in &demo {
        let node = d.nd.node().await?;
        match d.state {
            "SECRETARIAT" => crate::seed::hub_objects(&node).await?,
            "KZ" => {
                crate::seed::kz_objects(&node).await?;
                crate::seed::demo_register(&node).await?;
            }
            "CN" => crate::seed::cn_objects(&node).await?,
            _ => {}
        }
    }
    // CN's indicator, sighted on KZ's node: the sighting goes back to CN alone.
    let cn_node = match demo.iter().find(|d| d.state == "CN") {
        Some(d) => Some(d.nd.node().await?),
        None => None,
    };
    let cn = signers
        .get("CN")
        .ok_or_else(|| anyhow!("the demo charter has no CN"))?;
    crate::seed::demo_detection(&kz.nd.node().await?, cn, cn_node.as_ref()).await?;
    crate::seed::demo_assets(&kz.nd.node().await?).await?;
    print_federation(&demo);
    // The accept loops share this task; each connection runs on a task of its own.
    let serving = demo.into_iter().map(|d| async move {
        let node = d.nd.node().await?;
        crate::serve::serve_on(&d.nd, node, d.listener, false, |_| {}).await
    });
    for r in futures::future::join_all(serving).await {
        r?;
    }
    drop(tmp);
    Ok(())
}

fn print_federation(demo: &[DemoNode]) {
    println!(
        "Entente demo: a federation of the SCO charter on this machine: the secretariat's hub"
    );
    println!("and the nodes of Kazakhstan (KZ), China (CN) and Mongolia (MN, an observer), peered");
    println!(
        "hub and spoke over HTTPS, each with demo data that flows to the others as the access"
    );
    println!("policy allows.");
    println!();
    for d in demo {
        println!("{}", d.state);
        println!(
            "  web UI               {}   (sign in as analyst / {})",
            d.url, d.analyst.password
        );
        println!("  TAXII 2.1 discovery  {}taxii2/", d.url);
        println!("  user                 analyst");
        println!("  password             {}", d.analyst.password);
        println!("  API token            {}", d.analyst.token);
        println!(
            "  TLS CA certificate   {}",
            d.nd.dir.join(crate::tls::CA_FILE).display()
        );
        println!(
            "  node directory       {}  (removed when the demo stops)",
            d.nd.dir.display()
        );
    }
    println!();
    println!("What to look at (each node shows each user what its state may see):");
    println!("  - CN's GREEN report and the hub's GREEN notice reach every node within a second;");
    println!("  - KZ's AMBER indicator reaches CN (a member), never MN (an observer); KZ's AMBER");
    println!("    briefing addressed to observers reaches MN, never CN;");
    println!("  - KZ's register entries (GREEN) can be screened against on every node;");
    println!(
        "  - KZ's orange notice (a threat to a gas pipeline), reviewed by the secretariat and"
    );
    println!("    published to the member states: on CN's node at /api/v1/warnings, not on MN's.");
    println!();
    if let Some(cn) = demo.iter().find(|d| d.state == "CN") {
        println!("Try, on CN's node (warnings in force, and the live event stream):");
        println!(
            "  curl --cacert {} -H 'Authorization: Bearer {}' '{}api/v1/warnings?status=active'",
            cn.nd.dir.join(crate::tls::CA_FILE).display(),
            cn.analyst.token,
            cn.url
        );
        println!(
            "  curl -N --cacert {} -H 'Authorization: Bearer {}' '{}api/v1/events'",
            cn.nd.dir.join(crate::tls::CA_FILE).display(),
            cn.analyst.token,
            cn.url
        );
        println!();
    }
    if let Some(mn) = demo.iter().find(|d| d.state == "MN") {
        println!("Try, on MN's node:");
        println!(
            "  curl --cacert {} -H 'Authorization: Bearer {}' \\",
            mn.nd.dir.join(crate::tls::CA_FILE).display(),
            mn.analyst.token
        );
        println!(
            "       -H 'Accept: application/taxii+json;version=2.1' '{}taxii2/api/collections/{COLLECTION_ID}/objects/'",
            mn.url
        );
        println!();
    }
    println!("Press Ctrl-C to stop.");
}

/// Returns the charter text with `key = ...` set for `code`'s entry.
fn with_key(text: &str, code: &str, signer: &NodeSigner) -> Result<String> {
    let line = format!("code = \"{code}\"");
    let key = entente_core::CharterKey::encode(signer.verifying_key().as_bytes());
    let out = text.replacen(&line, &format!("{line}\nkey = \"{key}\""), 1);
    Charter::parse(&out)?;
    Ok(out)
}
