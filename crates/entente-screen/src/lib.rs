//! `entente-screen`: screening names, in any script, against the register of designated persons
//! and organizations. No I/O: the CLI and the node feed it.
//!
//! So far: [`normalize`] (the comparable form of a name) and [`cyrillic`] (Latin keys of a
//! Cyrillic name in the ICAO, BGN/PCGN and GOST schemes, with the Central Asian letters). To come
//! (issue 3): Chinese, Arabic and Persian, romanization variants, the candidate index, and scoring
//! with explanations.

pub mod cyrillic;
pub mod normalize;

pub use normalize::{normalize, parts};
