//! Integration tests of the entente binary.
