use std::process::ExitCode;

fn main() -> ExitCode {
    primer::cli::main()
}
