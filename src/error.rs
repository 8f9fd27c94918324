//! The crate's error type.

/// An error from building an [`Extractor`](crate::Extractor): a rule file
/// that cannot be read or parsed, an invalid pattern, an unknown
/// placeholder, an unknown cue class or a duplicate rule id.
///
/// The message names the file (when there is one), the rule id and the place
/// in the pattern. [`Extractor::extract`](crate::Extractor::extract) itself
/// never fails.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Error(Box<ErrorKind>);

#[derive(Debug, thiserror::Error)]
enum ErrorKind {
    #[error("{file}: rule {rule:?}: {message}")]
    Rule {
        file: String,
        rule: String,
        message: String,
    },
    #[error("{file}: cue {lemma:?}: {message}")]
    Cue {
        file: String,
        lemma: String,
        message: String,
    },
    #[error("{file}: {message}")]
    File { file: String, message: String },
}

impl Error {
    pub(crate) fn rule_file(file: &str, rule: Option<&str>, message: String) -> Error {
        Error(Box::new(match rule {
            Some(rule) => ErrorKind::Rule {
                file: file.to_string(),
                rule: rule.to_string(),
                message,
            },
            None => ErrorKind::File {
                file: file.to_string(),
                message,
            },
        }))
    }

    /// An error in the cue entry with this lemma.
    pub(crate) fn cue_entry(file: &str, lemma: &str, message: String) -> Error {
        Error(Box::new(ErrorKind::Cue {
            file: file.to_string(),
            lemma: lemma.to_string(),
            message,
        }))
    }

    /// The id of the rule (or lemma of the cue) the error is about, if any.
    pub fn rule_id(&self) -> Option<&str> {
        match &*self.0 {
            ErrorKind::Rule { rule, .. } => Some(rule),
            ErrorKind::Cue { lemma, .. } => Some(lemma),
            ErrorKind::File { .. } => None,
        }
    }
}
