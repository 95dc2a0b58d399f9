//! The sandbox's HTTP glue: hyper on a small tokio runtime of its own, so
//! that it runs beside blocking code (and inside other runtimes) unchanged.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming as IncomingBody};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

use super::service::{Incoming, Reply};
use super::State;

const MAX_REQUEST_BODY: usize = 16 * 1024 * 1024;

pub(crate) struct Server {
    runtime: Option<tokio::runtime::Runtime>,
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server")
            .field("running", &self.runtime.is_some())
            .finish()
    }
}

impl Server {
    pub fn start(state: Arc<State>) -> io::Result<(Server, SocketAddr)> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("splio-sandbox")
            .enable_all()
            .build()?;
        // Bound with std so that starting never blocks on (or nests in) a runtime.
        let listener = std::net::TcpListener::bind(("127.0.0.1", state.config.port))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let listener = {
            let _entered = runtime.enter();
            TcpListener::from_std(listener)?
        };
        runtime.spawn(accept(listener, state));
        Ok((
            Server {
                runtime: Some(runtime),
            },
            addr,
        ))
    }

    pub fn stop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

async fn accept(listener: TcpListener, state: Arc<State>) {
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of file descriptors or similar: wait instead of spinning.
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        state.connected();
        let state = state.clone();
        tokio::spawn(async move {
            let service = service_fn(move |req| serve(state.clone(), req));
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// Waits until `deadline`, to within tens of microseconds. tokio's timer
/// counts whole milliseconds and rounds up: an answer due 2 ms after its
/// request came after 4, one due after 50 ms after 52, and a benchmark
/// against the sandbox measured its timer. The timer takes the wait to
/// within 5 ms of the deadline (it can wake 2 ms late), a blocking
/// thread's sleep (nanosleep) the rest.
async fn wait_until(deadline: tokio::time::Instant) {
    const TIMER_SLACK: Duration = Duration::from_millis(5);
    if let Some(coarse) = deadline.checked_sub(TIMER_SLACK) {
        tokio::time::sleep_until(coarse).await;
    }
    let deadline = deadline.into_std();
    let _ = tokio::task::spawn_blocking(move || {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if !left.is_zero() {
            std::thread::sleep(left);
        }
    })
    .await;
}

/// Returned to hyper to close the connection without an answer.
#[derive(Debug)]
struct DropConnection;

impl fmt::Display for DropConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection dropped on purpose")
    }
}

impl std::error::Error for DropConnection {}

async fn serve(
    state: Arc<State>,
    req: Request<IncomingBody>,
) -> Result<Response<Full<Bytes>>, DropConnection> {
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let user_agent = header("user-agent");
    let content_type = header("content-type");
    let method = req.method().as_str().to_owned();
    let path = req.uri().path().to_owned();
    let body = match Limited::new(req.into_body(), MAX_REQUEST_BODY)
        .collect()
        .await
    {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return Ok(plain(413, "request body too large or unreadable")),
    };
    // The latency is counted from the request's arrival, as a real service's
    // answer time includes its own work: the sandbox's checking of a large
    // piece then does not add to it (it made a batch look slower than it is).
    let arrived = tokio::time::Instant::now();
    state.enter();
    let _leave = Leave(&state);
    let plan = state.handle(&Incoming {
        method: &method,
        path: &path,
        user_agent,
        content_type,
        body: &body,
    });
    if !plan.delay.is_zero() {
        wait_until(arrived + plan.delay).await;
    }
    match plan.reply {
        Reply::Drop => Err(DropConnection),
        Reply::Answer {
            status,
            content_type,
            headers,
            body,
        } => {
            let mut builder = Response::builder()
                .status(status)
                .header("content-type", content_type);
            for (name, value) in headers {
                builder = builder.header(name, value);
            }
            Ok(builder
                .body(Full::new(Bytes::from(body)))
                .unwrap_or_else(|_| plain(500, "bad canned answer")))
        }
    }
}

/// Ends the in-flight count however `serve` ends (answer, drop, cancellation).
struct Leave<'a>(&'a State);

impl Drop for Leave<'_> {
    fn drop(&mut self) {
        self.0.leave();
    }
}

fn plain(status: u16, text: &'static str) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from_static(text.as_bytes())));
    *r.status_mut() =
        hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    r
}
