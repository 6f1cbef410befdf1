//! `ferroflux`: install, bootstrap and operate a Flux-compatible GitOps toolkit.

mod commands;
mod components;
mod flux_kinds;
mod flux_objects;
mod kube_client;
mod local_build;
mod manifests;
mod output;
mod server_side_apply;
mod sops_mask;
mod wait;

use std::process::ExitCode;

use clap::{CommandFactory as _, Parser, Subcommand};

use crate::kube_client::ClusterArgs;

// Rendering (helm template, kustomize build) allocates a lot: mimalloc is ~1.5x faster there than glibc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// ferroflux: a Flux-compatible GitOps toolkit.
///
/// Install the controllers, watch and steer what they reconcile, and render kustomize overlays
/// and Helm charts locally with the same engines the controllers use.
#[derive(Parser, Debug)]
#[command(name = "ferroflux", version, propagate_version = true)]
struct Cli {
    #[command(flatten)]
    cluster: ClusterArgs,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    Install(commands::install::InstallArgs),
    /// Commit Ferroflux's manifests to Git, install them, and sync the cluster from the repository.
    Bootstrap(commands::bootstrap::BootstrapArgs),
    Check(commands::check::CheckArgs),
    Get(commands::get::GetArgs),
    Reconcile(commands::reconcile::ReconcileArgs),
    Suspend(commands::suspend::SuspendArgs),
    Resume(commands::resume::ResumeArgs),
    Build(commands::build::BuildArgs),
    Diff(commands::diff::DiffArgs),
    Events(commands::events::EventsArgs),
    Tree(commands::tree::TreeArgs),
    Uninstall(commands::uninstall::UninstallArgs),
    Version(commands::version::VersionArgs),
    Completion(commands::completion::CompletionArgs),
    /// Kustomize commands (a drop-in `kustomize build`).
    Kustomize(commands::kustomize::KustomizeArgs),
    /// Helm commands (a drop-in `helm template`).
    Helm(commands::helm::HelmArgs),
}

/// `ferroflux helm ...` alone: the global options and the `helm` command, without the rest of
/// the command tree (building all of it takes longer than rendering a small chart).
#[derive(Parser, Debug)]
#[command(name = "ferroflux")]
struct HelmCli {
    #[command(flatten)]
    cluster: ClusterArgs,

    #[command(subcommand)]
    command: HelmOnly,
}

#[derive(Subcommand, Debug)]
enum HelmOnly {
    Helm(commands::helm::HelmArgs),
}

fn main() -> ExitCode {
    keep_freed_memory();
    one_libc_malloc_arena();
    // A command line the smaller parser accepts means the same to the full one (it is a part of
    // it); anything else, `--help` and mistakes included, goes to the full parser, which words
    // help and errors for the whole tool.
    if std::env::args_os().nth(1).is_some_and(|a| a == "helm")
        && let Ok(HelmCli {
            command: HelmOnly::Helm(args),
            ..
        }) = HelmCli::try_parse()
    {
        return run_helm(args);
    }
    let Cli { cluster, command } = Cli::parse();
    match command {
        Command::Helm(args) => run_helm(args),
        command => run_async(command, cluster),
    }
}

/// Rendering a chart is local and synchronous: no async runtime (its worker threads cost more
/// than a small chart's whole render) and no cluster client. The process renders once and
/// exits, so the renderer's helper threads may be kept off this thread's CPU (see
/// `ferroflux_helm::keep_helpers_off_this_cpu`).
fn run_helm(args: commands::helm::HelmArgs) -> ExitCode {
    ferroflux_helm::keep_helpers_off_this_cpu();
    match commands::helm::run(args) {
        Ok(()) => exit_now(),
        Err(err) => report_failure(&err, ExitCode::FAILURE),
    }
}

/// Ends the process with status 0 at once, once everything is printed and flushed. A normal exit
/// runs the libraries' exit handlers (aws-lc frees its random generator, the allocator tidies
/// up) while the renderer's helper threads wind down; each first write to a page then costs a
/// TLB flush on the other CPU. None of that is needed: the kernel frees everything anyway.
#[allow(unsafe_code)]
fn exit_now() -> ! {
    // SAFETY: `_exit` ends the process without running anything else; stdout was flushed by
    // the command, and stderr is unbuffered.
    unsafe { libc::_exit(0) }
}

