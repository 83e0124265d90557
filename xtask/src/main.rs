//! `cargo xtask`: the project's commands (lint, codegen, docs, contract,
//! sandbox, breaking).
//!
//! Exit codes: 0 success, 1 findings or stale files, 2 bad input or usage.

mod breaking;
mod codegen;
mod coverage;
mod docs;
mod fs;
mod generate;
mod lint;
mod live;
mod outcome;
mod recorded;
mod report;
mod rules_page;
mod sandbox;
mod webhooks;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use outcome::{CommandResult, Verdict};

/// The sandbox allocates a model per row; mimalloc serves that load about
/// 30% faster than the system allocator (see the load benchmark).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "Project commands for the SignalZen v1 contract toolkit"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Load and lint an OpenAPI 3.0, 3.1 or 3.2 document (default: the
    /// SignalZen v1 document).
    ///
    /// Every document is validated against the OpenAPI Initiative's
    /// published JSON Schema for its version (oas-schema; in 3.1 and 3.2
    /// each Schema Object against JSON Schema 2020-12's meta-schema too),
    /// then by the version's field tables and by rules for the
    /// MUSTs no JSON Schema can say (docs/spec-musts.md lists them with the
    /// sentence each enforces). Every rule id, its default level and what it
    /// finds, with an example document: docs/rules.md (generated from the
    /// catalogue). A project sets its own levels in .openapi-lint.yaml next
    /// to the document or with --rule.
    ///
    /// Exits 0 when clean (warnings allowed), 1 on lint errors, 2 when the
    /// file or the configuration cannot be read, or the document uses what
    /// no tool here honours (another JSON Schema dialect, $dynamicRef, a 3.2
    /// field no tool reads yet; Swagger 2.0, OpenAPI 4).
    Lint(lint::LintArgs),
    /// Generate the Rust models, the JSON Schemas and the published
    /// reference (docs/reference/) from the document.
    ///
    /// With --check nothing is written: a diff of every stale file is printed
    /// and the exit code is 1 when anything committed is out of date.
    Codegen {
        /// Compare instead of writing.
        #[arg(long)]
        check: bool,
    },
    /// Generate the models (a crate) and JSON Schemas of any OpenAPI 3.0,
    /// 3.1 or 3.2 document.
    ///
    /// Writes DIR/Cargo.toml, DIR/src/lib.rs and DIR/schemas/, all or
    /// nothing. Lint is another command: a document with lint findings is
    /// still generated. Exits 0 when written, 2 when the document cannot
    /// be loaded or generated.
    Generate(generate::GenerateArgs),
    /// Build the published API reference in docs/reference/ from the document.
    ///
    /// Writes index.html (one self-contained page: open it from disk, no
    /// network needed), Markdown pages for the Docusaurus site
    /// (markdown/*.md), the Rust samples (examples/client.rs) and the
    /// document and its JSON Schemas for download. Refuses a document whose
    /// examples break their schemas. `cargo xtask codegen --check` also
    /// checks the reference is fresh. The sandbox serves it at /docs/.
    Docs(docs::DocsArgs),
    /// Check the contract.
    ///
    /// With no mode: the document lints clean, every artefact derived from
    /// it is fresh, the recorded suite (tests/recorded/) passes, and the live
    /// suite and the webhook round trip pass against the embedded sandbox.
    ///
    /// Exits 0 when everything holds, 1 on a violation, 2 on bad input or usage.
    Contract {
        #[command(subcommand)]
        mode: Option<ContractMode>,
    },
    /// Serve the embedded sandbox, a reference implementation of v1, on 127.0.0.1.
    ///
    /// Seed data is deterministic: two websites with fixed secrets (printed at
    /// start; SIGNALZEN_SANDBOX_SECRET and SIGNALZEN_SANDBOX_SECRET_2 replace
    /// them). Logs go to standard error (RUST_LOG sets the level, e.g. warn).
    /// Stops on Ctrl-C or SIGTERM after answering requests in flight.
    #[command(after_long_help = sandbox::faults_help())]
    Sandbox(sandbox::ServeArgs),
    /// The breaking-change gate: compare the document with a base.
    ///
    /// Every change gets a stable rule id, a level (error: breaks existing
    /// clients or servers; warning: may break some; info: compatible), both
    /// sides' file:line and JSON pointer, and a sentence in plain words.
    /// Webhook deliveries are judged like responses (the receiver reads
    /// them); x-pagination, x-contract and x-date-time-format are compared
    /// too. An error-level change is accepted when info.version's major part
    /// was raised. Documents with lint findings are still compared.
    ///
    /// Exits 0 when nothing reaches --fail-on, 1 when something does, 2 when
    /// either document cannot be loaded.
    Breaking(breaking::BreakingArgs),
    /// Work with coverage files (`--coverage-json` of any contract mode).
    ///
    /// Every contract run records which points of the document it observed:
    /// each documented status, each union branch, null and value of each
    /// nullable property, absent and present of each optional one, each enum
    /// value, each list's page positions and sizes, and the checks the
    /// extensions drive. Ids are the document's JSON pointers with a
    /// qualifier, the same in every mode, so runs add up.
    Coverage {
        #[command(subcommand)]
        command: coverage::CoverageCommand,
    },
}

