//! The accept loop and the connections: accepting with a back-off when
//! accepting fails, serving each connection with hyper, and a graceful,
//! bounded drain at shutdown.

use std::future::Future;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Notify};
use tokio::task::JoinSet;
use tower::ServiceExt;

/// Lets a handler close its own connection (for [`crate::Fault::DropConnection`]).
#[derive(Clone)]
pub(crate) struct ConnAbort(Arc<Notify>);

impl ConnAbort {
    /// Closes the connection without a response.
    pub(crate) fn abort(&self) {
        self.0.notify_one();
    }
}

/// A source of connections: the TCP listener, or a stand-in in unit tests.
pub(crate) trait Accept: Send {
    /// One accepted connection.
    type Conn: AsyncRead + AsyncWrite + Unpin + Send + 'static;
    /// Waits for the next connection.
    fn accept(&mut self) -> impl Future<Output = io::Result<Self::Conn>> + Send;
}

impl Accept for TcpListener {
    type Conn = TcpStream;

    async fn accept(&mut self) -> io::Result<TcpStream> {
        let (stream, _) = TcpListener::accept(self).await?;
        // Small responses go out at once instead of waiting for an ACK.
        let _ = stream.set_nodelay(true);
        Ok(stream)
    }
}

/// The wait after a failed accept: 5 ms, doubling up to 1 s, back to 5 ms
/// after a success. When the process is out of file descriptors (EMFILE),
/// accept fails again at once until a connection closes; retrying without a
/// pause would spin a core and starve the connections that could close.
struct Backoff {
    next: Duration,
}

impl Backoff {
    const FIRST: Duration = Duration::from_millis(5);
    const MAX: Duration = Duration::from_secs(1);

    fn new() -> Self {
        Backoff { next: Self::FIRST }
    }

    fn reset(&mut self) {
        self.next = Self::FIRST;
    }

    fn step(&mut self) -> Duration {
        let wait = self.next;
        self.next = (self.next * 2).min(Self::MAX);
        wait
    }
}

/// The next connection, or `None` once shutdown is signalled. Accept errors
/// are retried after the back-off.
async fn next_conn<A: Accept>(
    acceptor: &mut A,
    backoff: &mut Backoff,
    shutdown: &mut watch::Receiver<bool>,
) -> Option<A::Conn> {
    loop {
        if *shutdown.borrow() {
            return None;
        }
        let accepted = tokio::select! {
            _ = shutdown.changed() => return None,
            accepted = acceptor.accept() => accepted,
        };
        match accepted {
            Ok(conn) => {
                backoff.reset();
                return Some(conn);
            }
            Err(_) => {
                let wait = backoff.step();
                tokio::select! {
                    _ = shutdown.changed() => return None,
                    _ = tokio::time::sleep(wait) => {}
                }
            }
        }
    }
}

/// Serves connections from `acceptor` until `shutdown` turns true (or its
/// sender is dropped). Then it stops accepting, lets every connection finish
/// the requests it is serving (idle keep-alive connections close at once),
/// and after `drain` closes whatever is still open.
pub(crate) async fn serve<A: Accept>(
    mut acceptor: A,
    router: Router,
    mut shutdown: watch::Receiver<bool>,
    drain: Duration,
) {
    let mut conns = JoinSet::new();
    let mut backoff = Backoff::new();
    while let Some(conn) = next_conn(&mut acceptor, &mut backoff, &mut shutdown).await {
        while conns.try_join_next().is_some() {}
        conns.spawn(serve_connection(conn, router.clone(), shutdown.clone()));
    }
    // Close the listening socket first: new connections are refused.
    drop(acceptor);
    let drained = async { while conns.join_next().await.is_some() {} };
    let _ = tokio::time::timeout(drain, drained).await;
    conns.shutdown().await;
}

async fn serve_connection<C>(conn: C, router: Router, mut shutdown: watch::Receiver<bool>)
where
    C: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let abort = Arc::new(Notify::new());
    let conn_abort = ConnAbort(Arc::clone(&abort));
    let service =
        hyper::service::service_fn(move |mut req: http::Request<hyper::body::Incoming>| {
            req.extensions_mut().insert(conn_abort.clone());
            let router = router.clone();
            async move { router.oneshot(req).await }
        });
    let builder = auto::Builder::new(TokioExecutor::new());
    let conn = builder.serve_connection(TokioIo::new(conn), service);
    tokio::pin!(conn);
    let mut draining = false;
    loop {
        if !draining && *shutdown.borrow() {
            draining = true;
            conn.as_mut().graceful_shutdown();
        }
        tokio::select! {
            _ = conn.as_mut() => return,
            _ = abort.notified() => return,
            _ = shutdown.changed(), if !draining => {
                draining = true;
                conn.as_mut().graceful_shutdown();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    /// An acceptor that always fails, as a listener out of file descriptors does.
    struct Exhausted(Arc<AtomicUsize>);

    impl Accept for Exhausted {
        type Conn = TcpStream;

        async fn accept(&mut self) -> io::Result<TcpStream> {
            self.0.fetch_add(1, Ordering::Relaxed);
            Err(io::Error::from_raw_os_error(24)) // EMFILE
        }
    }

    #[tokio::test]
    async fn failing_accepts_back_off_instead_of_spinning() {
        let calls = Arc::new(AtomicUsize::new(0));
        let (tx, mut rx) = watch::channel(false);
        let mut acceptor = Exhausted(Arc::clone(&calls));
        let mut backoff = Backoff::new();
        let waited = tokio::time::timeout(
            Duration::from_millis(300),
            next_conn(&mut acceptor, &mut backoff, &mut rx),
        )
        .await;
        assert!(waited.is_err(), "no connection was accepted");
        // 5 + 10 + 20 + 40 + 80 + 160 ms: about 6 tries in 300 ms. A loop that
        // only yields makes hundreds of thousands.
        let tries = calls.load(Ordering::Relaxed);
        assert!((2..=20).contains(&tries), "{tries} accept calls in 300 ms");
        // Shutdown still ends the wait at once.
        let _ = tx.send(true);
        let ended = tokio::time::timeout(
            Duration::from_secs(5),
            next_conn(&mut acceptor, &mut backoff, &mut rx),
        )
        .await;
        assert!(matches!(ended, Ok(None)));
    }

    #[test]
    fn backoff_doubles_to_a_cap_and_resets() {
        let mut b = Backoff::new();
        let waits: Vec<u64> = (0..10).map(|_| b.step().as_millis() as u64).collect();
        assert_eq!(waits, [5, 10, 20, 40, 80, 160, 320, 640, 1000, 1000]);
        b.reset();
        assert_eq!(b.step(), Duration::from_millis(5));
    }
}
