//! Running the example programs from the integration tests: where cargo built them, a free
//! loopback address, and a child process that is killed when the test ends.

use std::net::TcpListener;
use std::path::Path;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// The example program `name` that cargo built next to this test's binary.
pub fn example(name: &str) -> PathBuf {
    let deps = std::env::current_exe().unwrap();
    let path = deps
        .parent()
        .and_then(|deps| deps.parent())
        .map(|profile| profile.join("examples").join(name))
        .unwrap();
    assert!(
        path.exists(),
        "{} is missing: run the tests with `cargo test --workspace`, which builds the examples",
        path.display()
    );
    path
}

/// A loopback address with a port that was free a moment ago.
pub fn free_addr() -> String {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("127.0.0.1:{port}")
}

/// A program started by a test, killed (and reaped) when dropped.
pub struct Running(Child);

impl Running {
    /// Starts `program` quietly and waits (20 s at most) until it accepts connections on
    /// `addr`.
    pub fn serving(mut program: Command, addr: &str) -> Self {
        program.stdout(Stdio::null()).stderr(Stdio::null());
        let running = Running(program.spawn().unwrap());
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(addr).is_err() {
            assert!(
                Instant::now() < deadline,
                "{:?} did not start on {addr}",
                program.get_program()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        running
    }
}

impl Running {
    /// Starts `program` with its standard output and error written to `stdout` and `stderr`,
    /// and waits (20 s at most) until it accepts connections on `addr`.
    pub fn serving_logged(mut program: Command, addr: &str, stdout: &Path, stderr: &Path) -> Self {
        program
            .stdout(std::fs::File::create(stdout).unwrap())
            .stderr(std::fs::File::create(stderr).unwrap());
        let mut running = Running(program.spawn().unwrap());
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(addr).is_err() {
            if let Some(status) = running.0.try_wait().unwrap() {
                panic!(
                    "{:?} exited ({status}) before serving: {}",
                    program.get_program(),
                    std::fs::read_to_string(stderr).unwrap_or_default()
                );
            }
            assert!(
                Instant::now() < deadline,
                "{:?} did not start on {addr}",
                program.get_program()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        running
    }

    /// Sends the program SIGTERM (with the `kill` command).
    pub fn terminate(&self) {
        let sent = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success(), "kill -TERM {} failed", self.0.id());
    }

    /// Kills the program with SIGKILL (no chance to finish anything) and reaps it.
    pub fn kill(&mut self) {
        self.0.kill().unwrap();
        let _ = self.0.wait();
    }

    /// Waits for the program to exit, at most `within`.
    pub fn exit_status(&mut self, within: Duration) -> ExitStatus {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.0.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the program is still running after {within:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// A file for a program's output, in the system's temporary folder, unique to this process
/// and `name`.
pub fn output_file(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("webhook-test-{}-{name}", std::process::id()))
}

/// One HTTP/1.1 request over a new connection (`Connection: close`), for tests that must not
/// depend on a client library's pooling: the status, the headers (lowercase names) and the body.
pub fn http1(
    addr: &str,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
) -> (u16, Vec<(String, String)>, String) {
    http1_with_body(addr, method, target, headers, b"")
}

/// [`http1`] with a body.
pub fn http1_with_body(
    addr: &str,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, Vec<(String, String)>, String) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut request = format!(
        "{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {answer:?}"));
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    (status, headers, body.to_owned())
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
