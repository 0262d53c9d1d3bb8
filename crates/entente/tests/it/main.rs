//! Integration tests of the `entente` binary, all in one test binary so the suite links once.
//! Each test starts real node processes on loopback with temporary directories.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod helpers;
mod limits;

mod cli;
mod demo;
mod detect;
mod durability;
mod federation;
mod governance;
mod guards;
mod operations;
mod postgres;
mod screen;
mod screening_api;
mod tamper;
mod taxii;
mod trust;
mod visibility;
mod warnings;
mod web;
