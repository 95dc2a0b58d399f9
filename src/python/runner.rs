//! Ctrl-C during a blocking call. Python runs signal handlers on the main
//! thread, between bytecodes: a thread blocked in Rust for a whole send
//! (an answer, a backoff, a `Retry-After`) would not see Ctrl-C until the
//! send ended. So on the main thread the core call runs on a helper thread,
//! and the main thread waits for it in short slices with the GIL released,
//! running the signal handlers between them. Other threads never receive
//! signals: their calls run where they are.
//!
//! Helper threads are kept for the next call (a thread per call would cost
//! more than a loopback send), and forgotten after `fork()`, whose child
//! has none of them.

use std::sync::mpsc;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

/// How long the main thread waits before running signal handlers again.
const SLICE: Duration = Duration::from_millis(50);
/// How long a helper thread waits for another call before it ends.
const IDLE_FOR: Duration = Duration::from_secs(60);

type Job = Box<dyn FnOnce() + Send>;

/// What came of waiting for a call.
pub(crate) enum Waited<T> {
    Done(T),
    /// A signal handler raised (KeyboardInterrupt, as a rule): the call may
    /// still be running; `finished` is its result if it had ended.
    Interrupted {
        raised: PyErr,
        finished: Option<T>,
    },
}

/// Runs `job` with the GIL released; on the main thread, on a helper thread
/// so that signal handlers run while it waits.
pub(crate) fn run<T: Send + 'static>(
    py: Python<'_>,
    job: impl FnOnce() -> T + Send + 'static,
) -> PyResult<Waited<T>> {
    if !on_main_thread(py) {
        return Ok(Waited::Done(py.detach(job)));
    }
    let (tx, rx) = mpsc::sync_channel(1);
    hand_over(Box::new(move || {
        // A panic is the caller's to raise (PanicException, as in place);
        // the helper lives on.
        let _ = tx.send(std::panic::catch_unwind(std::panic::AssertUnwindSafe(job)));
    }));
    let mut rx = rx;
    loop {
        // The receiver goes to the detached closure and back (it is not Sync).
        let (got, back) = py.detach(move || (rx.recv_timeout(SLICE), rx));
        rx = back;
        match got {
            Ok(Ok(done)) => return Ok(Waited::Done(done)),
            // Raised where the call was made, as a panic in place would be.
            Ok(Err(panic)) => std::panic::resume_unwind(panic),
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(pyo3::exceptions::PyOSError::new_err(
                    "splio_sms: no thread could be started to run the call",
                ))
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
        if let Err(raised) = py.check_signals() {
            return Ok(Waited::Interrupted {
                raised,
                finished: rx.try_recv().ok().and_then(Result::ok),
            });
        }
    }
}

fn on_main_thread(py: Python<'_>) -> bool {
    static THREADING: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
    let check = || -> PyResult<bool> {
        let threading = THREADING
            .get_or_try_init(py, || PyModule::import(py, "threading").map(Bound::unbind))?
            .bind(py);
        let main = threading.call_method0("main_thread")?.getattr("ident")?;
        main.eq(threading.call_method0("get_ident")?)
    };
    check().unwrap_or(false)
}

/// Idle helper threads, by the process they belong to.
struct Idle {
    pid: u32,
    next_id: u64,
    helpers: Vec<(u64, mpsc::Sender<Job>)>,
}

static IDLE: Mutex<Idle> = Mutex::new(Idle {
    pid: 0,
    next_id: 0,
    helpers: Vec::new(),
});

fn idle() -> MutexGuard<'static, Idle> {
    let mut idle = IDLE.lock().unwrap_or_else(|p| p.into_inner());
    let pid = std::process::id();
    if idle.pid != pid {
        // A child after fork(): the parent's helpers are not here.
        idle.pid = pid;
        idle.helpers.clear();
    }
    idle
}

/// Gives `job` to an idle helper, or to a new one.
fn hand_over(mut job: Job) {
    loop {
        let taken = idle().helpers.pop();
        let Some((_, helper)) = taken else { break };
        match helper.send(job) {
            Ok(()) => return,
            Err(mpsc::SendError(back)) => job = back,
        }
    }
    let id = {
        let mut idle = idle();
        idle.next_id += 1;
        idle.next_id
    };
    let (me, jobs) = mpsc::channel::<Job>();
    // Should no thread be had, the job is dropped with its result's sender,
    // and the waiting side hears it.
    let _ = std::thread::Builder::new()
        .name("splio-sms".to_owned())
        .spawn(move || helper(id, me, jobs, job));
}

fn helper(id: u64, me: mpsc::Sender<Job>, jobs: mpsc::Receiver<Job>, first: Job) {
    let mut job = first;
    loop {
        job();
        idle().helpers.push((id, me.clone()));
        job = loop {
            match jobs.recv_timeout(IDLE_FOR) {
                Ok(next) => break next,
                Err(_) => {
                    let mut idle = idle();
                    let before = idle.helpers.len();
                    idle.helpers.retain(|(i, _)| *i != id);
                    if idle.helpers.len() < before {
                        // Nobody holds this helper any more: it may end.
                        return;
                    }
                    // Taken meanwhile: its job is on the way.
                }
            }
        };
    }
}
