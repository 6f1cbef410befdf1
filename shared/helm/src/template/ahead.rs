//! Parsing template files on another thread while the rest of a chart loads.
//!
//! A chart directory is loaded in name order: its templates are read before `values.yaml`, and
//! decoding a Bitnami `values.yaml` takes about as long as parsing half of its templates. The
//! loader hands each template text to a [`ParseAhead`] as soon as it has read it; one thread
//! parses them meanwhile. Rendering then takes each parsed file from its [`Pending`] (renamed to
//! the file's path in the chart tree, which depends on aliases only known at render time), and
//! parses itself whatever nobody has started yet.
//!
//! A parse result is kept with the file, so rendering the same loaded chart again parses
//! nothing. Errors are not kept: the file is parsed again under its final name, which gives the
//! error exactly as a direct parse would.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

use super::{ParsedFile, TemplateError, parse_file};

/// The name files are parsed under before they have their final one (never shown: a file that
/// fails to parse is parsed again under its own name).
const PROVISIONAL_NAME: &str = "template";

/// Stack of the parsing thread (virtual memory; the parser recurses once per nested action).
const PARSE_STACK_BYTES: usize = 64 << 20;

/// One template text and, once someone has parsed it, its tree.
pub struct Pending {
    text: Arc<str>,
    /// Whether a thread has taken the parse (it then always stores a result).
    claimed: AtomicBool,
    /// `Some(None)` when the parse failed or panicked.
    result: Mutex<Option<Option<ParsedFile>>>,
    /// Threads waiting for the result (counted under the `result` lock: a wake-up is a system
    /// call, made only when someone waits).
    waiters: AtomicUsize,
    parsed: Condvar,
}

impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pending")
            .field("bytes", &self.text.len())
            .field("claimed", &self.claimed.load(Ordering::Relaxed))
            .finish()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Pending {
    /// A text nobody has parsed yet.
    pub fn new(text: Arc<str>) -> Arc<Pending> {
        Arc::new(Pending {
            text,
            claimed: AtomicBool::new(false),
            result: Mutex::new(None),
            waiters: AtomicUsize::new(0),
            parsed: Condvar::new(),
        })
    }

    /// The length of the text, in bytes.
    pub fn text_len(&self) -> usize {
        self.text.len()
    }

    /// Parses the text here unless another thread has already taken it.
    pub fn parse_if_unclaimed(&self) {
        if self.claimed.swap(true, Ordering::AcqRel) {
            return;
        }
        // A panic must still store a result: other threads wait for one.
        let parsed = std::panic::catch_unwind(|| parse_file(PROVISIONAL_NAME, self.text.clone()))
            .ok()
            .and_then(Result::ok);
        let mut result = lock(&self.result);
        *result = Some(parsed);
        if self.waiters.load(Ordering::Relaxed) > 0 {
            self.parsed.notify_all();
        }
        drop(result);
    }

    /// The parsed file under `name`: parsed here if nobody has started it, else waited for.
    pub fn take(&self, name: &str) -> Result<ParsedFile, TemplateError> {
        self.parse_if_unclaimed();
        let mut result = lock(&self.result);
        while result.is_none() {
            self.waiters.fetch_add(1, Ordering::Relaxed);
            result = self
                .parsed
                .wait(result)
                .unwrap_or_else(PoisonError::into_inner);
            self.waiters.fetch_sub(1, Ordering::Relaxed);
        }
        match result.as_ref().and_then(Option::as_ref) {
            Some(parsed) => Ok(parsed.renamed(name)),
            None => {
                drop(result);
                parse_file(name, self.text.clone())
            }
        }
    }
}

/// The loader's side: texts submitted here are parsed, in order, by one thread started with the
/// first. Dropping it tells the thread that no more will come; the thread ends once it has
/// nothing left to parse.
///
/// Waking a waiting thread is a system call, and on a small machine an interrupt to the other
/// CPU: a thread that parses faster than the files are read would be woken for every file. It
/// is woken once [`WAKE_BYTES`] of text wait, or when [`ParseAhead::flush`] says that a batch
/// (a directory) is complete.
#[derive(Default)]
pub struct ParseAhead {
    shared: Arc<Shared>,
    /// Whether a thread parses (else texts wait for the render to parse them).
    threaded: bool,
}

