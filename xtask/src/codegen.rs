pub fn run(_check: bool) -> std::process::ExitCode { std::process::ExitCode::SUCCESS }
