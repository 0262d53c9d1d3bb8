//! The audit log's tamper evidence: an RFC 6962 Merkle tree over the log's entries.
//!
//! Leaves are `SHA-256(0x00 || entry)`, interior nodes `SHA-256(0x01 || left || right)`, and the
//! tree over `n` leaves splits at the largest power of two below `n`, exactly as RFC 6962 §2.1.
//! [`Frontier`] keeps only the roots of the perfect subtrees along the right edge, so appending is
//! O(log n) and the root of the whole log is always at hand to sign as a tree head. Written here
//! rather than taken from a crate because it is forty lines and the crates that have it bring a
//! whole transparency-log client with them.

use sha2::{Digest, Sha256};

pub type Hash = [u8; 32];

pub fn leaf_hash(entry: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(entry);
    h.finalize().into()
}

pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The root of the empty tree: the hash of the empty string.
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// The right edge of a Merkle tree: `(height, root)` of each perfect subtree, left to right.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Frontier {
    size: u64,
    subtrees: Vec<(u32, Hash)>,
}

impl Frontier {
    pub fn size(&self) -> u64 {
        self.size
    }

    pub fn push(&mut self, leaf: Hash) {
        let mut node = (0u32, leaf);
        while let Some(&(height, left)) = self.subtrees.last() {
            if height != node.0 {
                break;
            }
            self.subtrees.pop();
            node = (height + 1, node_hash(&left, &node.1));
        }
        self.subtrees.push(node);
        self.size += 1;
    }

    /// The RFC 6962 tree head of all leaves pushed so far.
    pub fn root(&self) -> Hash {
        let mut iter = self.subtrees.iter().rev();
        let Some(&(_, mut acc)) = iter.next() else {
            return empty_root();
        };
        for (_, left) in iter {
            acc = node_hash(left, &acc);
        }
        acc
    }
}

/// The bytes a node signs for a tree head: a fixed layout so no parser is needed to check it.
pub fn tree_head_message(tree_size: u64, root: &Hash, timestamp_micros: i64) -> Vec<u8> {
    let mut m = b"entente-audit-tree-head-v1".to_vec();
    m.extend_from_slice(&tree_size.to_be_bytes());
    m.extend_from_slice(root);
    m.extend_from_slice(&timestamp_micros.to_be_bytes());
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6962's recursive definition, as the reference the frontier must agree with.
    fn mth(leaves: &[Hash]) -> Hash {
        match leaves.len() {
            0 => empty_root(),
            1 => leaves[0],
            n => {
                let k = 1usize << (usize::BITS - (n - 1).leading_zeros() - 1);
                node_hash(&mth(&leaves[..k]), &mth(&leaves[k..]))
            }
        }
    }

    #[test]
    fn frontier_matches_the_rfc_definition_at_every_size() {
        let mut f = Frontier::default();
        let mut leaves = Vec::new();
        assert_eq!(f.root(), mth(&leaves));
        for i in 0u32..200 {
            let l = leaf_hash(&i.to_be_bytes());
            leaves.push(l);
            f.push(l);
            assert_eq!(f.root(), mth(&leaves), "size {}", i + 1);
        }
        assert_eq!(f.size(), 200);
    }

    #[test]
    fn known_answer_for_the_empty_tree() {
        assert_eq!(
            empty_root(),
            [
                0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f,
                0xb9, 0x24, 0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b,
                0x78, 0x52, 0xb8, 0x55
            ]
        );
    }
}