#[derive(Default)]
struct Shared {
    queue: Mutex<Queue>,
    wake: Condvar,
}

/// Text that makes it worth waking the thread: ~0.2 ms of parsing.
const WAKE_BYTES: usize = 16 * 1024;

#[derive(Default)]
struct Queue {
    jobs: VecDeque<Arc<Pending>>,
    /// Bytes of text queued since the thread went to wait, while it has not been woken.
    unannounced: usize,
    /// The thread has been woken and has not run since.
    woken: bool,
    /// No more jobs will be submitted.
    closed: bool,
    /// The thread has been started (or could not be: then rendering parses everything).
    started: bool,
    /// The thread waits for work (only then does a submission wake it).
    idle: bool,
}

impl ParseAhead {
    /// No queue: texts are parsed when rendered, on the rendering thread.
    pub fn new() -> ParseAhead {
        ParseAhead::default()
    }

    /// A queue with no thread yet (a chart without templates starts none).
    pub fn threaded() -> ParseAhead {
        ParseAhead {
            shared: Arc::default(),
            threaded: true,
        }
    }

    /// Queues `text` for parsing and returns the handle rendering takes it from. The first text
    /// starts the thread; later ones wake it if it waits and enough text has queued up.
    pub fn submit(&self, text: Arc<str>) -> Arc<Pending> {
        let pending = Pending::new(text);
        if !self.threaded {
            return pending;
        }
        let mut queue = lock(&self.shared.queue);
        queue.unannounced += pending.text_len();
        queue.jobs.push_back(pending.clone());
        if !queue.started {
            queue.started = true;
            let shared = self.shared.clone();
            // If no thread can be started, the texts are parsed when the chart is rendered.
            let _ = crate::placement::on_helper_cpus(
                std::thread::Builder::new()
                    .name("template-parse".into())
                    .stack_size(PARSE_STACK_BYTES)
                    .spawn(move || shared.work()),
            );
        }
        let wake = queue.unannounced >= WAKE_BYTES;
        self.wake_if_waiting(queue, wake);
        pending
    }

    /// Wakes the thread if it waits while texts are queued: the ones submitted so far belong
    /// together, and no more are coming soon.
    pub fn flush(&self) {
        let queue = lock(&self.shared.queue);
        let wake = !queue.jobs.is_empty();
        self.wake_if_waiting(queue, wake);
    }

    fn wake_if_waiting(&self, mut queue: MutexGuard<'_, Queue>, wake: bool) {
        if !(wake && queue.idle && !queue.woken) {
            return;
        }
        queue.woken = true;
        drop(queue);
        self.shared.wake.notify_one();
    }
}

impl Drop for ParseAhead {
    fn drop(&mut self) {
        let mut queue = lock(&self.shared.queue);
        queue.closed = true;
        if queue.idle {
            self.shared.wake.notify_one();
        }
    }
}

