//! What `main!()` runs: settings from the environment and the command line, the registered
//! handlers, logging, and a server that stops gracefully.

use std::future::Future;
use std::process::ExitCode;

use clap::parser::ValueSource;
use clap::CommandFactory;

use crate::config::{explain, Settings};
use crate::state::StateMap;
use crate::{ServeError, Webhook};

/// The bot's package, as `main!()` reads it in the bot's crate (`CARGO_PKG_NAME`,
/// `CARGO_PKG_VERSION`, `CARGO_PKG_DESCRIPTION`; empty outside cargo): what the bot's `--help`
/// opens with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BotPackage {
    /// The package's name.
    pub name: &'static str,
    /// Its version.
    pub version: &'static str,
    /// Its description (empty when its manifest has none).
    pub description: &'static str,
}

/// The bot's command line: the settings' flags and the subcommands, with a help that says what
/// the bot is (its package's name, version and description, as `cargo --help` or `rg --help`
/// open), then its usage, commands and options. `program` is the name it was run as.
fn command(program: &str, package: &BotPackage) -> clap::Command {
    let description = package.description.trim();
    let about = if description.is_empty() {
        crate::config::DEFAULT_ABOUT
    } else {
        description
    };
    // The first line is literal text: a package's name and version hold no braces.
    let title = format!("{} {}", package.name, package.version);
    let title = match title.trim() {
        "" => String::new(),
        title => format!("{title}\n"),
    };
    Settings::command()
        .name(program.to_owned())
        .version(package.version)
        .about(about.to_owned())
        // Its long form too: `--help` then reads as before, each option with its variable and
        // default on lines of their own (`-h` is the short form).
        .long_about(about.to_owned())
        .help_template(format!(
            "{title}{{about-with-newline}}\n{{usage-heading}} {{usage}}\n\n{{all-args}}{{after-help}}"
        ))
}

/// A boxed error, for the `?` operator in `main!(state = ...)`.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Sets one setting: what `main!(name = value)` becomes.
type ApplySetting = Box<dyn FnOnce(&mut Settings) -> Result<(), String> + Send>;

/// What `main!(...)` sets in code: settings that override the environment (the command line
/// overrides them in turn), and the state handlers receive.
#[derive(Default)]
pub struct MainOptions {
    state: StateMap,
    settings: Vec<(&'static str, ApplySetting)>,
}

impl std::fmt::Debug for MainOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.settings.iter().map(|(name, _)| *name).collect();
        f.debug_struct("MainOptions")
            .field("state", &self.state)
            .field("settings", &names)
            .finish()
    }
}

impl MainOptions {
    /// Stores a state value, received by handlers as `State<T>`.
    pub fn state<T: Clone + Send + Sync + 'static>(&mut self, value: T) {
        self.state.insert(value);
    }

    /// `main!(name = value)`: sets the [`Settings`] field `name` (which is also the id of its
    /// flag), unless the command line gives it.
    pub fn setting(
        &mut self,
        name: &'static str,
        apply: impl FnOnce(&mut Settings) -> Result<(), String> + Send + 'static,
    ) {
        self.settings.push((name, Box::new(apply)));
    }
}

