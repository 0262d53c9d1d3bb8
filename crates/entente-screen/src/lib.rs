//! `entente-screen`: screening names, in any script, against the register of designated persons
//! and organizations. No I/O: the CLI and the node feed it.
//!
//! So far: [`normalize`] (the comparable form of a name). To come (issue 3): transliteration to
//! Latin keys (Cyrillic with the Central Asian letters, Chinese, Arabic and Persian), romanization
//! variants, the candidate index, and scoring with explanations.

pub mod normalize;

pub use normalize::{normalize, parts};
