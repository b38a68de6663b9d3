//! Running the example programs from the integration tests: where cargo built them, a free
//! loopback address, and a child process that is killed when the test ends.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
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

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
