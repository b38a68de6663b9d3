//! Headless Chromium for the tests of the pages the bot serves: Debian's `chromium` driven
//! through its `chromedriver` (WebDriver) with `fantoccini`, everything on loopback.
//!
//! ```ignore
//! let Some(browser) = Browser::start("inbox_lists_events", Window::DESKTOP).await else {
//!     return; // chromedriver is not installed (and `CI` is not set): skipped
//! };
//! browser.basic_auth("admin", "secret").await.unwrap();
//! browser.goto(&format!("{}/inbox", server.url())).await.unwrap();
//! assert_eq!(browser.text("h1").await.unwrap(), "Inbox");
//! browser.close().await.unwrap();
//! ```
//!
//! Where chromedriver (or Chromium) is not installed, [`Browser::start`] prints
//! `<test>: skipped (chromedriver not found; apt-get install chromium chromium-driver)` and the
//! test passes; with `CI` set it panics instead, as `tests/durable.rs` does for PostgreSQL.
//!
//! Each [`Browser`] is a chromedriver of its own on a free loopback port, and one Chromium with
//! a fresh profile in a temporary directory. [`Browser::close`] ends the WebDriver session;
//! dropping a `Browser` (a failed test too) shuts chromedriver down, which quits its Chromium,
//! reaps chromedriver, stops a Chromium still running after that, and removes the profile.
//!
//! `WEBHOOK_CHROMEDRIVER_LOG=<dir>` makes each chromedriver write its verbose log there: every
//! DevTools message with timestamps, to see what a slow or failing command waited for.
//!
//! HTTP basic auth (tests/browser_smoke.rs shows each point):
//! - [`Browser::basic_auth`] makes every request of the tab carry an `Authorization` header
//!   (DevTools' `Network.setExtraHTTPHeaders`): navigations, links, form posts, `fetch`, with no
//!   `401` first. The way to test a page behind basic auth.
//! - Credentials in the URL (`http://user:pass@127.0.0.1:port/`, [`with_credentials`]) are
//!   sent only after a `401` with `WWW-Authenticate: Basic`: each request is made twice, the
//!   POST body included. Links and forms keep working (relative URLs inherit the credentials),
//!   but the page's `fetch('/relative')` throws ("Request cannot be constructed from a URL that
//!   includes credentials").
//! - Without credentials, headless Chromium shows no login dialog and no `401` body: the
//!   navigation ends on an error page (`net::ERR_INVALID_AUTH_CREDENTIALS`), with no element of
//!   the server's page; `goto` itself succeeds.

use std::fmt;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine as _;
use fantoccini::error::{CmdError, NewSessionError};
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};

pub use fantoccini::elements::Element;

/// What to say when chromedriver or Chromium is missing.
pub const INSTALL_HINT: &str = "apt-get install chromium chromium-driver";

/// An environment variable: a directory where each chromedriver writes its verbose log
/// (`chromedriver-<process>-<n>.log`; otherwise its output is kept for error messages only).
pub const LOG_DIR: &str = "WEBHOOK_CHROMEDRIVER_LOG";

/// How long chromedriver may take to start and answer `/status`.
const DRIVER_START: Duration = Duration::from_secs(20);

/// How long a page may take to load, and a script to run, before the command fails.
const PAGE_LOAD: Duration = Duration::from_secs(30);
const SCRIPT: Duration = Duration::from_secs(10);

/// The size of the page's viewport (`window.innerWidth` × `innerHeight`, and the size of a
/// screenshot), and whether the browser acts as a phone's.
///
/// The window is opened with `--window-size`, but headless Chromium's window keeps room for a
/// browser's toolbars (a 1280×900 window has a 1280×757 viewport) and is at least 500 pixels
/// wide: the viewport is set exactly by chromedriver's device emulation (`mobileEmulation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Width in CSS pixels.
    pub width: u32,
    /// Height in CSS pixels.
    pub height: u32,
    /// A phone's viewport: the page's `<meta name="viewport">` is honoured (without one the
    /// page is laid out 980 pixels wide and zoomed out, as on a phone), touch events are on,
    /// scroll bars overlay the page.
    pub mobile: bool,
}

