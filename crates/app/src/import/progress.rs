//! How far an import has got, for whoever shows it: the command line draws a bar, tests and
//! the web show nothing.

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
