//! `entente user` and `entente peer add`: credentials, printed once and stored hashed. Users are
//! listed, removed, given another role and their tokens revoked or renewed through `entente
//! user`; a running node reads users and tokens from the database on every request (a cached
//! password check holds only while the user's record is unchanged), so each change takes effect
//! at once.

use anyhow::{anyhow, bail, Result};
use entente_core::{audience::is_user_name, PartyCode, Role};
use entente_node::credentials::{hash_password, hash_token, new_password, new_token};
use entente_node::Node;
use entente_store::{PeerLink, TokenSubject, UserRecord};
use std::path::Path;

pub struct Credentials {
    pub password: String,
    pub token: String,
}

pub async fn add_user(node: &Node, name: &str, role: Role) -> Result<Credentials> {
    if !is_user_name(name) || name == "entente-cli" || name == entente_node::auth::NODE_USER {
        bail!("`{name}` is not a user name: use 1 to 64 letters, digits, `.`, `_` or `-`");
    }
    let password = new_password();
    let hash = hash_password(&password).map_err(|e| anyhow!("hashing the password: {e}"))?;
    node.store
        .add_user(UserRecord {
            name: name.to_owned(),
            role,
            password_hash: hash,
        })
        .await?;
    let token = new_token();
    node.store
        .add_token(&hash_token(&token), TokenSubject::User(name.to_owned()))
        .await?;
    Ok(Credentials { password, token })
}

/// Issues another token to an existing user.
pub async fn issue_token(node: &Node, name: &str) -> Result<String> {
    if node.store.get_user(name).await?.is_none() {
        bail!("there is no user `{name}`");
    }
    let token = new_token();
    node.store
        .add_token(&hash_token(&token), TokenSubject::User(name.to_owned()))
        .await?;
    Ok(token)
}

pub async fn add_peer(node: &Node, state: &str) -> Result<String> {
    let party = PartyCode::parse(state)?;
    if party == node.party {
        bail!("{party} is this node's own state");
    }
    if node.charter.party(&party).is_none() {
        bail!("{party} is not a party of the charter");
    }
    let token = new_token();
    node.store
        .add_token(&hash_token(&token), TokenSubject::Peer(party.to_string()))
        .await?;
    Ok(token)
}

/// Makes this node pull from `state`'s node at `url`, with the token that node issued to this one.
pub async fn link_peer(
    node: &Node,
    state: &str,
    url: &str,
    token: Option<&str>,
    ca: Option<&Path>,
) -> Result<PeerLink> {
    let party = PartyCode::parse(state)?;
    if party == node.party {
        bail!("{party} is this node's own state");
    }
    if node.charter.party(&party).is_none() {
        bail!("{party} is not a party of the charter");
    }
    let token = token.ok_or_else(|| {
        anyhow!("--url needs --token: the token {party}'s node issued to this one")
    })?;
    let ca_pem = ca
        .map(|p| {
            std::fs::read_to_string(p)
                .map_err(|e| anyhow!("reading the CA certificate {}: {e}", p.display()))
        })
        .transpose()?;
    let link = entente_federation::link::new_link(&party, url, token, ca_pem)?;
    node.store.set_peer_link(link.clone()).await?;
    Ok(link)
}
