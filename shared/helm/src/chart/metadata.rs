//! `Chart.yaml`: the chart's metadata and its declared dependencies, validated as Helm does.

use serde_json::Value as Json;

use ferroflux_semver::Version;

/// A chart's metadata (`Chart.yaml`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Metadata {
    /// `apiVersion`: `v1` (Helm 2 charts, the default when absent) or `v2`.
    pub api_version: String,
    /// `name`; replaced by the alias when the chart is used under an alias.
    pub name: String,
    /// `version` (semver).
    pub version: String,
    /// `appVersion`.
    pub app_version: String,
    /// `description`.
    pub description: String,
    /// `type`: empty, `application` or `library`.
    pub chart_type: String,
    /// `kubeVersion`: a semver constraint on the cluster's version.
    pub kube_version: String,
    /// `home`.
    pub home: String,
    /// `icon`.
    pub icon: String,
    /// `condition` (Helm 2 leftover).
    pub condition: String,
    /// `tags` (Helm 2 leftover).
    pub tags: String,
    /// `deprecated`.
    pub deprecated: bool,
    /// `sources`.
    pub sources: Vec<String>,
    /// `keywords`.
    pub keywords: Vec<String>,
    /// `maintainers`, as written.
    pub maintainers: Vec<Json>,
    /// `annotations`.
    pub annotations: Option<serde_json::Map<String, Json>>,
    /// `dependencies` (or `requirements.yaml` for v1 charts).
    pub dependencies: Vec<Dependency>,
}

/// One entry of `dependencies`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dependency {
    /// The subchart's name (its `Chart.yaml` name).
    pub name: String,
    /// A semver range the subchart's version must satisfy.
    pub version: String,
    /// Where it comes from (unused offline).
    pub repository: String,
    /// Comma-separated values paths to booleans that enable it.
    pub condition: String,
    /// Tags that enable it (`tags.<tag>` in the values).
    pub tags: Vec<String>,
    /// The name the subchart is used under.
    pub alias: String,
    /// `import-values`: strings (`exports.<name>`) or `{child, parent}` maps.
    pub import_values: Vec<Json>,
    /// Computed from tags and conditions while rendering.
    pub enabled: bool,
}

/// `Chart.yaml` that is not valid, worded as Helm words it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MetadataError {
    /// The YAML does not decode into chart metadata.
    #[error("cannot load Chart.yaml: {0}")]
    Decode(String),
    /// The metadata decodes but fails validation.
    #[error("validation: {0}")]
    Validation(String),
}

fn string_field(map: &serde_json::Map<String, Json>, key: &str) -> Result<String, MetadataError> {
    match map.get(key) {
        None | Some(Json::Null) => Ok(String::new()),
        Some(Json::String(s)) => Ok(s.clone()),
        Some(Json::Number(n)) => Ok(n.to_string()),
        Some(Json::Bool(b)) => Ok(b.to_string()),
        Some(other) => Err(MetadataError::Decode(format!(
            "error unmarshaling JSON: json: cannot unmarshal {} into Go struct field Metadata.{key} of type string",
            json_kind(other)
        ))),
    }
}

fn json_kind(v: &Json) -> &'static str {
    match v {
        Json::Array(_) => "array",
        Json::Object(_) => "object",
        Json::Number(_) => "number",
        Json::Bool(_) => "bool",
        Json::String(_) => "string",
        Json::Null => "null",
    }
}