impl Shared {
    fn work(&self) {
        let mut queue = lock(&self.queue);
        loop {
            if let Some(job) = queue.jobs.pop_front() {
                // Held by nobody else: the chart it was read for is gone (its load failed).
                if Arc::strong_count(&job) == 1 {
                    continue;
                }
                drop(queue);
                job.parse_if_unclaimed();
                queue = lock(&self.queue);
            } else if queue.closed {
                return;
            } else {
                queue.idle = true;
                queue.unannounced = 0;
                queue = self
                    .wake
                    .wait(queue)
                    .unwrap_or_else(PoisonError::into_inner);
                queue.idle = false;
                queue.woken = false;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::{Value, templates};

    fn render(file: ParsedFile, name: &str) -> Result<String, TemplateError> {
        let mut set = templates();
        set.add_parsed(file);
        set.render(name, &Value::Nil)
    }

    /// Waits (up to a generous deadline) for `done`.
    fn eventually(what: &str, done: impl Fn() -> bool) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while !done() {
            assert!(std::time::Instant::now() < deadline, "never: {what}");
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    }

    fn claimed(pending: &Pending) -> bool {
        pending.claimed.load(Ordering::Acquire)
    }

    /// A thread that waits for work is woken for a large text at once, for small ones only
    /// when the loader flushes (the end of a directory).
    #[test]
    fn the_waiting_thread_is_woken_for_enough_text_or_a_flush() {
        let ahead = ParseAhead::threaded();
        let first = ahead.submit(Arc::from("{{ 1 }}"));
        eventually("the thread parses the first text", || claimed(&first));
        eventually("the thread waits", || lock(&ahead.shared.queue).idle);

        let small = ahead.submit(Arc::from("{{ 2 }}"));
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert!(!claimed(&small), "woken for a few bytes");
        ahead.flush();
        eventually("a flush wakes the thread", || claimed(&small));
        eventually("the thread waits again", || lock(&ahead.shared.queue).idle);

        let large = ahead.submit(Arc::from("x".repeat(WAKE_BYTES).as_str()));
        eventually("enough text wakes the thread", || claimed(&large));
    }

    #[test]
    fn a_file_parsed_ahead_is_taken_under_its_final_name() {
        let ahead = ParseAhead::threaded();
        let pending = ahead.submit(Arc::from(
            r#"{{ define "x" }}x{{ end }}a {{ include "x" . }} {{ fail "boom" }}"#,
        ));
        drop(ahead);
        let file = pending.take("chart/templates/a.yaml").unwrap();
        // Its name is used in execution errors; the defines keep theirs.
        let err = render(file, "chart/templates/a.yaml").unwrap_err();
        assert!(
            err.to_string().contains("chart/templates/a.yaml:1:"),
            "{err}"
        );
        // Taken again (a second render, another alias): the same tree under another name.
        let again = pending.take("other/templates/a.yaml").unwrap();
        let err = render(again, "other/templates/a.yaml").unwrap_err();
        assert!(
            err.to_string().contains("other/templates/a.yaml:1:"),
            "{err}"
        );
    }

    #[test]
    fn a_parse_error_names_the_final_file_as_a_direct_parse_does() {
        let ahead = ParseAhead::threaded();
        let text: Arc<str> = Arc::from("line one\n{{ if }}\n");
        let pending = ahead.submit(text.clone());
        let taken = pending.take("chart/templates/bad.yaml").err().unwrap();
        let direct = parse_file("chart/templates/bad.yaml", text).err().unwrap();
        assert_eq!(taken.to_string(), direct.to_string());
        assert!(taken.to_string().contains("bad.yaml:2"), "{taken}");
    }

    #[test]
    fn files_nobody_parsed_ahead_are_parsed_when_taken() {
        // Never submitted: no thread is involved at all.
        let pending = Pending::new(Arc::from("hello {{ 1 }}"));
        let file = pending.take("t").unwrap();
        assert_eq!(render(file, "t").unwrap(), "hello 1");
    }

    #[test]
    fn many_files_submitted_while_taken_from_another_thread_all_parse_once() {
        let ahead = ParseAhead::threaded();
        let pendings: Vec<_> = (0..200)
            .map(|i| ahead.submit(Arc::from(format!("{{{{ {i} }}}}").as_str())))
            .collect();
        let taker = {
            let pendings = pendings.clone();
            std::thread::spawn(move || {
                pendings
                    .iter()
                    .rev()
                    .enumerate()
                    .map(|(i, p)| render(p.take(&format!("f{i}")).unwrap(), &format!("f{i}")))
                    .collect::<Result<Vec<_>, _>>()
            })
        };
        drop(ahead);
        let outputs = taker.join().unwrap().unwrap();
        let expected: Vec<String> = (0..200).rev().map(|i| i.to_string()).collect();
        assert_eq!(outputs, expected);
        assert!(pendings.iter().all(|p| p.claimed.load(Ordering::Relaxed)));
    }
}
