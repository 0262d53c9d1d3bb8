//! The STIX `identity` of each party of the organization: a fixed id derived from its code, so
//! every node names every state the same way in `created_by_ref`, with no registry to consult.

use entente_core::PartyCode;
use sha2::{Digest, Sha256};

/// `identity--<uuid>` for a party: a version-4-form UUID taken from SHA-256 of the party's code.
pub fn party_identity_id(party: &PartyCode) -> String {
    let digest = Sha256::digest(format!("entente:party-identity:{party}").as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!(
        "identity--{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities_are_fixed_and_valid() {
        let kz = PartyCode::parse("KZ").unwrap();
        let id = party_identity_id(&kz);
        assert!(crate::StixId::parse(&id).is_ok(), "{id}");
        assert_eq!(id, party_identity_id(&kz));
        assert_ne!(id, party_identity_id(&PartyCode::parse("CN").unwrap()));
    }
}
