//! The node's TLS identity, made at `init`: a small certificate authority of the node's own
//! (`tls/ca.pem`, the file clients are told to trust) and a server certificate it signs for the
//! node's host names. The CA's private key is discarded once the certificate is signed, so it can
//! issue nothing else; a node that needs new names is re-issued with `init` on a new directory or
//! given a certificate from the organization's own CA in `tls.cert` / `tls.key`.

use anyhow::{Context, Result};
use entente_core::PartyCode;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose,
};

pub const CA_FILE: &str = "tls/ca.pem";

pub struct IssuedTls {
    pub ca_pem: String,
    pub cert_pem: String,
    pub key_pem: String,
}

pub fn issue(party: &PartyCode, names: Vec<String>) -> Result<IssuedTls> {
    let ca_key = KeyPair::generate().context("making the CA key")?;
    let mut ca = CertificateParams::new(Vec::<String>::new())?;
    ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca.distinguished_name
        .push(DnType::CommonName, format!("Entente node CA ({party})"));
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_cert = ca
        .self_signed(&ca_key)
        .context("signing the CA certificate")?;

    let key = KeyPair::generate().context("making the TLS key")?;
    let mut leaf = CertificateParams::new(names).context("the certificate's host names")?;
    leaf.distinguished_name
        .push(DnType::CommonName, format!("Entente node ({party})"));
    leaf.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    leaf.use_authority_key_identifier_extension = true;
    let cert = leaf
        .signed_by(&key, &ca_cert, &ca_key)
        .context("signing the server certificate")?;
    Ok(IssuedTls {
        ca_pem: ca_cert.pem(),
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
    })
}