/// Tells the allocator never to hand freed memory back to the kernel. A CLI run is short, and a
/// render frees and reallocates megabytes: giving pages back (`madvise(MADV_DONTNEED)`, ~130
/// calls on a Bitnami chart) only makes the kernel zero and fault them in again, ~10% of a
/// `helm template` run. The process's peak memory is unchanged: freed memory is still reused.
#[allow(unsafe_code)]
fn keep_freed_memory() {
    // `mi_option_purge_delay` in mimalloc.h's option enum (15 in both the v2 and v3 headers):
    // milliseconds before freed memory is purged, -1 for never. The sys crate has no constant
    // for it, but has one for the entry right after it, which pins the number at compile time.
    const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    const _: () = assert!(MI_OPTION_PURGE_DELAY + 1 == libmimalloc_sys::mi_option_use_numa_nodes);
    // SAFETY: sets a process-wide allocator option; mimalloc reads options atomically, and no
    // other thread has started yet.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
}

/// glibc's malloc still serves the C library's own few allocations, such as the one in
/// `pthread_getattr_np`, which every new Rust thread calls. By default it gives each thread that
/// allocates an arena of its own: a 128 MiB mapping trimmed with two `munmap`s, each of which
/// makes the other CPUs flush their TLBs. One arena is plenty for them.
#[allow(unsafe_code)]
fn one_libc_malloc_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: sets a malloc tunable before any other thread has started.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

#[tokio::main]
async fn run_async(command: Command, cluster: ClusterArgs) -> ExitCode {
    let done = |result: anyhow::Result<()>| result.map(|()| ExitCode::SUCCESS);
    let result = match command {
        Command::Install(args) => done(commands::install::run(args, &cluster).await),
        Command::Bootstrap(args) => done(commands::bootstrap::run(args, &cluster).await),
        Command::Check(args) => done(commands::check::run(args, &cluster).await),
        Command::Get(args) => done(commands::get::run(args, &cluster).await),
        Command::Reconcile(args) => done(commands::reconcile::run(args, &cluster).await),
        Command::Suspend(args) => done(commands::suspend::run(args, &cluster).await),
        Command::Resume(args) => done(commands::resume::run(args, &cluster).await),
        Command::Build(args) => done(commands::build::run(args, &cluster).await),
        Command::Diff(args) => {
            // As `flux diff`: 1 means "differences", so a failure must be something else.
            return match commands::diff::run(args, &cluster).await {
                Ok(false) => ExitCode::SUCCESS,
                Ok(true) => ExitCode::from(1),
                Err(err) => report_failure(&err, ExitCode::from(2)),
            };
        }
        Command::Events(args) => done(commands::events::run(args, &cluster).await),
        Command::Tree(args) => done(commands::tree::run(args, &cluster).await),
        Command::Uninstall(args) => done(commands::uninstall::run(args, &cluster).await),
        Command::Version(args) => done(commands::version::run(args, &cluster).await),
        Command::Completion(args) => done(commands::completion::run(args, Cli::command())),
        Command::Kustomize(args) => done(commands::kustomize::run(args)),
        Command::Helm(args) => done(commands::helm::run(args)),
    };
    result.unwrap_or_else(|err| report_failure(&err, ExitCode::FAILURE))
}

/// Prints the error and returns `code`.
fn report_failure(err: &anyhow::Error, code: ExitCode) -> ExitCode {
    eprintln!("✗ {}", error_report(err));
    code
}

/// The error and its causes on one line. A Kubernetes API error ends the chain with the API's own
/// message: kube's Display repeats the whole Status object, which helps nobody.
fn error_report(err: &anyhow::Error) -> String {
    let mut parts = Vec::new();
    for cause in err.chain() {
        if let Some(kube::Error::Api(status)) = cause.downcast_ref::<kube::Error>() {
            parts.push(format!("{} ({})", status.message, status.code));
            break;
        }
        parts.push(cause.to_string());
    }
    parts.join(": ")
}
