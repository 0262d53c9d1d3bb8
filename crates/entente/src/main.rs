//! `entente`: the one binary of an Entente node. `init` makes a node directory, `user` and `peer`
//! issue credentials, `serve` runs the node, `audit verify` checks its logs and objects, and
//! `demo` runs a ready node of the demo organization in one command.

mod audit;
mod config;
mod demo;
mod demo_operations;
mod detect;
mod nodedir;
mod progress;
mod screen;
mod screen_eval;
mod seed;
mod serve;
mod store_copy;
mod tls;
mod users;

use anyhow::{bail, Result};
use clap::{Parser, Subcommand};
use entente_core::Role;
use nodedir::NodeDir;
use std::path::PathBuf;

/// mimalloc instead of glibc's allocator: a request allocates and frees thousands of small JSON
/// strings and maps, and with glibc ~15% of the server's CPU went to malloc, free and
/// consolidation. Measured with `bench/taxii.sh` (docs/benchmarks.md): server CPU per ingested
/// object 92–102 µs → 81–82 µs, paging 48–52k → 58–60k objects/s.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "entente",
    version,
    about = "A node of a federated security-cooperation platform"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a node directory: key, TLS certificate, database, configuration.
    Init {
        #[arg(long)]
        dir: PathBuf,
        /// The organization's charter (TOML), e.g. examples/sco.toml.
        #[arg(long)]
        charter: PathBuf,
        /// The party this node belongs to (ISO 3166-1 alpha-2, or SECRETARIAT).
        #[arg(long)]
        state: String,
        /// Extra host names for the TLS certificate (localhost and loopback are always in it).
        #[arg(long = "host")]
        hosts: Vec<String>,
        /// Keep the node's data in this PostgreSQL database (postgres://user:password@host/db)
        /// instead of the SQLite file in the directory; written to entente.toml as
        /// `[store] url` (ENTENTE_STORE__URL overrides it).
        #[arg(long)]
        store_url: Option<String>,
    },
    /// Run the node.
    Serve {
        #[arg(long)]
        dir: PathBuf,
        /// Address to listen on; defaults to the configuration's `listen`.
        #[arg(long)]
        listen: Option<String>,
        /// Serve plain HTTP (loopback addresses only).
        #[arg(long)]
        plain_http: bool,
    },
    /// Run a temporary node of the demo organization, with demo data.
    Demo {
        /// Address to listen on (default 127.0.0.1:8443, or a free port if that is taken).
        #[arg(long, conflicts_with = "federation")]
        listen: Option<String>,
        /// Run a federation instead: the secretariat's hub and the nodes of KZ, CN and MN, each
        /// on a free port, already peered, with demo data flowing between them.
        #[arg(long)]
        federation: bool,
    },
    /// Manage the node's users.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage the peer nodes allowed to pull from this one.
    #[command(subcommand)]
    Peer(PeerCommand),
    /// Check the audit log and the stored objects.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Move the node's store.
    #[command(subcommand)]
    Store(StoreCommand),
    /// Screen names against a list (no node needed): one output line per input line.
    Screen {
        /// The list: JSON Lines, one entry a line (`id`, `names`; optional `kind`, `birth_date`,
        /// `nationality`).
        #[arg(long)]
        list: PathBuf,
        /// The names: CSV with a header (`id,name`; optional `birth_date`, `nationality`) or JSON
        /// Lines with the same fields.
        #[arg(long)]
        input: PathBuf,
        /// Report matches scoring at least this (0 to 1).
        #[arg(long, default_value_t = screen::DEFAULT_THRESHOLD)]
        threshold: f64,
        /// At most this many matches per name.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        #[arg(long, value_enum, default_value = "jsonl")]
        format: screen::Format,
        /// The name-variant table (rigour's person_names.txt format); default: the file
        /// `ENTENTE_NAME_VARIANTS` names, else the table built into the binary.
        #[arg(long)]
        variants: Option<PathBuf>,
        /// Screen without a name-variant table.
        #[arg(long, conflicts_with = "variants")]
        no_variants: bool,
    },
    /// Match STIX indicators against observed data (no node needed): one output line per
    /// indicator that matched, `{"indicator": ID, "observed_data_refs": [IDS]}`, or
    /// `{"indicator": ID, "error": MESSAGE}` for one that cannot be matched.
    Match {
        /// The indicators: JSON Lines, one STIX 2.1 `indicator` a line.
        #[arg(long)]
        indicators: PathBuf,
        /// The observations: JSON Lines, one `observed-data` a line, its SCOs in its `objects`
        /// dictionary or as lines of this file that its `object_refs` name.
        #[arg(long)]
        observations: PathBuf,
    },
    /// Measure screening on a labelled set: recall and false-positive rate by category.
    ScreenEval {
        /// The list the cases were written against.
        #[arg(long, default_value = "bench/screening/register.jsonl")]
        list: PathBuf,
        /// The labelled cases: `entente screen` input lines with `category` and `expect`.
        #[arg(long, default_value = "bench/screening/cases.jsonl")]
        cases: PathBuf,
        #[arg(long, default_value_t = screen::DEFAULT_THRESHOLD)]
        threshold: f64,
        /// Also print recall and false-positive rate at thresholds from 0.60 to 0.95.
        #[arg(long)]
        sweep: bool,
        /// Also list every missed positive and flagged negative.
        #[arg(long)]
        misses: bool,
        /// Fail unless recall >= 0.97 overall and >= 0.9 in every category, and the
        /// false-positive rate <= 2%.
        #[arg(long)]
        check: bool,
        /// Also time each case alone, on one core: p50, p99 and max.
        #[arg(long)]
        latency: bool,
        /// Write each case's outcome (`id`, the expected entry's score or the best wrong
        /// one's) to this file, for bench/screening/compare.
        #[arg(long)]
        outcomes: Option<PathBuf>,
        /// The name-variant table (rigour's person_names.txt format); default: the file
        /// `ENTENTE_NAME_VARIANTS` names, else the table built into the binary.
        #[arg(long)]
        variants: Option<PathBuf>,
        /// Screen without a name-variant table.
        #[arg(long, conflicts_with = "variants")]
        no_variants: bool,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user; prints a generated password and an API token, once.
    Add {
        #[arg(long)]
        dir: PathBuf,
        name: String,
        #[arg(long, value_parser = ["analyst", "supervisor", "admin"])]
        role: String,
    },
    /// List the users: name, role, and how many tokens each holds.
    List {
        #[arg(long)]
        dir: PathBuf,
    },
    /// Remove a user and revoke its tokens (a running node refuses them at the next request).
    Remove {
        #[arg(long)]
        dir: PathBuf,
        name: String,
    },
    /// Give a user another role (a running node applies it at the next request).
    Role {
        #[arg(long)]
        dir: PathBuf,
        name: String,
        #[arg(long, value_parser = ["analyst", "supervisor", "admin"])]
        role: String,
    },
    /// Manage a user's API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Revoke every token of a user (a running node refuses them at the next request).
    Revoke {
        #[arg(long)]
        dir: PathBuf,
        name: String,
    },
    /// Issue a user another token; prints it, once.
    New {
        #[arg(long)]
        dir: PathBuf,
        name: String,
    },
}

