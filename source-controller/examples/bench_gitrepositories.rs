//! Benchmark: N GitRepositories, each its own repository on the local Git server. Starts a
//! source-controller binary (ours or Flux's) against the test cluster, creates the objects and
//! measures the time until all are Ready and the controller's peak RSS (VmHWM).
//!
//!   cargo run --release -p source-controller --example bench_gitrepositories -- <binary> <N> <label>
//!
//! `source-controller/bench/run.sh` runs it for both controllers and prints the table.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use ferroflux_api::source::v1::{GitRepository, GitRepositoryRef, GitRepositorySpec};
use ferroflux_e2e::{ensure_cluster, unique_name};
use k8s_openapi::api::core::v1::Namespace;
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::Api;
use kube::api::{DeleteParams, ListParams, ObjectMeta, Patch, PatchParams, PostParams};

const LABEL: &str = "ferroflux.dev/bench";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (binary, n, name) = (args[1].clone(), args[2].parse::<usize>()?, args[3].clone());
    ferroflux_runtime::tls::install_crypto_provider();
    let env = ensure_cluster();
    let client = env.client().await;
    install_source_crds(&client).await?;

    // repositories first: not part of the measurement
    let services = env.services();
    let urls: Vec<String> = (0..n)
        .map(|i| {
            let repo = services.create_repo(&format!("bench{i}"));
            repo.commit_files(
                &[(
                    "deploy/cm.yaml",
                    &format!("kind: ConfigMap\nmetadata:\n  name: cm{i}\n"),
                )],
                "bench",
            );
            repo.http_url()
        })
        .collect();

    let ns = unique_name("bench");
    let namespaces: Api<Namespace> = Api::all(client.clone());
    let meta = ObjectMeta {
        name: Some(ns.clone()),
        ..Default::default()
    };
    namespaces
        .create(
            &PostParams::default(),
            &Namespace {
                metadata: meta,
                ..Default::default()
            },
        )
        .await?;
    let selector_value = format!("{name}-{}", std::process::id());
    let storage = tempfile::tempdir()?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let mut child = start_controller(
        &binary,
        env.kubeconfig(),
        storage.path(),
        port,
        &selector_value,
    )?;
    tokio::time::sleep(Duration::from_secs(2)).await;

    let api: Api<GitRepository> = Api::namespaced(client.clone(), &ns);
    let started = Instant::now();
    for (i, url) in urls.iter().enumerate() {
        let mut obj = GitRepository::new(
            &format!("repo-{i}"),
            GitRepositorySpec {
                url: url.clone(),
                interval: "10m".into(),
                reference: Some(GitRepositoryRef {
                    branch: Some("main".into()),
                    ..Default::default()
                }),
                ..Default::default()
            },
        );
        obj.metadata.labels = Some([(LABEL.to_string(), selector_value.clone())].into());
        api.create(&PostParams::default(), &obj).await?;
    }
    let created = started.elapsed();
    let ready_after = loop {
        let list = api.list(&ListParams::default()).await?;
        let ready = list
            .items
            .iter()
            .filter(|o| {
                ferroflux_runtime::conditions::is_ready(
                    o.status
                        .as_ref()
                        .map(|s| s.conditions.as_slice())
                        .unwrap_or(&[]),
                )
            })
            .count();
        if ready == n {
            break started.elapsed();
        }
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(900),
            "only {ready}/{n} Ready after 15 minutes"
        );
        if child.try_wait()?.is_some() {
            anyhow::bail!("controller exited");
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    let peak_kib = peak_rss_kib(child.id());
    println!(
        "{name} n={n} create_s={:.2} all_ready_s={:.2} peak_rss_mib={:.1}",
        created.as_secs_f64(),
        ready_after.as_secs_f64(),
        peak_kib as f64 / 1024.0
    );
    // delete while the controller runs, so finalizers are removed
    api.delete_collection(&DeleteParams::default(), &ListParams::default())
        .await?;
    let deadline = Instant::now() + Duration::from_secs(120);
    while !api.list(&ListParams::default()).await?.items.is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    namespaces.delete(&ns, &DeleteParams::default()).await?;
    Ok(())
}

fn start_controller(
    binary: &str,
    kubeconfig: &std::path::Path,
    storage: &std::path::Path,
    port: u16,
    selector: &str,
) -> anyhow::Result<Child> {
    let log = std::fs::File::create(format!("/tmp/bench-{port}.log"))?;
    Ok(Command::new(binary)
        .arg(format!("--kubeconfig={}", kubeconfig.display()))
        .arg(format!("--storage-path={}", storage.display()))
        .arg(format!("--storage-addr=127.0.0.1:{port}"))
        .arg(format!("--storage-adv-addr=127.0.0.1:{port}"))
        .arg("--metrics-addr=127.0.0.1:0")
        .arg("--health-addr=127.0.0.1:0")
        .arg("--events-addr=")
        .arg("--concurrent=4")
        .arg(format!("--watch-label-selector={LABEL}={selector}"))
        .env("RUNTIME_NAMESPACE", "default")
        .stdout(Stdio::from(log.try_clone()?))
        .stderr(Stdio::from(log))
        .spawn()?)
}

/// Peak resident set size (VmHWM) of a process, in KiB.
fn peak_rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// Installs every source.toolkit.fluxcd.io CRD from config/crd/bases (Flux's controller watches
/// all its kinds, not only GitRepository).
async fn install_source_crds(client: &kube::Client) -> anyhow::Result<()> {
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    let dir = ferroflux_e2e::workspace_root().join("config/crd/bases");
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if !path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("source.toolkit")
        {
            continue;
        }
        let crd: CustomResourceDefinition =
            serde_saphyr::from_str(&std::fs::read_to_string(&path)?)?;
        let name = crd.metadata.name.clone().unwrap();
        crds.patch(
            &name,
            &PatchParams::apply("source-controller-bench").force(),
            &Patch::Apply(&crd),
        )
        .await?;
    }
    Ok(())
}
