//! The controller images hold everything the controllers need: built with `imagebuild`, pushed to
//! the test registry, pulled back by digest and unpacked into a directory, source-controller and
//! kustomize-controller run from that root (chroot, as user 65534) against the test cluster,
//! report ready, and reconcile a GitRepository and a Kustomization. `ferroflux install
//! --registry` references exactly the pushed images.
//!
//! The images are built from the binaries of this test build (`target/<profile>/`), so CI does
//! not compile a second profile; `FERROFLUX_IMAGE_BINARIES=<dir>` picks other ones, e.g.
//! `target/controller` after `make images`. Needs root (chroot), as the test cluster does.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use ferroflux_api::kustomize::v1::Kustomization;
use ferroflux_api::source::v1::GitRepository;
use ferroflux_e2e::{
    WAIT, api_resource, apply, ensure_cluster, eventually, ferroflux_raw, install_crds,
    kustomization_ready, with_temp_namespace,
};
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::Api;
use serde_json::{Value, json};

const CONTROLLERS: [&str; 2] = ["source-controller", "kustomize-controller"];

/// Where the controller binaries and `imagebuild` are.
fn binaries_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("FERROFLUX_IMAGE_BINARIES") {
        return PathBuf::from(dir);
    }
    let exe = std::env::current_exe().expect("the test binary's path");
    // target/<profile>/deps/<test binary>
    exe.parent()
        .and_then(Path::parent)
        .expect("the test binary lives in target/<profile>/deps")
        .to_path_buf()
}

