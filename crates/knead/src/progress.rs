//! The progress bar of a long import, drawn on stderr only when stderr is a terminal and
//! the phase is long enough for a bar to help.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use knead_app::import::Progress;
use std::io::IsTerminal;

/// Phases with fewer steps than this finish too fast for a bar to help.
const LARGE: u64 = 200;

pub struct TerminalBar {
    bar: ProgressBar,
    visible: bool,
}

impl TerminalBar {
    pub fn on_stderr() -> TerminalBar {
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template("{prefix:>9} [{bar:40}] {pos}/{len}") {
            bar.set_style(style.progress_chars("=> "));
        }
        TerminalBar {
            bar,
            visible: std::io::stderr().is_terminal(),
        }
    }
}

impl Progress for TerminalBar {
    fn phase(&self, name: &'static str, steps: u64) {
        let target = match self.visible && steps >= LARGE {
            true => ProgressDrawTarget::stderr(),
            false => ProgressDrawTarget::hidden(),
        };
        self.bar.set_draw_target(target);
        self.bar.set_prefix(name);
        self.bar.set_length(steps);
        self.bar.set_position(0);
    }

    fn step(&self) {
        self.bar.inc(1);
    }

    fn done(&self) {
        self.bar.finish_and_clear();
    }
}
