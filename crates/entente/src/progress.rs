//! Progress bars on standard error for long work (indicatif); hidden when stderr is not a terminal.

use indicatif::{ProgressBar, ProgressStyle};

pub fn bar(total: u64, message: &'static str) -> ProgressBar {
    let b = ProgressBar::new(total);
    if let Ok(style) =
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({per_sec}, {eta})")
    {
        b.set_style(style.progress_chars("=> "));
    }
    b.set_message(message);
    b
}