fn string_list(map: &serde_json::Map<String, Json>, key: &str) -> Vec<String> {
    match map.get(key) {
        Some(Json::Array(items)) => items
            .iter()
            .map(|v| match v {
                Json::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect(),
        _ => Vec::new(),
    }
}

impl Metadata {
    /// Decodes `Chart.yaml`; a missing `apiVersion` means `v1`. Does not validate.
    pub fn from_yaml(source: &str) -> Result<Metadata, MetadataError> {
        let json =
            crate::yaml::from_str(source).map_err(|e| MetadataError::Decode(e.to_string()))?;
        let map = match json {
            Json::Object(map) => map,
            Json::Null => serde_json::Map::new(),
            _ => {
                return Err(MetadataError::Decode(
                    "error unmarshaling JSON: json: cannot unmarshal into Go value of type chart.Metadata".into(),
                ));
            }
        };
        let mut md = Metadata {
            api_version: string_field(&map, "apiVersion")?,
            name: string_field(&map, "name")?,
            version: string_field(&map, "version")?,
            app_version: string_field(&map, "appVersion")?,
            description: string_field(&map, "description")?,
            chart_type: string_field(&map, "type")?,
            kube_version: string_field(&map, "kubeVersion")?,
            home: string_field(&map, "home")?,
            icon: string_field(&map, "icon")?,
            condition: string_field(&map, "condition")?,
            tags: string_field(&map, "tags")?,
            deprecated: matches!(map.get("deprecated"), Some(Json::Bool(true))),
            sources: string_list(&map, "sources"),
            keywords: string_list(&map, "keywords"),
            maintainers: match map.get("maintainers") {
                Some(Json::Array(m)) => m.clone(),
                _ => Vec::new(),
            },
            annotations: match map.get("annotations") {
                Some(Json::Object(a)) => Some(a.clone()),
                _ => None,
            },
            dependencies: Vec::new(),
        };
        md.dependencies = parse_dependencies(&map)?;
        if md.api_version.is_empty() {
            md.api_version = "v1".into();
        }
        Ok(md)
    }

    /// Takes the dependencies of a v1 chart's `requirements.yaml`.
    pub fn add_requirements(&mut self, source: &str) -> Result<(), MetadataError> {
        let json =
            crate::yaml::from_str(source).map_err(|e| MetadataError::Decode(e.to_string()))?;
        if let Json::Object(map) = json {
            self.dependencies = parse_dependencies(&map)?;
        }
        Ok(())
    }

    /// Helm's `Metadata.Validate`.
    pub fn validate(&self) -> Result<(), MetadataError> {
        let invalid = |m: String| Err(MetadataError::Validation(m));
        if self.api_version.is_empty() {
            return invalid("chart.metadata.apiVersion is required".into());
        }
        if self.name.is_empty() {
            return invalid("chart.metadata.name is required".into());
        }
        if self.name.contains('/') || self.name == "." || self.name == ".." {
            return invalid(format!("chart.metadata.name {:?} is invalid", self.name));
        }
        if self.version.is_empty() {
            return invalid("chart.metadata.version is required".into());
        }
        if Version::parse(&self.version).is_err() {
            return invalid(format!(
                "chart.metadata.version {:?} is invalid",
                self.version
            ));
        }
        if !matches!(self.chart_type.as_str(), "" | "application" | "library") {
            return invalid("chart.metadata.type must be application or library".into());
        }
        let mut seen = std::collections::HashSet::new();
        for dep in &self.dependencies {
            if !dep.alias.is_empty()
                && !dep
                    .alias
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                return invalid(format!(
                    "dependency {:?} has disallowed characters in the alias",
                    dep.name
                ));
            }
            let key = if dep.alias.is_empty() {
                &dep.name
            } else {
                &dep.alias
            };
            if !seen.insert(key.clone()) {
                return invalid(format!(
                    "more than one dependency with name or alias {key:?}"
                ));
            }
        }
        Ok(())
    }

    /// Whether this is a library chart (renders no manifests of its own).
    pub fn is_library(&self) -> bool {
        self.chart_type == "library"
    }
}

fn parse_dependencies(
    map: &serde_json::Map<String, Json>,
) -> Result<Vec<Dependency>, MetadataError> {
    let Some(Json::Array(items)) = map.get("dependencies") else {
        return Ok(Vec::new());
    };
    let mut deps = Vec::new();
    for item in items {
        let Json::Object(d) = item else { continue };
        deps.push(Dependency {
            name: string_field(d, "name")?,
            version: string_field(d, "version")?,
            repository: string_field(d, "repository")?,
            condition: string_field(d, "condition")?,
            tags: string_list(d, "tags"),
            alias: string_field(d, "alias")?,
            import_values: match d.get("import-values") {
                Some(Json::Array(v)) => v.clone(),
                _ => Vec::new(),
            },
            enabled: true,
        });
    }
    Ok(deps)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_api_version_defaults_to_v1() {
        let md = Metadata::from_yaml("name: a\nversion: 1.0.0\n").unwrap();
        assert_eq!(md.api_version, "v1");
        md.validate().unwrap();
    }

    #[test]
    fn invalid_metadata_is_refused_like_helm() {
        let md = Metadata::from_yaml("apiVersion: v2\nversion: 1.0.0\n").unwrap();
        assert_eq!(
            md.validate().unwrap_err().to_string(),
            "validation: chart.metadata.name is required"
        );
        let md = Metadata::from_yaml("apiVersion: v2\nname: a\nversion: one\n").unwrap();
        assert_eq!(
            md.validate().unwrap_err().to_string(),
            "validation: chart.metadata.version \"one\" is invalid"
        );
        let md =
            Metadata::from_yaml("apiVersion: v2\nname: a\nversion: 1.0.0\ntype: app\n").unwrap();
        assert!(md.validate().is_err());
    }
}
