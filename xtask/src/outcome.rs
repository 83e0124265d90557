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
pub type CommandResult = Result<Verdict, Failure>;

/// The one place a verdict becomes a number: 0 pass, 1 contract violation
/// (or stale files, or lint errors), 2 bad input or usage. The JSON report
/// states the same number.
pub const fn code(verdict: Verdict) -> u8 {
    match verdict {
        Verdict::Pass => 0,
        Verdict::Violation => 1,
        Verdict::BadInput => 2,
    }
}

/// The process's exit code ([`code`]); a failure's message printed once.
pub fn exit_code(outcome: CommandResult) -> ExitCode {
    let verdict = outcome.unwrap_or_else(|Failure(message)| {
        eprintln!("error: {message}");
        Verdict::BadInput
    });
    ExitCode::from(code(verdict))
}
