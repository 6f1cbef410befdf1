//! Which CPUs the renderer's helper threads start on.
//!
//! A parallel render ([`crate::RenderOptions::parallel`], [`crate::Chart::load_parallel`]) hands
//! work between the thread that called it and two helpers: one parses templates while the chart
//! loads, one executes them while the caller validates values and splits the
//! output. On small virtual machines the kernel often queues a new helper on the caller's CPU,
//! which is busy, rather than on an idle one, and the helper then waits there until the caller
//! blocks. Measured on a 2-vCPU machine: one render in five lost 1-3 ms that way; on a chart
//! that renders in 10 ms the median fell by a fifth with the helpers kept off the caller's CPU.
//!
//! A process that renders and exits (the CLI) can opt in with [`keep_helpers_off_this_cpu`]: the
//! calling thread stays on the CPU it runs on, and threads the renderer starts afterwards run on
//! the other CPUs the process may use. Nothing changes for a process that does not opt in, such
//! as a controller that renders on its async runtime's threads.

use std::sync::OnceLock;

/// Where threads start, once a process has opted in.
static PLACEMENT: OnceLock<Placement> = OnceLock::new();

struct Placement {
    /// The CPUs of the process but the one the opting thread stays on.
    helpers: sys::CpuSet,
    /// All the CPUs of the process.
    all: sys::CpuSet,
}

/// Keeps the calling thread on the CPU it runs on now and makes helper threads the renderer
/// starts from then on run on the other CPUs the process may use. Returns whether it did: not
/// when the process may use only one CPU, or on systems without CPU affinity (anything but
/// Linux). Meant to be called once, by the thread that renders, in a process that renders and
/// exits; the calling thread stays on its CPU for the rest of its life.
pub fn keep_helpers_off_this_cpu() -> bool {
    let Some(all) = sys::current() else {
        return false;
    };
    let Some((here, helpers)) = sys::split_current_cpu(&all) else {
        return false;
    };
    sys::set_current(&here) && PLACEMENT.set(Placement { helpers, all }).is_ok()
}

/// Moves a thread just started, which works alongside the rendering thread, to the helper CPUs
/// if the process opted in.
pub(crate) fn on_helper_cpus<T>(spawned: Spawned<T>) -> Spawned<T> {
    place(PLACEMENT.get().map(|p| &p.helpers), spawned)
}

/// Lets a thread just started, which may run anywhere (work for whichever CPU is free, started
/// from a helper), use all the CPUs of the process if it opted in.
pub(crate) fn on_any_cpu<T>(handle: &std::thread::JoinHandle<T>) {
    if let Some(p) = PLACEMENT.get() {
        sys::set_thread(handle, &p.all);
    }
}

/// What starting a thread returns.
pub(crate) type Spawned<T> = std::io::Result<std::thread::JoinHandle<T>>;

/// Moves a thread just started to `cpus`. It starts with the CPUs of the thread that started it
/// and is queued there; moving a thread that waits to run is cheap for the kernel (unlike moving
/// the running thread that starts it). Only where a thread runs depends on it, so a refusal is
/// ignored.
fn place<T>(cpus: Option<&sys::CpuSet>, spawned: Spawned<T>) -> Spawned<T> {
    if let (Some(cpus), Ok(handle)) = (cpus, &spawned) {
        sys::set_thread(handle, cpus);
    }
    spawned
}

#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
mod sys {
    /// A set of CPUs (the kernel's affinity mask).
    pub struct CpuSet(libc::cpu_set_t);

