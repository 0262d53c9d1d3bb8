//! The CLI's parsers (`entente screen --list` and `--input`, and `screen-eval` cases): any
//! text is read or refused line by line, never a panic.
#![no_main]
use entente_screen::input;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let _ = input::list(s);
    let _ = input::input(s);
    let _ = entente_screen::matcher::PartialDate::parse(s);
});
