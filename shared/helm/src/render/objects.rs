//! The objects templates see besides values: `.Files`, `.Capabilities` (with `APIVersions.Has`
//! and `KubeVersion`), as Go structs with fields and methods.

use std::sync::Arc;

use base64::Engine as _;

use crate::chart::File;
use crate::pathmatch::{self, Dialect};
use crate::template::{Map, TemplateObject, Templates, Value};

/// The API versions `helm template` assumes without a cluster (Helm's default capabilities).
pub const DEFAULT_API_VERSIONS: &str = include_str!("default_api_versions.txt");

/// The Kubernetes version `helm template` assumes without `--kube-version`.
pub const DEFAULT_KUBE_VERSION: &str = "v1.37.0";

/// Helm's `toYaml` (the engine's, through a one-line template), without the final newline.
fn to_yaml(value: &Value) -> String {
    static TO_YAML: std::sync::OnceLock<Templates> = std::sync::OnceLock::new();
    let templates = TO_YAML.get_or_init(|| {
        let mut t = crate::template::templates();
        // The template is a constant that parses; an engine without toYaml renders nothing.
        let _ = t.parse("toYaml", "{{ toYaml . }}");
        t
    });
    templates.render("toYaml", value).unwrap_or_default()
}

/// `.Files`: the chart's non-template files.
pub struct Files {
    files: Vec<File>,
}

impl Files {
    /// Wraps the chart's files.
    pub fn new(files: Vec<File>) -> Files {
        Files { files }
    }

    fn get(&self, name: &str) -> Option<&File> {
        self.files.iter().find(|f| f.name == name)
    }

    /// The bytes of `name` (none for a file the chart does not have).
    fn bytes(&self, name: &str) -> Result<Arc<Vec<u8>>, String> {
        match self.get(name) {
            Some(f) => read(f).cloned(),
            None => Ok(Arc::default()),
        }
    }

    /// `AsConfig`/`AsSecrets`: a YAML map from base names to (encoded) contents, keys sorted.
    fn as_map(&self, encode: impl Fn(&[u8]) -> String) -> Result<String, String> {
        let map: Map = self
            .files
            .iter()
            .map(|f| {
                let base = f.name.rsplit('/').next().unwrap_or(&f.name).to_string();
                Ok((base, Value::String(encode(read(f)?))))
            })
            .collect::<Result<_, String>>()?;
        if map.is_empty() {
            return Ok(String::new());
        }
        Ok(to_yaml(&Value::from(map)))
    }
}

/// A chart file's bytes, or why they cannot be read (see [`File::data`]).
fn read(file: &File) -> Result<&Arc<Vec<u8>>, String> {
    file.data()
        .map_err(|e| format!("cannot read chart file {}: {e}", file.name))
}

fn string_arg(args: &[Value], method: &str) -> Result<String, String> {
    match args {
        [Value::String(s)] => Ok(s.clone()),
        [_] => Err(format!(
            "wrong type for value; expected string; got {}",
            args[0].type_name()
        )),
        _ => Err(format!(
            "wrong number of args for {method}: want 1 got {}",
            args.len()
        )),
    }
}

impl TemplateObject for Files {
    fn field(&self, _name: &str) -> Option<Value> {
        None
    }

    fn call_method(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        let result = match name {
            "Get" => string_arg(args, name)
                .and_then(|n| self.bytes(&n))
                .map(|data| Value::String(ferroflux_gotemplate::utf8::lossy(&data).into_owned())),
            "GetBytes" => string_arg(args, name)
                .and_then(|n| self.bytes(&n))
                .map(Value::Bytes),
            "Glob" => string_arg(args, name).map(|pattern| {
                let files = self
                    .files
                    .iter()
                    .filter(|f| pathmatch::matches(&pattern, &f.name, Dialect::Glob))
                    .cloned()
                    .collect();
                Value::Object(Arc::new(Files::new(files)))
            }),
            "Lines" => string_arg(args, name)
                .and_then(|n| self.bytes(&n))
                .map(|data| {
                    if data.is_empty() {
                        return Value::from(Vec::new());
                    }
                    let s = ferroflux_gotemplate::utf8::lossy(&data);
                    let s = s.strip_suffix('\n').unwrap_or(&s);
                    Value::from(s.split('\n').map(Value::from).collect::<Vec<_>>())
                }),
            "AsConfig" => self
                .as_map(|d| ferroflux_gotemplate::utf8::lossy(d).into_owned())
                .map(Value::String),
            "AsSecrets" => self
                .as_map(|d| base64::engine::general_purpose::STANDARD.encode(d))
                .map(Value::String),
            _ => return None,
        };
        Some(result)
    }

    fn type_name(&self) -> &str {
        "files.Files"
    }

    fn as_value(&self) -> Option<Value> {
        let map: Map = self
            .files
            .iter()
            // A file that went away since the load shows as empty here (this has no error path;
            // every method above reports it).
            .map(|f| {
                (
                    f.name.clone(),
                    Value::Bytes(f.data().cloned().unwrap_or_default()),
                )
            })
            .collect();
        Some(Value::from(map))
    }
}

/// `.Capabilities.APIVersions`: a list of strings with a `Has` method.
pub struct ApiVersions {
    versions: Vec<String>,
}

impl ApiVersions {
    /// The default set plus `extra` (`--api-versions`).
    pub fn new(extra: &[String]) -> ApiVersions {
        let mut versions: Vec<String> = DEFAULT_API_VERSIONS.lines().map(str::to_string).collect();
        versions.extend(extra.iter().cloned());
        ApiVersions { versions }
    }
}

impl TemplateObject for ApiVersions {
    fn field(&self, _name: &str) -> Option<Value> {
        None
    }

