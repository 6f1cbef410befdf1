//! Errors from building a kustomization. Each names the file and the field involved.

use std::path::PathBuf;

/// Why a build failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read.
    #[error("reading {path}: {source}")]
    ReadFile {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A file is not valid YAML.
    #[error("{path}: invalid YAML at {syntax}")]
    Yaml {
        /// The file.
        path: PathBuf,
        /// Where and what.
        syntax: crate::yaml_in::YamlSyntax,
    },
    /// A directory has no kustomization file.
    #[error(
        "unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '{dir}'"
    )]
    MissingKustomization {
        /// The directory.
        dir: PathBuf,
    },
    /// A path points outside the kustomization root while load restrictions are on.
    #[error(
        "{kustomization}: field '{field}': security; file '{path}' is not in or below '{root}'"
    )]
    OutsideRoot {
        /// The kustomization file naming the path.
        kustomization: PathBuf,
        /// The field holding the path.
        field: String,
        /// The refused path.
        path: PathBuf,
        /// The root it must stay in.
        root: PathBuf,
    },
    /// A remote base (URL) was named; this engine reads only local files.
    #[error(
        "{kustomization}: field '{field}': remote resource '{url}' is not supported: ferroflux builds only local files (fetch the source first)"
    )]
    RemoteResource {
        /// The kustomization file.
        kustomization: PathBuf,
        /// The field holding the URL.
        field: String,
        /// The URL.
        url: String,
    },
    /// A field, or a field value, that this engine refuses.
    #[error("{kustomization}: field '{field}': {message}")]
    Invalid {
        /// The kustomization (or patch, or resource) file.
        kustomization: PathBuf,
        /// The field, in kustomization terms (e.g. `patches[1].target`).
        field: String,
        /// What is wrong, for a user.
        message: String,
    },
    /// Two objects with the same kind, namespace and name.
    #[error("{kustomization}: may not add resource with an already registered id: {id}")]
    DuplicateResource {
        /// The kustomization adding the second one.
        kustomization: PathBuf,
        /// The object's identity.
        id: String,
    },
    /// An object file holds something that is not a Kubernetes object.
    #[error("{path}: {message}")]
    BadObject {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A kustomization refers to itself through its bases or components.
    #[error("{dir}: cycle detected: this directory is already being built")]
    Cycle {
        /// The directory.
        dir: PathBuf,
    },
}

impl Error {
    pub(crate) fn invalid(
        kustomization: &std::path::Path,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Error::Invalid {
            kustomization: kustomization.to_path_buf(),
            field: field.into(),
            message: message.into(),
        }
    }
}
