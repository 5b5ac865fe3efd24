//! Progress of a long import: a bar on stderr when it is a terminal and the file is large,
//! nothing otherwise (tests, pipes, the web).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// Files with fewer steps than this finish too fast for a bar to help.
const LARGE: u64 = 200;

/// Told how far an import has got. Each phase starts with its number of steps.
pub trait Progress: Send + Sync {
    fn phase(&self, name: &'static str, steps: u64);
    fn step(&self);
    fn done(&self);
}

/// Reports nothing.
pub struct Silent;

impl Progress for Silent {
    fn phase(&self, _: &'static str, _: u64) {}
    fn step(&self) {}
    fn done(&self) {}
}

/// A progress bar on stderr, drawn only when stderr is a terminal.
pub struct TerminalBar {
    bar: ProgressBar,
    visible: bool,
}

impl TerminalBar {
    pub fn on_stderr() -> TerminalBar {
        let visible = std::io::stderr().is_terminal();
        let target = if visible {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(Some(0), target);
        if let Ok(style) = ProgressStyle::with_template("{prefix:>8} [{bar:40}] {pos}/{len}") {
            bar.set_style(style.progress_chars("=> "));
        }
        TerminalBar { bar, visible }
    }
}

impl Progress for TerminalBar {
    fn phase(&self, name: &'static str, steps: u64) {
        if !self.visible || steps < LARGE {
            self.bar.set_draw_target(ProgressDrawTarget::hidden());
        } else {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
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
