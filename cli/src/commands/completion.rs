//! `ferroflux completion <shell>`: shell completion scripts.

use clap::Args;
use clap_complete::Shell;

/// Print a shell completion script.
///
/// Examples:
///   source <(ferroflux completion bash)
///   ferroflux completion zsh > "${fpath[1]}/_ferroflux"
///   ferroflux completion fish > ~/.config/fish/completions/ferroflux.fish
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct CompletionArgs {
    /// The shell to complete for.
    pub shell: Shell,
}

pub fn run(args: CompletionArgs, mut command: clap::Command) -> anyhow::Result<()> {
    clap_complete::generate(
        args.shell,
        &mut command,
        "ferroflux",
        &mut std::io::stdout(),
    );
    Ok(())
}