impl Window {
    /// A laptop's window: 1280×900.
    pub const DESKTOP: Window = Window {
        width: 1280,
        height: 900,
        mobile: false,
    };
    /// A phone held upright: 390×844 (an iPhone 12 to 15's viewport), mobile.
    pub const PHONE: Window = Window {
        width: 390,
        height: 844,
        mobile: true,
    };
}

/// Why the browser could not be started or a command failed.
#[derive(Debug)]
pub enum BrowserError {
    /// chromedriver or Chromium is not installed (or `CHROMEDRIVER` / `CHROMIUM` names no
    /// executable file): why.
    NotInstalled(String),
    /// chromedriver could not be started or did not become ready: why, and what it printed.
    Driver {
        /// What went wrong.
        reason: String,
        /// chromedriver's output (its last 64 KiB).
        output: String,
    },
    /// chromedriver refused to open a session (Chromium did not start): the error, and what
    /// chromedriver printed.
    Session {
        /// The error of the new-session command.
        error: Box<NewSessionError>,
        /// chromedriver's output (its last 64 KiB).
        output: String,
    },
    /// A WebDriver command failed.
    Command {
        /// What was asked, e.g. `click on "a#next"`.
        what: String,
        /// The error.
        error: Box<CmdError>,
    },
    /// A bounded wait ran out.
    Timeout {
        /// What was waited for.
        what: String,
        /// How long.
        waited: Duration,
    },
    /// A file could not be written.
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        error: std::io::Error,
    },
}

impl fmt::Display for BrowserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BrowserError::NotInstalled(reason) => write!(f, "{reason} ({INSTALL_HINT})"),
            BrowserError::Driver { reason, output } => {
                write!(f, "chromedriver: {reason}; its output:\n{output}")
            }
            BrowserError::Session { error, output } => write!(
                f,
                "chromedriver could not open a Chromium session: {error}; its output:\n{output}"
            ),
            BrowserError::Command { what, error } => write!(f, "{what}: {error}"),
            BrowserError::Timeout { what, waited } => {
                write!(f, "waited {waited:?} for {what}")
            }
            BrowserError::Io { path, error } => write!(f, "{}: {error}", path.display()),
        }
    }
}

impl std::error::Error for BrowserError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BrowserError::Session { error, .. } => Some(&**error),
            BrowserError::Command { error, .. } => Some(&**error),
            BrowserError::Io { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// `url` with `user:password@` before its host (both percent-encoded): what a person would
/// type to log in without the dialog. Chromium uses them only once the server has answered
/// `401` with a `WWW-Authenticate: Basic` challenge; [`Browser::basic_auth`] needs no
/// challenge.
///
/// # Panics
///
/// When `url` is not an absolute `http` URL.
pub fn with_credentials(url: &str, user: &str, password: &str) -> String {
    let mut parsed = url::Url::parse(url).unwrap_or_else(|error| panic!("{url:?}: {error}"));
    parsed
        .set_username(user)
        .and_then(|()| parsed.set_password(Some(password)))
        .unwrap_or_else(|()| panic!("{url:?} cannot hold credentials"));
    parsed.to_string()
}

/// A headless Chromium driven through a chromedriver of its own. See the module's
/// documentation.
pub struct Browser {
    client: Client,
    window: Window,
    // Dropped after the client: shuts chromedriver down and cleans up.
    driver: Driver,
}

impl fmt::Debug for Browser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Browser")
            .field("driver", &self.driver.url)
            .field("window", &self.window)
            .field("chromium_pid", &self.driver.chromium_pid)
            .finish()
    }
}

impl Browser {
    /// A browser for the test `test`, or `None` when the test is to be skipped:
    /// chromedriver or Chromium is not installed and `CI` is not set (it prints
    /// `<test>: skipped (chromedriver not found; apt-get install chromium chromium-driver)`).
    ///
    /// # Panics
    ///
    /// When they are not installed and `CI` is set, and when they are installed but do not
    /// start (the message has chromedriver's output).
    pub async fn start(test: &str, window: Window) -> Option<Browser> {
        match Browser::launch(window).await {
            Ok(browser) => Some(browser),
            Err(BrowserError::NotInstalled(reason)) => {
                assert!(
                    std::env::var_os("CI").is_none(),
                    "{test}: CI must run the browser tests, but {reason}: install them with \
                     `{INSTALL_HINT}` (.ci/run does when chromedriver is missing)"
                );
                eprintln!("{test}: skipped ({reason}; {INSTALL_HINT})");
                None
            }
            Err(error) => panic!("{test}: cannot start headless Chromium: {error}"),
        }
    }

