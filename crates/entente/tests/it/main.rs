//! Integration tests of the `entente` binary, all in one test binary so the suite links once.
//! Each test starts real node processes on loopback with temporary directories.

mod helpers;

mod cli;
mod durability;
mod tamper;
mod taxii;
mod visibility;