    fn call_method(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        (name == "Has")
            .then(|| string_arg(args, name).map(|v| Value::Bool(self.versions.contains(&v))))
    }

    fn type_name(&self) -> &str {
        "common.VersionSet"
    }

    fn as_value(&self) -> Option<Value> {
        Some(Value::from(
            self.versions
                .iter()
                .map(|v| Value::from(v.as_str()))
                .collect::<Vec<_>>(),
        ))
    }
}

/// `.Capabilities.KubeVersion`: prints as its version; fields Version, Major, Minor, GitVersion.
pub struct KubeVersion {
    /// `v1.37.0`.
    pub version: String,
    /// `1`.
    pub major: String,
    /// `37`.
    pub minor: String,
}

impl KubeVersion {
    /// Parses `--kube-version` as Helm does (`1.28` becomes `v1.28`; a pre-release is dropped).
    pub fn parse(text: &str) -> Option<KubeVersion> {
        let v = ferroflux_semver::Version::parse(text.trim()).ok()?;
        let bare = text.trim().trim_start_matches('v');
        let core = bare.split(['-', '+']).next().unwrap_or(bare);
        let version = if core.split('.').count() >= 3 {
            format!("v{}.{}.{}", v.major, v.minor, v.patch)
        } else {
            format!("v{core}")
        };
        Some(KubeVersion {
            version,
            major: v.major.to_string(),
            minor: v.minor.to_string(),
        })
    }
}

impl TemplateObject for KubeVersion {
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Version" | "GitVersion" => Some(Value::from(self.version.as_str())),
            "Major" => Some(Value::from(self.major.as_str())),
            "Minor" => Some(Value::from(self.minor.as_str())),
            _ => None,
        }
    }

    fn call_method(&self, name: &str, _args: &[Value]) -> Option<Result<Value, String>> {
        (name == "String").then(|| Ok(Value::from(self.version.as_str())))
    }

    fn type_name(&self) -> &str {
        "common.KubeVersion"
    }

    fn as_value(&self) -> Option<Value> {
        Some(Value::from(self.version.as_str()))
    }
}

/// `.Capabilities`.
pub struct Capabilities {
    /// `.Capabilities.KubeVersion`.
    pub kube_version: Value,
    /// `.Capabilities.APIVersions`.
    pub api_versions: Value,
    /// `.Capabilities.HelmVersion`.
    pub helm_version: Value,
}

impl Capabilities {
    /// Builds the capabilities `helm template` uses.
    pub fn new(kube: KubeVersion, api_versions: ApiVersions) -> Capabilities {
        let helm_version = Value::map_from([
            ("Version".to_string(), Value::from("v4.3")),
            ("GitCommit".to_string(), Value::from("")),
            ("GitTreeState".to_string(), Value::from("")),
            ("GoVersion".to_string(), Value::from("go1.26.8")),
            ("KubeClientVersion".to_string(), Value::from("v1.37")),
        ]);
        Capabilities {
            kube_version: Value::Object(Arc::new(kube)),
            api_versions: Value::Object(Arc::new(api_versions)),
            helm_version,
        }
    }
}

impl TemplateObject for Capabilities {
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "KubeVersion" => Some(self.kube_version.clone()),
            "APIVersions" => Some(self.api_versions.clone()),
            "HelmVersion" => Some(self.helm_version.clone()),
            _ => None,
        }
    }

    fn call_method(&self, _name: &str, _args: &[Value]) -> Option<Result<Value, String>> {
        None
    }

    fn type_name(&self) -> &str {
        "*common.Capabilities"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kube_version_is_parsed_like_helm() {
        assert_eq!(KubeVersion::parse("1.28").unwrap().version, "v1.28");
        let v = KubeVersion::parse("v1.29.3-gke.1").unwrap();
        assert_eq!(
            (v.version.as_str(), v.major.as_str(), v.minor.as_str()),
            ("v1.29.3", "1", "29")
        );
    }

    #[test]
    fn files_methods() {
        let files = Files::new(vec![
            File::new("files/a.txt", b"one\ntwo\n".to_vec()),
            File::new("files/b.conf", b"x".to_vec()),
        ]);
        let lines = files
            .call_method("Lines", &[Value::from("files/a.txt")])
            .unwrap()
            .unwrap();
        assert_eq!(
            lines,
            Value::from(vec![Value::from("one"), Value::from("two")])
        );
        let got = files
            .call_method("Get", &[Value::from("files/b.conf")])
            .unwrap()
            .unwrap();
        assert_eq!(got, Value::from("x"));
        let Value::Object(glob) = files
            .call_method("Glob", &[Value::from("files/*.txt")])
            .unwrap()
            .unwrap()
        else {
            panic!("Glob returns Files")
        };
        assert!(
            glob.call_method("Get", &[Value::from("files/b.conf")])
                .unwrap()
                .unwrap()
                == Value::from("")
        );
    }

    #[test]
    fn a_chart_file_that_cannot_be_read_is_a_call_error() {
        let gone = std::env::temp_dir().join("ferroflux-no-such-chart-file");
        let files = Files::new(vec![File::deferred("files/gone.txt".into(), gone)]);
        for method in ["Get", "GetBytes", "Lines"] {
            let err = files
                .call_method(method, &[Value::from("files/gone.txt")])
                .unwrap()
                .unwrap_err();
            assert!(
                err.starts_with("cannot read chart file files/gone.txt: "),
                "{err}"
            );
        }
        let err = files.call_method("AsConfig", &[]).unwrap().unwrap_err();
        assert!(err.contains("files/gone.txt"), "{err}");
        // A name the chart does not have is still just empty.
        let none = files.call_method("Get", &[Value::from("nope")]).unwrap();
        assert_eq!(none, Ok(Value::from("")));
    }
}