    /// The CPUs the calling thread may run on.
    pub fn current() -> Option<CpuSet> {
        // SAFETY: an all-zero cpu_set_t is a valid empty set; the kernel writes at most
        // `size_of::<cpu_set_t>()` bytes into it.
        unsafe {
            let mut set: libc::cpu_set_t = std::mem::zeroed();
            let rc = libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set);
            (rc == 0).then_some(CpuSet(set))
        }
    }

    /// Restricts the calling thread to `set`; false if the kernel refused.
    pub fn set_current(set: &CpuSet) -> bool {
        // SAFETY: `set` is a valid cpu_set_t of the size passed.
        unsafe { libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set.0) == 0 }
    }

    /// Restricts the thread of `handle` to `set`; false if the kernel refused.
    pub fn set_thread<T>(handle: &std::thread::JoinHandle<T>, set: &CpuSet) -> bool {
        use std::os::unix::thread::JoinHandleExt as _;
        // SAFETY: the handle keeps the thread joinable, so its pthread_t is valid (even if the
        // thread has finished); `set` is a valid cpu_set_t of the size passed.
        unsafe {
            libc::pthread_setaffinity_np(
                handle.as_pthread_t(),
                std::mem::size_of::<libc::cpu_set_t>(),
                &set.0,
            ) == 0
        }
    }

    /// The CPU numbers in `set`.
    #[cfg(test)]
    pub fn members(set: &CpuSet) -> Vec<usize> {
        (0..libc::CPU_SETSIZE as usize)
            // SAFETY: `i` is below CPU_SETSIZE.
            .filter(|&i| unsafe { libc::CPU_ISSET(i, &set.0) })
            .collect()
    }

    /// The CPU the calling thread runs on, alone, and the other CPUs of `allowed`; `None` when
    /// `allowed` has only one CPU or not the current one.
    pub fn split_current_cpu(allowed: &CpuSet) -> Option<(CpuSet, CpuSet)> {
        // SAFETY: sched_getcpu has no preconditions; CPU_* only touch the sets given, with the
        // CPU number checked to be in range.
        unsafe {
            let cpu = usize::try_from(libc::sched_getcpu()).ok()?;
            if cpu >= libc::CPU_SETSIZE as usize
                || !libc::CPU_ISSET(cpu, &allowed.0)
                || libc::CPU_COUNT(&allowed.0) < 2
            {
                return None;
            }
            let mut here: libc::cpu_set_t = std::mem::zeroed();
            libc::CPU_SET(cpu, &mut here);
            let mut others = allowed.0;
            libc::CPU_CLR(cpu, &mut others);
            Some((CpuSet(here), CpuSet(others)))
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod sys {
    pub struct CpuSet;

    pub fn current() -> Option<CpuSet> {
        None
    }

    pub fn set_current(_: &CpuSet) -> bool {
        false
    }

    pub fn set_thread<T>(_: &std::thread::JoinHandle<T>, _: &CpuSet) -> bool {
        false
    }

    pub fn split_current_cpu(_: &CpuSet) -> Option<(CpuSet, CpuSet)> {
        None
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    fn cpus_of_this_thread() -> Vec<usize> {
        sys::members(&sys::current().unwrap())
    }

    /// The CPUs of a thread placed by `on`, read once `on` has returned (a new thread may run
    /// before it is moved).
    fn placed_then_read(on: impl Fn(Spawned<Vec<usize>>) -> Spawned<Vec<usize>>) -> Vec<usize> {
        let (placed, wait) = std::sync::mpsc::channel::<()>();
        let handle = on(std::thread::Builder::new().spawn(move || {
            wait.recv().unwrap();
            cpus_of_this_thread()
        }))
        .unwrap();
        placed.send(()).unwrap();
        handle.join().unwrap()
    }

    /// Run in a thread of its own: opting in pins the calling thread, and the setting is global
    /// to the process (this is the only test that opts in).
    #[test]
    fn helpers_start_off_the_cpu_of_the_thread_that_opted_in() {
        std::thread::spawn(|| {
            let before = cpus_of_this_thread();
            if !keep_helpers_off_this_cpu() {
                // One CPU only (a constrained CI container): there is nothing to split.
                assert!(before.len() < 2, "{before:?}");
                return;
            }
            let here = cpus_of_this_thread();
            assert_eq!(here.len(), 1);
            let helper = placed_then_read(on_helper_cpus);
            let expected: Vec<usize> = before.iter().copied().filter(|c| *c != here[0]).collect();
            assert_eq!(helper, expected);
            let anywhere = placed_then_read(|spawned| {
                if let Ok(handle) = &spawned {
                    on_any_cpu(handle);
                }
                spawned
            });
            assert_eq!(anywhere, before);
            // The spawning thread stayed on its own CPU.
            assert_eq!(cpus_of_this_thread(), here);
        })
        .join()
        .unwrap();
    }
}