#[derive(Subcommand)]
enum PeerCommand {
    /// Without --url: allow a state's node to pull from this one, and print the token it
    /// authenticates with, once. With --url and --token: make this node pull from that state's
    /// node, with the token that node issued to this one.
    Add {
        #[arg(long)]
        dir: PathBuf,
        #[arg(long)]
        state: String,
        /// The peer node's address, e.g. https://kz.example:8443 (http only on loopback).
        #[arg(long, requires = "token")]
        url: Option<String>,
        /// The token the peer's `entente peer add --state <this node's state>` printed.
        #[arg(long, requires = "url")]
        token: Option<String>,
        /// The CA certificate (PEM) the peer's TLS certificate chains to: its `tls/ca.pem`.
        #[arg(long, requires = "url")]
        ca: Option<PathBuf>,
    },
    /// List the peers this node pulls from, with how far each pull has come.
    List {
        #[arg(long)]
        dir: PathBuf,
    },
    /// Pull everything from a peer again, from the start (after its key was added to the charter,
    /// say). What is already stored is not stored twice.
    Resync {
        #[arg(long)]
        dir: PathBuf,
        #[arg(long)]
        state: String,
    },
}

#[derive(Subcommand)]
enum StoreCommand {
    /// Copy a node's SQLite store into an empty PostgreSQL database (every object version,
    /// the audit log, users, tokens, peer links), then verify the copy's audit log and objects.
    /// Stop the node first: what it writes during the copy is not copied.
    Copy {
        /// The node directory.
        #[arg(long)]
        from: PathBuf,
        /// The database: postgres://user:password@host:port/database (the password is never
        /// printed).
        #[arg(long)]
        to: String,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Verify the audit log's signed Merkle tree heads and every stored object's signature.
    Verify {
        #[arg(long)]
        dir: PathBuf,
    },
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("ENTENTE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

#[tokio::main]
async fn main() -> Result<()> {
    init_logging();
    match Cli::parse().command {
        Command::Init {
            dir,
            charter,
            state,
            hosts,
            store_url,
        } => {
            let text = std::fs::read_to_string(&charter)
                .map_err(|e| anyhow::anyhow!("reading the charter {}: {e}", charter.display()))?;
            let store_url = store_url.map(config::StoreUrl);
            let nd = NodeDir::init(&dir, &text, &state, &hosts, store_url).await?;
            let signer = nd.signer()?;
            println!("Initialised a node of {} in {}.", state, dir.display());
            println!(
                "Its public key; add this line to {state}'s entry in the organization's charter:"
            );
            println!(
                "key = \"{}\"",
                entente_core::CharterKey::encode(signer.verifying_key().as_bytes())
            );
            println!("Next: `entente user add --dir {} NAME --role analyst`, then `entente serve --dir {}`.", dir.display(), dir.display());
        }
        Command::Serve {
            dir,
            listen,
            plain_http,
        } => {
            let nd = NodeDir::open(&dir)?;
            let node = nd.node().await?;
            let listen = listen.unwrap_or_else(|| nd.config.listen.clone());
            serve::serve(&nd, node, &listen, plain_http, |l| {
                println!("entente: serving {}", l.url);
            })
            .await?;
        }
        Command::Demo {
            federation: true, ..
        } => demo::run_federation().await?,
        Command::Demo { listen, .. } => demo::run(listen).await?,
        Command::User(UserCommand::Add { dir, name, role }) => {
            let nd = NodeDir::open(&dir)?;
            let node = nd.node().await?;
            let c = users::add_user(&node, &name, Role::parse(&role)?).await?;
            println!(
                "user: {name}\nrole: {role}\npassword: {}\ntoken: {}",
                c.password, c.token
            );
            println!("(shown once: the node keeps only their hashes)");
        }
        Command::User(UserCommand::List { dir }) => {
            let node = NodeDir::open(&dir)?.node().await?;
            let users = node.store.users().await?;
            if users.is_empty() {
                println!("(no users: `entente user add` makes one)");
            }
            for (user, tokens) in users {
                println!("{}\t{}\t{tokens} token(s)", user.name, user.role);
            }
        }
        Command::User(UserCommand::Remove { dir, name }) => {
            let node = NodeDir::open(&dir)?.node().await?;
            if !node.store.remove_user(&name).await? {
                bail!("there is no user `{name}`");
            }
            println!("removed user {name} and revoked its tokens");
        }
        Command::User(UserCommand::Role { dir, name, role }) => {
            let node = NodeDir::open(&dir)?.node().await?;
            if !node.store.set_role(&name, Role::parse(&role)?).await? {
                bail!("there is no user `{name}`");
            }
            println!("user {name} is now {role}");
        }
        Command::User(UserCommand::Token(TokenCommand::Revoke { dir, name })) => {
            let node = NodeDir::open(&dir)?.node().await?;
            if node.store.get_user(&name).await?.is_none() {
                bail!("there is no user `{name}`");
            }
            let n = node
                .store
                .revoke_tokens(&entente_store::TokenSubject::User(name.clone()))
                .await?;
            println!("revoked {n} token(s) of {name}");
        }
        Command::User(UserCommand::Token(TokenCommand::New { dir, name })) => {
            let node = NodeDir::open(&dir)?.node().await?;
            let token = users::issue_token(&node, &name).await?;
            println!("user: {name}\ntoken: {token}");
            println!("(shown once: the node keeps only its hash)");
        }
        Command::Peer(PeerCommand::Add {
            dir,
            state,
            url: None,
            ..
        }) => {
            let nd = NodeDir::open(&dir)?;
            let node = nd.node().await?;
            let token = users::add_peer(&node, &state).await?;
            println!("peer: {state}\ntoken: {token}");
            println!("(shown once: give it to {state}'s node operator over a trusted channel)");
        }
        Command::Peer(PeerCommand::Add {
            dir,
            state,
            url: Some(url),
            token,
            ca,
        }) => {
            let nd = NodeDir::open(&dir)?;
            let node = nd.node().await?;
            let link =
                users::link_peer(&node, &state, &url, token.as_deref(), ca.as_deref()).await?;
            println!("peer: {state}\nurl: {}", link.url);
            println!("this node pulls from {state}'s node (a running node starts within seconds)");
        }
        Command::Peer(PeerCommand::Resync { dir, state }) => {
            let nd = NodeDir::open(&dir)?;
            let node = nd.node().await?;
            let party = entente_core::PartyCode::parse(&state)?;
            if !node.store.reset_peer_cursor(party.as_str()).await? {
                bail!("this node has no link to {party}: `entente peer add --url` makes one");
            }
            println!("the next pull from {party} starts from the beginning");
        }
        Command::Peer(PeerCommand::List { dir }) => {
            let nd = NodeDir::open(&dir)?;
            let node = nd.node().await?;
            for l in node.store.peer_links().await? {
                println!(
                    "{}\t{}\tcursor {}",
                    l.party,
                    l.url,
                    l.cursor.as_deref().unwrap_or("(nothing pulled yet)")
                );
            }
        }
        Command::Screen {
            list,
            input,
            threshold,
            limit,
            format,
            variants,
            no_variants,
        } => {
            let groups = screen::load_groups(variants.as_deref(), no_variants)?;
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            let s = screen::run(&list, &input, threshold, limit, format, groups, &mut out)?;
            std::io::Write::flush(&mut out)?;
            eprintln!(
                "screened {} line(s): {} with matches, {} could not be read",
                s.inputs, s.flagged, s.errors
            );
        }
        Command::Match {
            indicators,
            observations,
        } => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            detect::run(&indicators, &observations, &mut out)?;
        }
        Command::ScreenEval {
            list,
            cases,
            threshold,
            sweep,
            misses,
            check,
            latency,
            outcomes,
            variants,
            no_variants,
        } => {
            let groups = screen::load_groups(variants.as_deref(), no_variants)?;
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            screen_eval::run(
                &list,
                &cases,
                &screen_eval::Options {
                    threshold,
                    sweep,
                    misses,
                    check,
                    latency,
                    outcomes,
                },
                groups,
                &mut out,
            )?;
        }
        Command::Store(StoreCommand::Copy { from, to }) => {
            let to = config::StoreUrl(to);
            let shown = to.to_string();
            let copied = store_copy::copy(&from, to, true).await?;
            let v = &copied.verified;
            println!(
                "copied {} rows to {shown}: {} object versions, {} audit entries",
                copied.rows, copied.objects, copied.audit_entries
            );
            println!(
                "the copy's audit log: {} entries, {} signed tree heads; objects: {}",
                v.entries, v.heads, v.objects
            );
            if !v.problems.is_empty() {
                for p in &v.problems {
                    println!("PROBLEM: {p}");
                }
                bail!("the copy does not verify: {} problem(s)", v.problems.len());
            }
            println!("verified: the copy holds every entry and object, unchanged");
            println!(
                "to serve the node from it, set in {}:\n\n[store]\nurl = \"postgres://…\"\n\n(or ENTENTE_STORE__URL in the service's environment)",
                from.join("entente.toml").display()
            );
        }
        Command::Audit(AuditCommand::Verify { dir }) => {
            let nd = NodeDir::open(&dir)?;
            let report = audit::verify(&nd, true).await?;
            println!(
                "audit log: {} entries, {} signed tree heads; objects: {}",
                report.entries, report.heads, report.objects
            );
            if report.problems.is_empty() {
                println!("verified: no entry or object was changed, removed or reordered");
            } else {
                for p in &report.problems {
                    println!("PROBLEM: {p}");
                }
                bail!("{} problem(s) found", report.problems.len());
            }
        }
    }
    Ok(())
}