/// Puts `main!(...)`'s settings over those of the environment, under those of the command line
/// (`matches` says where each value came from), then checks the whole.
fn layer(
    settings: &mut Settings,
    matches: &clap::ArgMatches,
    main_settings: Vec<(&'static str, ApplySetting)>,
) -> Result<(), String> {
    for (name, apply) in main_settings {
        if matches.value_source(name) == Some(ValueSource::CommandLine) {
            continue;
        }
        apply(settings).map_err(|error| format!("main!({name}): {error}"))?;
    }
    settings.check().map_err(|error| error.to_string())
}

/// Installs the log output (the `logging` feature) in the settings' format, filtered by
/// `RUST_LOG` (default `info`); kept until the program ends (it flushes the OTLP export).
#[cfg(feature = "logging")]
fn init_logging(settings: &Settings) -> crate::logging::Logging {
    crate::logging::init(settings.log_format)
}

/// Without the `logging` feature, `main!()` installs no subscriber: the program's own, if any,
/// receives the logs.
#[cfg(not(feature = "logging"))]
fn init_logging(_: &Settings) -> NoLogging {
    NoLogging
}

/// What [`init_logging`] keeps without the `logging` feature: nothing.
#[cfg(not(feature = "logging"))]
struct NoLogging;

/// Runs a bot: the body of the `main` that `main!()` writes.
///
/// Exit codes: `0` after a graceful shutdown or `--help`; `2` for a bad setting, flag,
/// handler conflict, path conflict (a route on the path of a probe or of the metrics), missing
/// state, sender without its secret or durable route without the `durable` feature; `1`
/// when the state cannot be built, an address cannot be bound, or the shutdown timeout cut
/// requests (the message names them).
///
/// The log output is installed once every setting is known (`main!(log_format = ...)`
/// included): what the `state` expressions log before it is not shown.
pub fn run_main<F, Fut>(package: BotPackage, configure: F) -> ExitCode
where
    F: FnOnce(MainOptions) -> Fut,
    Fut: Future<Output = Result<MainOptions, BoxError>>,
{
    let program = std::env::args()
        .next()
        .and_then(|path| {
            std::path::Path::new(&path)
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "bot".to_owned());
    let matches = match command(&program, &package).try_get_matches_from(std::env::args_os()) {
        Ok(matches) => matches,
        Err(error) if !error.use_stderr() => {
            // --help
            let _ = error.print();
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            eprintln!("{program}: {}", explain(error));
            return ExitCode::from(2);
        }
    };
    let (mut settings, matches) = match Settings::from_matches(matches) {
        Ok(parsed) => parsed,
        Err(error) => {
            eprintln!("{program}: {error}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("{program}: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let options = match configure(MainOptions::default()).await {
            Ok(options) => options,
            Err(error) => {
                eprintln!("{program}: cannot start: {error}");
                return ExitCode::FAILURE;
            }
        };
        if let Err(error) = layer(&mut settings, &matches, options.settings) {
            eprintln!("{program}: {error}");
            return ExitCode::from(2);
        }
        // A subcommand (`inbox ...`) runs with every setting, `main!(...)`'s included, and
        // without the log output (its own output is on stdout).
        if let Some(command) = settings.command.take() {
            return run_command(&program, &command, &settings).await;
        }
        let _logging = init_logging(&settings);
        let webhook = match Webhook::from_registry() {
            Ok(webhook) => settings.apply(webhook).states(options.state),
            Err(conflict) => {
                eprintln!("{program}: {conflict}");
                return ExitCode::from(2);
            }
        };
        if let Err(missing) = webhook.check_state() {
            eprintln!("{program}: {missing}");
            return ExitCode::from(2);
        }
        if let Err(error) = webhook.check_senders() {
            eprintln!("{program}: {error}");
            return ExitCode::from(2);
        }
        if let Err(conflict) = webhook.check_paths() {
            eprintln!("{program}: {conflict}");
            return ExitCode::from(2);
        }
        if webhook.routes().is_empty() && webhook.http_routes().is_empty() {
            tracing::warn!("no #[on] handler is registered: every notification will be a 404");
        }
        tracing::info!(
            "routes, in precedence order:\n{}",
            webhook.describe_routes()
        );
        match webhook.serve(settings.addr).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(ServeError::ShutdownTimedOut(cut)) => {
                eprintln!("{program}: {cut}");
                ExitCode::FAILURE
            }
            Err(error) if error.is_configuration() => {
                eprintln!("{program}: {error}");
                ExitCode::from(2)
            }
            Err(error) => {
                eprintln!("{program}: cannot serve on {}: {error}", settings.addr);
                ExitCode::FAILURE
            }
        }
    })
}

/// Runs a bot's subcommand (`inbox ...`, `send ...`) with its settings.
async fn run_command(
    program: &str,
    command: &crate::cli::BotCommand,
    settings: &Settings,
) -> ExitCode {
    match command {
        crate::cli::BotCommand::Inbox(command) => run_inbox(program, command, settings).await,
        crate::cli::BotCommand::Send(command) => {
            match crate::senders::send::run(command, settings).await {
                Ok(output) => {
                    println!("{output}");
                    ExitCode::SUCCESS
                }
                Err(error) => {
                    eprintln!("{program}: {error}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

/// Runs an `inbox` command on the store of the settings.
#[cfg(feature = "durable")]
async fn run_inbox(
    program: &str,
    command: &crate::cli::InboxCommand,
    settings: &Settings,
) -> ExitCode {
    let options = match settings.inbox_options() {
        Ok(options) => options,
        Err(error) => {
            eprintln!("{program}: {error}");
            return ExitCode::from(2);
        }
    };
    let store = match crate::inbox::open_store(&options.store, 2).await {
        Ok(store) => store,
        Err(error) => {
            eprintln!("{program}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let mut out = Vec::new();
    let ran = crate::inbox::cli::run(command, &*store, &mut out).await;
    {
        use std::io::Write as _;
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(&out);
        let _ = stdout.flush();
    }
    match ran {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{program}: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Without the `durable` feature there is no inbox to operate.
#[cfg(not(feature = "durable"))]
#[allow(clippy::unused_async)]
async fn run_inbox(program: &str, _: &crate::cli::InboxCommand, _: &Settings) -> ExitCode {
    eprintln!(
        "{program}: the inbox commands need the `durable` feature of the clustaar-webhook crate"
    );
    ExitCode::from(2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SettingValue;

    #[test]
    fn the_command_line_overrides_main_which_overrides_the_environment() {
        let (mut settings, matches) =
            Settings::parse_matches(["bot", "--body-limit", "10"]).unwrap();
        let mut options = MainOptions::default();
        options.setting("body_limit", |s: &mut Settings| s.body_limit.set(20));
        options.setting("request_max_age", |s: &mut Settings| {
            s.request_max_age.set(5)
        });
        layer(&mut settings, &matches, options.settings).unwrap();
        assert_eq!(settings.body_limit, 10);
        assert_eq!(
            settings.request_max_age.0,
            Some(std::time::Duration::from_secs(5))
        );
    }

    #[test]
    fn the_help_opens_with_the_package_or_says_what_a_bot_does() {
        let package = BotPackage {
            name: "hello-bot",
            version: "1.2.3",
            description: "Answers hello.",
        };
        for help in [
            command("bot", &package).render_long_help(),
            command("bot", &package).render_help(),
        ] {
            let help = help.to_string();
            assert!(
                help.starts_with("hello-bot 1.2.3\nAnswers hello.\n\nUsage: bot [OPTIONS]"),
                "{help}"
            );
        }
        let unnamed = BotPackage {
            name: "",
            version: "",
            description: " ",
        };
        let help = command("bot", &unnamed).render_long_help().to_string();
        assert!(
            help.starts_with("Serves the bot's webhook.\n\nUsage: bot [OPTIONS]"),
            "{help}"
        );
    }

    #[test]
    fn a_bad_main_value_or_half_credentials_are_errors() {
        let (mut settings, matches) = Settings::parse_matches(["bot"]).unwrap();
        let mut options = MainOptions::default();
        options.setting("addr", |s: &mut Settings| s.addr.set("nowhere"));
        assert_eq!(
            layer(&mut settings, &matches, options.settings).unwrap_err(),
            "main!(addr): must be an address such as 127.0.0.1:8000, not \"nowhere\""
        );
        let mut options = MainOptions::default();
        options.setting("auth_username", |s: &mut Settings| {
            s.auth_username.set("bot")
        });
        assert!(layer(&mut settings, &matches, options.settings)
            .unwrap_err()
            .contains("must be set together"));
    }
}