    /// Starts chromedriver on a free loopback port and opens a session of headless Chromium
    /// with a window of `window`'s size and a fresh profile.
    ///
    /// chromedriver is `$CHROMEDRIVER`, else the first `chromedriver` on `PATH`, else
    /// `/usr/bin/chromedriver`; Chromium is `$CHROMIUM`, else `/usr/bin/chromium`.
    ///
    /// # Errors
    ///
    /// [`BrowserError::NotInstalled`] when either is missing; [`BrowserError::Driver`] when
    /// chromedriver does not start or answer `/status` within 20 s;
    /// [`BrowserError::Session`] when Chromium does not start.
    pub async fn launch(window: Window) -> Result<Browser, BrowserError> {
        let chromedriver = find_chromedriver()?;
        let chromium = find_chromium()?;
        let driver = Driver::start(&chromedriver)?;
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), json!("chrome"));
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    format!("--window-size={},{}", window.width, window.height),
                    format!("--user-data-dir={}", driver.profile.display()),
                    // Quieter and quicker: nothing of Google's services, no first-run pages.
                    "--no-first-run",
                    "--no-default-browser-check",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                ],
                // The first page: by default Chromium opens its new-tab page, which can take
                // seconds to load on a busy machine, and the first command waits for it.
                "prefs": {
                    "session": {"restore_on_startup": 4, "startup_urls": ["about:blank"]},
                    "homepage": "about:blank",
                    "homepage_is_newtabpage": false,
                },
                "mobileEmulation": {
                    "deviceMetrics": {
                        "width": window.width,
                        "height": window.height,
                        "pixelRatio": 1.0,
                        "mobile": window.mobile,
                        "touch": window.mobile,
                    },
                },
            }),
        );
        capabilities.insert(
            "timeouts".into(),
            json!({
                "implicit": 0,
                "pageLoad": PAGE_LOAD.as_millis() as u64,
                "script": SCRIPT.as_millis() as u64,
            }),
        );
        let session = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&driver.url)
            .await;
        let client = match session {
            Ok(client) => client,
            Err(error) => {
                return Err(BrowserError::Session {
                    error: Box::new(error),
                    output: driver.output(),
                })
            }
        };
        let mut driver = driver;
        driver.chromium_pid = client
            .capabilities()
            .and_then(|capabilities| capabilities.get("goog:processID"))
            .and_then(Value::as_u64)
            .and_then(|pid| u32::try_from(pid).ok());
        Ok(Browser {
            client,
            window,
            driver,
        })
    }

    /// The WebDriver client, for what the helpers do not cover.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The window's size, as asked.
    pub fn window(&self) -> Window {
        self.window
    }

    /// What chromedriver printed so far (its last 64 KiB), for a failing test's message.
    pub fn driver_output(&self) -> String {
        self.driver.output()
    }

    /// Chromium's process id, as chromedriver gives it (`goog:processID`).
    pub fn chromium_pid(&self) -> Option<u32> {
        self.driver.chromium_pid
    }

    /// Makes every request the browser sends from now on (navigations, form posts, links,
    /// `fetch`, sub-resources; any origin) carry `Authorization: Basic <user:password>`,
    /// through DevTools' `Network.setExtraHTTPHeaders` on the current tab.
    ///
    /// # Errors
    ///
    /// The DevTools commands failed.
    pub async fn basic_auth(&self, user: &str, password: &str) -> Result<(), BrowserError> {
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        self.cdp("Network.enable", json!({})).await?;
        self.cdp(
            "Network.setExtraHTTPHeaders",
            json!({"headers": {"Authorization": format!("Basic {token}")}}),
        )
        .await?;
        Ok(())
    }

    /// Sends the DevTools command `method` with `params` to the current tab, through
    /// chromedriver's `goog/cdp/execute`; its result.
    ///
    /// # Errors
    ///
    /// The command failed.
    pub async fn cdp(&self, method: &str, params: Value) -> Result<Value, BrowserError> {
        self.client
            .issue_cmd(CdpCommand {
                method: method.to_owned(),
                params,
            })
            .await
            .map_err(|error| command(format!("DevTools {method}"), error))
    }

    /// Opens `url` and waits until it has loaded.
    ///
    /// # Errors
    ///
    /// The page did not load within 30 s, or the navigation failed.
    pub async fn goto(&self, url: &str) -> Result<(), BrowserError> {
        self.client
            .goto(url)
            .await
            .map_err(|error| command(format!("go to {url}"), error))
    }

    /// The first element matching the CSS selector `css`.
    ///
    /// # Errors
    ///
    /// None matches (`error.is_no_such_element()` of [`BrowserError::Command`]).
    pub async fn find(&self, css: &str) -> Result<Element, BrowserError> {
        self.client
            .find(Locator::Css(css))
            .await
            .map_err(|error| command(format!("find {css:?}"), error))
    }

    /// Every element matching the CSS selector `css`, in document order (none is no error).
    ///
    /// # Errors
    ///
    /// The command failed.
    pub async fn find_all(&self, css: &str) -> Result<Vec<Element>, BrowserError> {
        self.client
            .find_all(Locator::Css(css))
            .await
            .map_err(|error| command(format!("find all {css:?}"), error))
    }

    /// The rendered text of the first element matching `css` (`innerText`: what a person
    /// sees, whitespace collapsed, hidden parts left out).
    ///
    /// # Errors
    ///
    /// None matches, or the command failed.
    pub async fn text(&self, css: &str) -> Result<String, BrowserError> {
        self.find(css)
            .await?
            .text()
            .await
            .map_err(|error| command(format!("text of {css:?}"), error))
    }

    /// Clicks the first element matching `css`, as a person would (it must be visible and not
    /// covered); a navigation it starts is waited for.
    ///
    /// # Errors
    ///
    /// None matches, it cannot be clicked, or the page it opens did not load.
    pub async fn click(&self, css: &str) -> Result<(), BrowserError> {
        self.find(css)
            .await?
            .click()
            .await
            .map_err(|error| command(format!("click on {css:?}"), error))
    }

    /// Types `value` into the form field matching `css`, after clearing it (key by key: the
    /// page's `input` events fire).
    ///
    /// # Errors
    ///
    /// None matches, or it is not editable.
    pub async fn fill(&self, css: &str, value: &str) -> Result<(), BrowserError> {
        let field = self.find(css).await?;
        field
            .clear()
            .await
            .map_err(|error| command(format!("clear {css:?}"), error))?;
        field
            .send_keys(value)
            .await
            .map_err(|error| command(format!("type into {css:?}"), error))
    }

    /// Submits the form matching `css` as a person would: clicks its first submit button
    /// (`button[type=submit]`, `input[type=submit]`), or, when it has none, asks for the
    /// submission as pressing Enter would (`requestSubmit()`: validation and `submit` events
    /// included). The page it opens is waited for when it starts at once.
    ///
    /// # Errors
    ///
    /// No form matches, or the command failed.
    pub async fn submit(&self, css: &str) -> Result<(), BrowserError> {
        let form = self
            .client
            .form(Locator::Css(css))
            .await
            .map_err(|error| command(format!("find the form {css:?}"), error))?;
        match form.submit().await {
            Ok(()) => Ok(()),
            Err(error) if error.is_no_such_element() => {
                let form = self.find(css).await?;
                self.execute("arguments[0].requestSubmit()", vec![json!(form)])
                    .await
                    .map(|_| ())
            }
            Err(error) => Err(command(format!("submit {css:?}"), error)),
        }
    }

    /// The URL of the page shown.
    ///
    /// # Errors
    ///
    /// The command failed.
    pub async fn current_url(&self) -> Result<url::Url, BrowserError> {
        self.client
            .current_url()
            .await
            .map_err(|error| command("read the current URL".to_owned(), error))
    }

    /// The page's current DOM, serialised (not the bytes the server sent: scripts' changes
    /// included).
    ///
    /// # Errors
    ///
    /// The command failed.
    pub async fn source(&self) -> Result<String, BrowserError> {
        self.client
            .source()
            .await
            .map_err(|error| command("read the page source".to_owned(), error))
    }

    /// Runs `script` as the body of a function in the page, with `args` as `arguments`
    /// (elements may be passed as `json!(element)`); what it returns, as JSON (`undefined` is
    /// `null`: use `typeof x` to tell them apart).
    ///
    /// # Errors
    ///
    /// The script threw, or ran longer than 10 s.
    pub async fn execute(&self, script: &str, args: Vec<Value>) -> Result<Value, BrowserError> {
        self.client
            .execute(script, args)
            .await
            .map_err(|error| command(format!("run the script {script:?}"), error))
    }

    /// Waits until an element matches `css` (checked every 50 ms), at most `timeout`.
    ///
    /// # Errors
    ///
    /// [`BrowserError::Timeout`] when none appeared in time; a failed command.
    pub async fn wait_for(&self, css: &str, timeout: Duration) -> Result<Element, BrowserError> {
        self.client
            .wait()
            .at_most(timeout)
            .every(Duration::from_millis(50))
            .for_element(Locator::Css(css))
            .await
            .map_err(|error| match error {
                CmdError::WaitTimeout => BrowserError::Timeout {
                    what: format!("an element matching {css:?}"),
                    waited: timeout,
                },
                error => command(format!("wait for {css:?}"), error),
            })
    }

    /// Writes a PNG screenshot of the viewport to `path`, creating its parent directories.
    ///
    /// # Errors
    ///
    /// The screenshot failed, or the file could not be written.
    pub async fn screenshot_png(&self, path: impl AsRef<Path>) -> Result<(), BrowserError> {
        let path = path.as_ref();
        let png = self
            .client
            .screenshot()
            .await
            .map_err(|error| command("take a screenshot".to_owned(), error))?;
        let io = |error| BrowserError::Io {
            path: path.to_owned(),
            error,
        };
        if let Some(parent) = path
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        std::fs::write(path, png).map_err(io)
    }

    /// Ends the WebDriver session (chromedriver quits Chromium), then stops chromedriver.
    ///
    /// # Errors
    ///
    /// The session could not be ended cleanly; the processes are stopped all the same.
    pub async fn close(self) -> Result<(), BrowserError> {
        let Browser { client, driver, .. } = self;
        let closed = client
            .close()
            .await
            .map_err(|error| command("end the session".to_owned(), error));
        drop(driver);
        closed
    }
}

