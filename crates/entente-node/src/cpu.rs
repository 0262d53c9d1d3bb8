//! The node's pool for CPU-heavy request work (validating, canonicalizing and signing the
//! objects of an envelope), kept off the async runtime.
//!
//! Why a separate pool: a large POST is tens of milliseconds of pure computation. Run on the
//! runtime's workers, it would stall every other request queued on that worker; run there in
//! parallel with the store's single writer, it competed with it for the cores, and the writer —
//! the one serial stage every write passes through — was descheduled mid-transaction (its work
//! under the lock took 10 ms at best and 55–80 ms under contention). So the pool's threads run
//! at a lower scheduling priority (nice +10 on Linux): they use every cycle the writer and the
//! request handlers leave, and give way when those need a core. Within a request the objects are
//! prepared in parallel across the pool (rayon), so even a single client posting one envelope at
//! a time uses every core.

use crate::error::NodeError;
use rayon::ThreadPool;

/// How much lower the pool's threads run than the rest of the server (a `nice` increment).
const NICE: i32 = 10;

/// Builds the pool: one thread per core, each at a lower priority.
pub fn pool() -> Result<ThreadPool, NodeError> {
    rayon::ThreadPoolBuilder::new()
        .thread_name(|i| format!("entente-cpu-{i}"))
        .start_handler(|_| lower_priority_by(NICE))
        .build()
        .map_err(|e| NodeError::Pool(format!("starting the CPU pool: {e}")))
}

/// Lowers the calling thread's priority. On Linux `setpriority(PRIO_PROCESS, tid)` applies to
/// one thread. Failing to lower it costs only the scheduling preference, so it is logged.
fn lower_priority_by(nice: i32) {
    let tid = rustix::thread::gettid();
    let current = rustix::process::getpriority_process(Some(tid)).unwrap_or(0);
    if let Err(e) = rustix::process::setpriority_process(Some(tid), current + nice) {
        tracing::debug!(error = %e, "could not lower the CPU pool's priority");
    }
}

/// How much lower screening runs than the rest of the server: below the object pool too.
const SCREENING_NICE: i32 = 15;

/// Builds the pool screening runs on: apart from [`pool`], so that a batch of names (seconds of
/// work) never holds up the preparation of objects a client is storing; one thread fewer than
/// there are cores (at least one), at the lowest priority, so the runtime and the store's writer
/// always have a core.
pub fn screening_pool() -> Result<ThreadPool, NodeError> {
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    rayon::ThreadPoolBuilder::new()
        .num_threads(cores.saturating_sub(1).max(1))
        .thread_name(|i| format!("entente-screen-{i}"))
        .start_handler(|_| lower_priority_by(SCREENING_NICE))
        .build()
        .map_err(|e| NodeError::Pool(format!("starting the screening pool: {e}")))
}

/// Runs `f` on the pool and waits for it without blocking the async runtime.
pub async fn run<T: Send + 'static>(
    pool: &ThreadPool,
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, NodeError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    pool.spawn(move || {
        // The receiver is gone only if the request was dropped; the result is then unwanted.
        let _ = tx.send(f());
    });
    rx.await
        .map_err(|_| NodeError::Pool("the CPU pool dropped a task (it panicked)".to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn own_nice() -> i32 {
        rustix::process::getpriority_process(Some(rustix::thread::gettid())).unwrap()
    }

    #[tokio::test]
    async fn work_runs_on_the_pool_at_a_lower_priority() {
        let pool = pool().unwrap();
        let here = own_nice();
        let (name, nice) = run(&pool, || {
            (std::thread::current().name().map(str::to_owned), own_nice())
        })
        .await
        .unwrap();
        assert!(name.unwrap().starts_with("entente-cpu-"));
        assert_eq!(nice, (here + NICE).min(19));
    }
}
