/*! Progress on stderr: an indicatif bar when stderr is a terminal, per-article errors always. */
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use newsx::{Error, Observer};

/// Shows progress and reports input errors.
pub struct Progress {
    bar: Option<ProgressBar>,
    errors: AtomicU64,
}

impl Progress {
    /// A progress display; the bar is drawn only if `enabled` and stderr is a terminal.
    /// `total_bytes` (the inputs' size, when known) gives the bar an ETA.
    pub fn new(enabled: bool, total_bytes: Option<u64>) -> Progress {
        let bar = (enabled && std::io::stderr().is_terminal()).then(|| {
            let bar = match total_bytes {
                Some(total) => ProgressBar::new(total).with_style(
                    ProgressStyle::with_template(
                        "{bar:30} {bytes}/{total_bytes} {msg} {binary_bytes_per_sec} ETA {eta}",
                    )
                    .expect("valid template"),
                ),
                None => ProgressBar::new_spinner().with_style(
                    ProgressStyle::with_template("{spinner} {bytes} {msg} {binary_bytes_per_sec}")
                        .expect("valid template"),
                ),
            };
            bar.set_draw_target(ProgressDrawTarget::stderr_with_hz(4));
            bar
        });
        Progress { bar, errors: AtomicU64::new(0) }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Observer for Progress {
    fn progress(&self, articles: u64, bytes: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(bytes);
            bar.set_message(format!("{articles} articles"));
        }
    }

    fn input_error(&self, error: &Error) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        let line = format!("newsx: error: {error}");
        match &self.bar {
            Some(bar) => bar.println(line),
            None => eprintln!("{line}"),
        }
    }
}