#[derive(Subcommand)]
enum ContractMode {
    /// Check HAR 1.2 recordings against the document.
    ///
    /// Each entry is matched to an operation by method and path template
    /// under the server's base path, then checked: operation, status,
    /// status.server-error, content-type, body.json, body.schema,
    /// body.discriminator, body.nullable, body.undocumented, pagination,
    /// response.secret, request.auth, request.accept, request.parameters. An entry may carry
    /// `"_expect": ["check", ...]` (the checks it must fail) and
    /// `"_credentials": "valid" | "invalid"`. Valid secrets may also come from
    /// SIGNALZEN_API_SECRET and SIGNALZEN_API_SECRET_2; secrets are never
    /// printed.
    ///
    /// Exits 0 when all pass, 1 on any violation, 2 on bad input or usage.
    Recorded(recorded::RecordedArgs),
    /// Send requests to the API (or the embedded sandbox) and check every answer.
    ///
    /// Besides every recorded-mode check on each answer: auth and Accept
    /// probes, bad parameters (out of bounds, non-integer, empty, repeated),
    /// walks of every list at several page sizes (pagination.walk), items fetched
    /// alone (item.consistency), unknown and foreign ids (live.not-found),
    /// the second website's data (tenant.isolation, with two secrets), signed
    /// links (live.signed-url), Retry-After (live.rate-limit) and transport
    /// failures: timeouts, cut bodies, redirects to other hosts (live.transport).
    ///
    /// Exits 0 when all pass, 1 on any violation, 2 on bad input or usage.
    Live(live::LiveArgs),
    /// Receive webhook deliveries and check each one.
    ///
    /// Everything comes from the document's x-webhooks and their
    /// x-webhook-signature, x-webhook-challenge and x-webhook-resource:
    /// webhook.method, webhook.content-type, webhook.signature (present,
    /// encoded as documented, the HMAC of the exact bytes received, compared
    /// in constant time), webhook.challenge (the URL check came first, fits
    /// its schema, was answered), webhook.schema (the body against its
    /// request-body schema), webhook.duplicate (a repeat: a warning) and
    /// webhook.consistency (the carried resource equals the API's answer).
    ///
    /// Without --listen, the embedded sandbox delivers to a loopback
    /// receiver: the URL check, then one event for each kind of message it
    /// is made to create. With --listen ADDR, the receiver waits for the
    /// real provider: expose it (e.g. a tunnel) and register its public URL
    /// on the provider's integrations page while it waits.
    ///
    /// Exits 0 when all pass, 1 on any violation, 2 on bad input or usage
    /// (also when nothing arrived in time).
    Webhooks(webhooks::WebhooksArgs),
}

/// The workspace root (xtask lives one level below it). `XTASK_ROOT`
/// points the generators at a copy instead, for tests that make it stale.
pub fn project_root() -> PathBuf {
    if let Some(root) = std::env::var_os("XTASK_ROOT") {
        return PathBuf::from(root);
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The authoritative document.
pub fn default_spec() -> PathBuf {
    project_root().join("openapi/signalzen-v1.yaml")
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            // --help and --version print to standard output and pass.
            let _ = e.print();
            let verdict = if e.use_stderr() {
                Verdict::BadInput
            } else {
                Verdict::Pass
            };
            return outcome::exit_code(Ok(verdict));
        }
    };
    outcome::exit_code(dispatch(cli.command))
}

fn dispatch(command: Command) -> CommandResult {
    match command {
        Command::Lint(args) => lint::run(args),
        Command::Codegen { check } => codegen::run(check, codegen::Artefacts::All),
        Command::Docs(args) => docs::run(args),
        Command::Generate(args) => generate::run(args),
        Command::Contract {
            mode: Some(ContractMode::Recorded(args)),
        } => recorded::run(args),
        Command::Contract {
            mode: Some(ContractMode::Live(args)),
        } => live::run(args),
        Command::Contract {
            mode: Some(ContractMode::Webhooks(args)),
        } => webhooks::run(args),
        Command::Contract { mode: None } => contract_all(),
        Command::Sandbox(args) => sandbox::serve(args),
        Command::Breaking(args) => breaking::run(args),
        Command::Coverage { command } => coverage::run(command),
    }
}

/// The bare `cargo xtask contract`: lint and freshness gate the rest; then
/// the recorded and the live suite and the webhook round trip, the worst
/// verdict winning, and what the three covered of the v1 document together.
fn contract_all() -> CommandResult {
    for gate in [
        lint::run(lint::LintArgs::defaults()),
        codegen::run(true, codegen::Artefacts::All),
    ] {
        match gate? {
            Verdict::Pass => {}
            worse => return Ok(worse),
        }
    }
    let suites = [
        recorded::run_covered(recorded::RecordedArgs::defaults()),
        live::run_covered(live::LiveArgs::defaults()),
        webhooks::run_covered(webhooks::WebhooksArgs::defaults()),
    ];
    let mut all = Vec::new();
    let mut live = None;
    let verdicts = suites.map(|o| match o {
        Ok((verdict, coverage)) => {
            live = coverage.first().cloned();
            all.extend(coverage);
            verdict
        }
        Err(f) => {
            eprintln!("error: {}", f.0);
            Verdict::BadInput
        }
    });
    // The webhook suite ran last, on the v1 document (as the live one).
    if let Some(v1) = &live {
        let sum = coverage::together(v1, &all);
        println!(
            "the three suites together: {}",
            contract_report::coverage_line(&sum)
        );
    }
    Ok(verdicts.into_iter().max().unwrap_or_default())
}