fn run(cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn imagebuild() -> Command {
    let path = binaries_dir().join("imagebuild");
    assert!(
        path.is_file(),
        "{} is missing: run `cargo build -p imagebuild` (`cargo test --workspace` builds it)",
        path.display()
    );
    Command::new(path)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// The status code of `GET http://127.0.0.1:port/path`, if anything answers.
fn http_status(port: u16, path: &str) -> Option<u16> {
    use std::io::{Read as _, Write as _};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    answer.split_whitespace().nth(1)?.parse().ok()
}

/// Controllers running from unpacked images; killed on drop, and the finalizers no controller
/// will remove are dropped so the namespace can go.
struct ImageControllers {
    children: Vec<Child>,
    namespace: String,
    logs: Vec<PathBuf>,
}

impl Drop for ImageControllers {
    fn drop(&mut self) {
        for mut child in self.children.drain(..) {
            let _ = child.kill();
            let _ = child.wait();
        }
        if std::thread::panicking() {
            for log in &self.logs {
                let text = std::fs::read_to_string(log).unwrap_or_default();
                eprintln!("--- {} ---\n{text}", log.display());
            }
        }
        for kind in [
            "kustomizations.kustomize.toolkit.fluxcd.io",
            "gitrepositories.source.toolkit.fluxcd.io",
        ] {
            let _ = Command::new("kubectl")
                .arg("--kubeconfig")
                .arg(ensure_cluster().kubeconfig())
                .args(["-n", &self.namespace, "patch", kind, "flux-system"])
                .args(["--type=merge", "-p", r#"{"metadata":{"finalizers":null}}"#])
                .stderr(Stdio::null())
                .stdout(Stdio::null())
                .status();
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn images_run_the_controllers_from_their_own_root() {
    let env = ensure_cluster();
    install_crds().await;
    let work = tempfile::tempdir().unwrap();
    let layouts = work.path().join("layouts");
    let version = format!("v{}", env!("CARGO_PKG_VERSION"));
    let registry = format!("{}/ferroflux", env.services().registry);
    let bin = binaries_dir();

    // (tools/imagebuild's own test checks that the same inputs give the same digests.)
    let specs: Vec<String> = CONTROLLERS
        .iter()
        .map(|c| format!("{c}={}", bin.join(c).display()))
        .collect();
    let started = Instant::now();
    let built = run(imagebuild()
        .args(["build", "--version", &version, "--revision", "e2e"])
        .arg("--out")
        .arg(&layouts)
        .args(&specs));
    eprintln!("images built in {:?}", started.elapsed());

    let pushed = run(imagebuild()
        .args(["push", "--plain-http", "--version", &version])
        .args(["--registry", &registry])
        .arg("--out")
        .arg(&layouts)
        .args(CONTROLLERS));
    let pushed: Vec<&str> = pushed.lines().collect();
    for (line, controller) in built.lines().zip(CONTROLLERS) {
        let digest = line.strip_prefix(&format!("{controller} ")).unwrap();
        let expected = format!("{registry}/{controller}:{version}@{digest}");
        assert!(pushed.contains(&expected.as_str()), "{pushed:?}");
    }

    // install references exactly the pushed images.
    let export = ferroflux_raw(&["install", "--export", "--registry", &registry])
        .await
        .expect_ok();
    let docs: Vec<Value> = serde_saphyr::from_str_multiple(&export.stdout).unwrap();
    let images: Vec<&str> = docs
        .iter()
        .filter(|d| d["kind"] == "Deployment")
        .flat_map(|d| {
            d["spec"]["template"]["spec"]["containers"]
                .as_array()
                .unwrap()
        })
        .map(|c| c["image"].as_str().unwrap())
        .collect();
    let tagged: Vec<String> = CONTROLLERS
        .iter()
        .map(|c| format!("{registry}/{c}:{version}"))
        .collect();
    assert_eq!(images, tagged);

    let kubeconfig = run(Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(env.kubeconfig())
        .args(["config", "view", "--flatten", "--minify"]));

    let chroot = ["/usr/sbin/chroot", "/usr/bin/chroot", "/sbin/chroot"]
        .map(PathBuf::from)
        .into_iter()
        .find(|p| p.is_file())
        .expect("chroot (Debian package coreutils) is installed");

    with_temp_namespace(|client, ns| async move {
        let mut controllers = ImageControllers {
            children: Vec::new(),
            namespace: ns.clone(),
            logs: Vec::new(),
        };
        for (controller, image) in CONTROLLERS.iter().zip(&pushed) {
            // Pull by digest into a root of its own.
            let by_digest = image.replace(&format!(":{version}@"), "@");
            let root = work.path().join(format!("root-{controller}"));
            let config: Value = serde_json::from_str(&run(imagebuild()
                .args(["pull", "--plain-http", &by_digest, "--root"])
                .arg(&root)))
            .unwrap();
            let config = &config["config"];
            assert_eq!(config["User"], "65534:65534");
            assert_eq!(
                config["Labels"]["org.opencontainers.image.version"],
                *version
            );
            std::fs::write(root.join("kubeconfig"), &kubeconfig).unwrap();
            std::fs::create_dir_all(root.join("data")).unwrap();
            run(Command::new("chown")
                .arg("65534:65534")
                .arg(root.join("data")));

            let health = free_port();
            let log = work.path().join(format!("{controller}.log"));
            // By its path: the command's environment is the image's, whose PATH lacks /usr/sbin.
            let mut cmd = Command::new(chroot.as_path());
            cmd.arg("--userspec=65534:65534")
                .arg(&root)
                .arg(config["Entrypoint"][0].as_str().unwrap())
                .args(["--kubeconfig", "/kubeconfig", "--log-encoding", "console"])
                .args([
                    "--watch-all-namespaces=false",
                    "--metrics-addr",
                    "127.0.0.1:0",
                ])
                .arg(format!("--health-addr=127.0.0.1:{health}"))
                .env_clear()
                .envs(
                    config["Env"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|e| e.as_str().unwrap().split_once('=').unwrap()),
                )
                .env("RUNTIME_NAMESPACE", &ns)
                .stdin(Stdio::null())
                .stdout(std::fs::File::create(&log).unwrap())
                .stderr(std::fs::File::create(&log).unwrap());
            if *controller == "source-controller" {
                let storage = format!("127.0.0.1:{}", free_port());
                cmd.args(["--storage-path", "/data", "--storage-addr", &storage])
                    .args(["--storage-adv-addr", &storage]);
            }
            let started = Instant::now();
            controllers
                .children
                .push(cmd.spawn().expect("cannot run chroot"));
            controllers.logs.push(log);
            eventually(&format!("{controller} ready"), WAIT, || async {
                (http_status(health, "/readyz") == Some(200)).then_some(())
            })
            .await;
            eprintln!("{controller} ready {:?} after start", started.elapsed());
        }

        let repo = env.services().create_repo("images");
        let commit = repo.commit_files(
            &[(
                "deploy/cm.yaml",
                &ferroflux_e2e::config_map("from-image", "yes"),
            )],
            "first",
        );
        let meta = json!({ "name": "flux-system", "namespace": ns });
        apply(
            &client,
            &ns,
            &api_resource::<GitRepository>(),
            json!({
                "apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
                "metadata": meta,
                "spec": { "url": repo.http_url(), "interval": "1m", "ref": { "branch": "main" } },
            }),
        )
        .await;
        apply(
            &client,
            &ns,
            &api_resource::<Kustomization>(),
            json!({
                "apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
                "metadata": meta,
                "spec": { "interval": "10m", "path": "./deploy", "prune": true, "targetNamespace": ns,
                          "sourceRef": { "kind": "GitRepository", "name": "flux-system" } },
            }),
        )
        .await;
        let kustomizations: Api<Kustomization> = Api::namespaced(client.clone(), &ns);
        eventually("the Kustomization Ready at the commit", WAIT, || async {
            let ks = kustomizations.get("flux-system").await.ok()?;
            let ready = kustomization_ready(&ks)?;
            let revision = ks.status.as_ref()?.last_applied_revision.clone()?;
            (ready.status == "True" && revision.ends_with(&commit)).then_some(())
        })
        .await;
        let maps: Api<ConfigMap> = Api::namespaced(client.clone(), &ns);
        assert!(maps.get_opt("from-image").await.unwrap().is_some());
        drop(controllers);
    })
    .await;
}