fn command(what: String, error: CmdError) -> BrowserError {
    BrowserError::Command {
        what,
        error: Box::new(error),
    }
}

/// A DevTools command sent through chromedriver (`POST /session/{id}/goog/cdp/execute`).
#[derive(Debug)]
struct CdpCommand {
    method: String,
    params: Value,
}

impl WebDriverCompatibleCommand for CdpCommand {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({"cmd": self.method, "params": self.params});
        (http::Method::POST, Some(body.to_string()))
    }
}

/// An executable file at `path`.
fn is_executable(path: &Path) -> bool {
    std::fs::metadata(path)
        .is_ok_and(|metadata| metadata.is_file() && metadata.permissions().mode() & 0o111 != 0)
}

/// `$CHROMEDRIVER`, else `chromedriver` on `PATH`, else `/usr/bin/chromedriver`.
fn find_chromedriver() -> Result<PathBuf, BrowserError> {
    if let Some(path) = std::env::var_os("CHROMEDRIVER").filter(|path| !path.is_empty()) {
        let path = PathBuf::from(path);
        return if is_executable(&path) {
            Ok(path)
        } else {
            Err(BrowserError::NotInstalled(format!(
                "CHROMEDRIVER={} is not an executable file",
                path.display()
            )))
        };
    }
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join("chromedriver"))
        .chain([PathBuf::from("/usr/bin/chromedriver")])
        .find(|path| is_executable(path))
        .ok_or_else(|| BrowserError::NotInstalled("chromedriver not found".to_owned()))
}

