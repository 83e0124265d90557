//! How a command ends, and the one place that becomes an exit code.

use std::process::ExitCode;

pub use openapi_contract::Verdict;

/// A command that could not do its job: unreadable input, a bad flag, a
/// file that cannot be written. Exit 2; `main` prints the message once.
#[derive(Debug)]
pub struct Failure(pub String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure(e.to_string())
    }
}

/// What every command returns: a verdict, or why it could not give one.
pub type Outcome = Result<Verdict, Failure>;

/// The process's exit code: 0 pass, 1 contract violation (or stale
/// files, or lint errors), 2 bad input or usage.
pub fn exit_code(outcome: Outcome) -> ExitCode {
    let verdict = outcome.unwrap_or_else(|Failure(message)| {
        eprintln!("error: {message}");
        Verdict::BadInput
    });
    ExitCode::from(verdict.code())
}