/// `$CHROMIUM`, else `/usr/bin/chromium`.
fn find_chromium() -> Result<PathBuf, BrowserError> {
    let (path, from) = match std::env::var_os("CHROMIUM").filter(|path| !path.is_empty()) {
        Some(path) => (PathBuf::from(path), "CHROMIUM="),
        None => (PathBuf::from("/usr/bin/chromium"), ""),
    };
    if is_executable(&path) {
        Ok(path)
    } else {
        Err(BrowserError::NotInstalled(format!(
            "Chromium not found ({from}{} is not an executable file)",
            path.display()
        )))
    }
}

/// The last bytes of chromedriver's output that are kept.
const OUTPUT_KEPT: usize = 64 * 1024;

/// A running chromedriver, its output, and the profile directory of its Chromium.
struct Driver {
    child: Child,
    /// `http://127.0.0.1:<port>/`.
    url: String,
    /// `127.0.0.1:<port>`.
    addr: String,
    output: Arc<Mutex<String>>,
    profile: PathBuf,
    chromium_pid: Option<u32>,
}

impl Driver {
    /// Starts `chromedriver` on a port it picks (`--port=0`; it prints which), and waits until
    /// `/status` says it is ready.
    fn start(chromedriver: &Path) -> Result<Driver, BrowserError> {
        static STARTED: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "{}-{}",
            std::process::id(),
            STARTED.fetch_add(1, Ordering::Relaxed)
        );
        let profile = std::env::temp_dir().join(format!("webhook-chromium-{name}"));
        // Every DevTools message, with timestamps: what a slow or failing command waited for.
        let verbose_log = std::env::var_os(LOG_DIR).map(|dir| {
            let path = Path::new(&dir).join(format!("chromedriver-{name}.log"));
            vec![
                "--verbose".to_owned(),
                format!("--log-path={}", path.display()),
            ]
        });
        let _ = std::fs::remove_dir_all(&profile);
        std::fs::create_dir_all(&profile).map_err(|error| BrowserError::Io {
            path: profile.clone(),
            error,
        })?;
        if let Some(dir) = std::env::var_os(LOG_DIR) {
            std::fs::create_dir_all(&dir).map_err(|error| BrowserError::Io {
                path: dir.into(),
                error,
            })?;
        }
        let mut child = Command::new(chromedriver)
            .arg("--port=0")
            .args(verbose_log.into_iter().flatten())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|error| BrowserError::Driver {
                reason: format!("cannot run {}: {error}", chromedriver.display()),
                output: String::new(),
            })?;
        let output = Arc::new(Mutex::new(String::new()));
        let (port_tx, port_rx) = mpsc::channel();
        drain_stdout(child.stdout.take(), Arc::clone(&output), port_tx);
        drain(child.stderr.take(), Arc::clone(&output));
        let mut driver = Driver {
            child,
            url: String::new(),
            addr: String::new(),
            output,
            profile,
            chromium_pid: None,
        };
        let deadline = Instant::now() + DRIVER_START;
        let port: u16 = loop {
            match port_rx.recv_timeout(Duration::from_millis(50)) {
                Ok(port) => break port,
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return Err(driver.failed("it exited without saying its port"))
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if let Ok(Some(status)) = driver.child.try_wait() {
                        return Err(driver.failed(&format!("it exited ({status})")));
                    }
                    if Instant::now() > deadline {
                        return Err(driver
                            .failed(&format!("it did not say its port within {DRIVER_START:?}")));
                    }
                }
            }
        };
        driver.addr = format!("127.0.0.1:{port}");
        driver.url = format!("http://{}/", driver.addr);
        loop {
            match http_get(&driver.addr, "/status", Duration::from_secs(2)) {
                Ok(body) if body.contains("\"ready\":true") => return Ok(driver),
                _ if Instant::now() > deadline => {
                    return Err(driver.failed(&format!(
                        "{}status did not answer ready within {DRIVER_START:?}",
                        driver.url
                    )))
                }
                _ => std::thread::sleep(Duration::from_millis(50)),
            }
        }
    }

    fn output(&self) -> String {
        self.output
            .lock()
            .map(|output| output.clone())
            .unwrap_or_default()
    }

    fn failed(&self, reason: &str) -> BrowserError {
        BrowserError::Driver {
            reason: reason.to_owned(),
            output: self.output(),
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // chromedriver quits the browsers of its sessions still open, then exits.
        if !self.addr.is_empty() {
            let _ = http_get(&self.addr, "/shutdown", Duration::from_secs(5));
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while matches!(self.child.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        // A Chromium that outlived chromedriver (killed before it could quit it): stopped by its
        // id, once its command line shows it is ours (its profile), not a recycled id.
        if let Some(pid) = self.chromium_pid {
            stop_process(pid, &self.profile);
        }
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// Whether process `pid` is alive (not a zombie) and its command line holds `marker`.
fn is_running_with(pid: u32, marker: &Path) -> bool {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The state follows the command name, which is in parentheses.
    let alive = stat
        .rsplit_once(')')
        .and_then(|(_, rest)| rest.trim_start().chars().next())
        .is_some_and(|state| state != 'Z' && state != 'X');
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    let marker = marker.as_os_str().as_encoded_bytes();
    alive && cmdline.windows(marker.len()).any(|window| window == marker)
}

/// SIGTERM to `pid` if it still runs with `marker` in its command line (Chromium then stops
/// its child processes and exits), SIGKILL after 5 s.
fn stop_process(pid: u32, marker: &Path) {
    if !is_running_with(pid, marker) {
        return;
    }
    let signal = |name: &str| {
        let _ = Command::new("kill")
            .args([name, &pid.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    };
    signal("-TERM");
    let deadline = Instant::now() + Duration::from_secs(5);
    while is_running_with(pid, marker) {
        if Instant::now() > deadline {
            signal("-KILL");
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Appends `text` to `output`, keeping its last [`OUTPUT_KEPT`] bytes.
fn append(output: &Mutex<String>, text: &str) {
    if let Ok(mut output) = output.lock() {
        output.push_str(text);
        if output.len() > OUTPUT_KEPT {
            let mut cut = output.len() - OUTPUT_KEPT;
            while !output.is_char_boundary(cut) {
                cut += 1;
            }
            output.drain(..cut);
        }
    }
}

/// Reads chromedriver's standard output into `output` until it closes, sending the port of
/// its `ChromeDriver was started successfully on port N.` line to `port`.
fn drain_stdout(stdout: Option<ChildStdout>, output: Arc<Mutex<String>>, port: mpsc::Sender<u16>) {
    let Some(stdout) = stdout else { return };
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout);
        let mut line = String::new();
        while matches!(lines.read_line(&mut line), Ok(read) if read > 0) {
            append(&output, &line);
            if let Some(number) = line
                .trim_end()
                .strip_suffix('.')
                .and_then(|line| line.rsplit_once(" on port "))
                .and_then(|(_, number)| number.parse().ok())
            {
                let _ = port.send(number);
            }
            line.clear();
        }
    });
}

/// Reads chromedriver's standard error into `output` until it closes.
fn drain(stderr: Option<ChildStderr>, output: Arc<Mutex<String>>) {
    let Some(mut stderr) = stderr else { return };
    std::thread::spawn(move || {
        let mut buffer = [0; 8192];
        while let Ok(read @ 1..) = stderr.read(&mut buffer) {
            append(&output, &String::from_utf8_lossy(&buffer[..read]));
        }
    });
}

/// `GET path` on `addr` over a new connection: the body, when the answer is `200`.
/// (chromedriver keeps the connection open after its answer whatever the request says: the
/// body is read up to its `Content-Length`.)
fn http_get(addr: &str, path: &str, timeout: Duration) -> std::io::Result<String> {
    let socket = addr
        .parse()
        .map_err(|_| std::io::Error::other(format!("bad address {addr}")))?;
    let stream = TcpStream::connect_timeout(&socket, timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    write!(
        &stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )?;
    let mut reader = BufReader::new(stream);
    let mut status = String::new();
    reader.read_line(&mut status)?;
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    if status.starts_with("HTTP/1.1 200") {
        Ok(String::from_utf8_lossy(&body).into_owned())
    } else {
        Err(std::io::Error::other(format!(
            "GET {path}: {}",
            status.trim()
        )))
    }
}
