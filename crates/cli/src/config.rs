//! The settings in layers: defaults, then a TOML file (`--config`, `UPPFOLJ_CONFIG`), then
//! `UPPFOLJ_*` environment variables (and `DATABASE_URL`), then flags, each overriding the one
//! before. `uppfolj config` prints the result, secrets masked, with where each value came from.
//! A leaf: it names no other file of the binary.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Deserializer, Serialize};
use uppfolj_store::mask;

/// Every setting, as the file names it; the environment variable is `UPPFOLJ_` and the name in
/// capitals, the flag `--` and the name with dashes.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Settings {
    /// `sqlite://FILE` or `postgres://…`; a SQLite file in `data_dir` when unset.
    pub database_url: Option<String>,
    /// Where Uppfölj keeps its own files.
    pub data_dir: PathBuf,
    /// Where `serve` and `demo` listen, and `healthcheck` asks.
    pub bind: SocketAddr,
    /// The address users reach Uppfölj at, for links.
    pub public_url: Option<String>,
    /// Cookies without `Secure`, for plain HTTP on a trusted network only.
    #[serde(deserialize_with = "boolish")]
    pub insecure_cookies: bool,
    /// The SMTP relay; no e-mail without one.
    pub smtp_url: Option<String>,
    /// The sender of e-mail.
    pub mail_from: Option<String>,
    /// Proxies whose forwarded headers name the client.
    #[serde(deserialize_with = "list")]
    pub trusted_proxies: Vec<IpAddr>,
    /// The city's name in every page's header.
    pub city_name: Option<String>,
    /// The city's logo file.
    pub logo: Option<PathBuf>,
    /// The accent colour, `#rrggbb`.
    pub accent_colour: Option<String>,
    /// Addresses that may read `/metrics` without a token.
    #[serde(deserialize_with = "list")]
    pub metrics_allow: Vec<IpAddr>,
    /// A bearer token that lets any address read `/metrics`.
    pub metrics_token: Option<String>,
    /// The identity provider's issuer URL; single sign-on is on when it and the client are set.
    pub oidc_issuer: Option<String>,
    pub oidc_client_id: Option<String>,
    pub oidc_client_secret: Option<String>,
    /// Whom the login button names: «Logga in med …».
    pub oidc_label: String,
    /// Offer only single sign-on, not the password form.
    #[serde(deserialize_with = "boolish")]
    pub oidc_only: bool,
    /// Match a first login to an account by its verified e-mail address.
    #[serde(deserialize_with = "boolish")]
    pub oidc_match_email: bool,
    /// A claim that gives the role at every login (else roles are kept in Uppfölj).
    pub oidc_role_claim: Option<String>,
    /// Values of the role claim (group ids) and the role each gives.
    pub oidc_role_map: std::collections::BTreeMap<String, String>,
    /// A claim that lists the organisations' keys, with the role.
    pub oidc_organisations_claim: Option<String>,
    /// Create an account at the first login when the claims give a role.
    #[serde(deserialize_with = "boolish")]
    pub oidc_create_users: bool,
    /// The log filter, in `tracing`'s syntax.
    pub log: String,
    /// `text` for people, `json` for log collectors.
    pub log_format: LogFormat,
}

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            database_url: None,
            data_dir: PathBuf::from("uppfolj-data"),
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_url: None,
            insecure_cookies: false,
            smtp_url: None,
            mail_from: None,
            trusted_proxies: vec![],
            city_name: None,
            logo: None,
            accent_colour: None,
            metrics_allow: uppfolj_web::MetricsAccess::default().allow,
            metrics_token: None,
            oidc_issuer: None,
            oidc_client_id: None,
            oidc_client_secret: None,
            oidc_label: "stadens konto".to_owned(),
            oidc_only: false,
            oidc_match_email: true,
            oidc_role_claim: None,
            oidc_role_map: Default::default(),
            oidc_organisations_claim: None,
            oidc_create_users: false,
            log: "info,sqlx=warn".to_owned(),
            log_format: LogFormat::Text,
        }
    }
}

/// The settings given as flags: only those given, so that an absent flag leaves the layers
/// below it alone.
#[derive(Debug, Default, Serialize)]
pub struct Flags {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bind: Option<SocketAddr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub insecure_cookies: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub smtp_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mail_from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trusted_proxies: Option<Vec<IpAddr>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logo: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accent_colour: Option<String>,
}

/// The settings after every layer, with what the layers had that Uppfölj does not know.
pub struct Loaded {
    pub settings: Settings,
    /// Names of unknown keys in the file and unknown `UPPFOLJ_*` variables, to be warned about
    /// once logging runs.
    pub unknown: Vec<String>,
    figment: Figment,
}

/// Environment variables that are not settings but are read all the same.
const OTHER_VARIABLES: [&str; 1] = ["config"];

/// Reads the layers. `file` is the `--config` file, which must exist when given.
pub fn load(file: Option<&Path>, flags: Flags) -> Result<Loaded> {
    let mut figment = Figment::from(Serialized::defaults(Settings::default()));
    let mut unknown = Vec::new();
    if let Some(file) = file {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("kan inte läsa inställningsfilen {}", file.display()))?;
        let table: toml::Table = toml::from_str(&text)
            .with_context(|| format!("inställningsfilen {} är inte giltig TOML", file.display()))?;
        unknown.extend(
            table
                .keys()
                .filter(|key| !KNOWN.contains(&key.as_str()))
                .map(|key| format!("{key} i {}", file.display())),
        );
        figment = figment.merge(Toml::file_exact(file));
    }
    let environment = Env::prefixed("UPPFOLJ_").filter(|key| KNOWN.iter().any(|k| key == *k));
    unknown.extend(std::env::vars().filter_map(|(name, _)| {
        let key = name.strip_prefix("UPPFOLJ_")?.to_lowercase();
        let ignored = KNOWN.contains(&key.as_str()) || OTHER_VARIABLES.contains(&key.as_str());
        (!ignored).then_some(name)
    }));
    figment = figment
        .merge(Env::raw().only(&["database_url"]))
        .merge(environment)
        .merge(Serialized::defaults(flags));
    let settings: Settings = figment.extract().map_err(|e| {
        anyhow::anyhow!(
            "{}",
            e.into_iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("; ")
        )
    })?;
    Ok(Loaded {
        settings,
        unknown,
        figment,
    })
}

impl Settings {
    /// Single sign-on as set: off without an issuer; with one, the client id and secret must be
    /// set too.
    pub fn single_sign_on(&self) -> Result<Option<uppfolj_app::oidc::SsoSettings>> {
        let Some(issuer) = &self.oidc_issuer else {
            return Ok(None);
        };
        let (Some(client_id), Some(client_secret)) =
            (&self.oidc_client_id, &self.oidc_client_secret)
        else {
            anyhow::bail!(
                "oidc_issuer är satt men inte både oidc_client_id och oidc_client_secret"
            );
        };
        Ok(Some(uppfolj_app::oidc::SsoSettings {
            issuer: issuer.clone(),
            client_id: client_id.clone(),
            client_secret: client_secret.clone(),
            label: self.oidc_label.clone(),
            only: self.oidc_only,
            match_email: self.oidc_match_email,
            role_claim: self.oidc_role_claim.clone(),
            role_map: self
                .oidc_role_map
                .iter()
                .map(|(value, role)| {
                    let role = uppfolj_model::Role::parse(role).with_context(|| {
                        format!(
                            "oidc_role_map: «{value}» ska ge samordnare, uppgiftslamnare eller lasare, inte «{role}»"
                        )
                    })?;
                    Ok((value.clone(), role))
                })
                .collect::<Result<_>>()?,
            organisations_claim: self.oidc_organisations_claim.clone(),
            create_users: self.oidc_create_users,
        }))
    }
}

impl Loaded {
    /// The effective settings as TOML a file could hold, secrets masked, each line followed by
    /// where its value came from.
    pub fn describe(&self) -> Result<String> {
        let mut shown = self.settings.clone();
        shown.database_url = shown.database_url.as_deref().map(mask);
        shown.smtp_url = shown.smtp_url.as_deref().map(mask);
        shown.metrics_token = shown.metrics_token.map(|_| "***".to_owned());
        shown.oidc_client_secret = shown.oidc_client_secret.map(|_| "***".to_owned());
        let table = toml::Table::try_from(&shown)?;
        let mut out = String::new();
        for key in KNOWN {
            let origin = match self.figment.find_metadata(key) {
                Some(metadata) if metadata.name.ends_with("::Settings") => "standard".to_owned(),
                Some(metadata) if metadata.name.ends_with("::Flags") => {
                    format!("flaggan --{}", key.replace('_', "-"))
                }
                Some(metadata) => match &metadata.source {
                    Some(figment::Source::File(path)) => format!("filen {}", path.display()),
                    _ if key == "database_url"
                        && std::env::var_os("UPPFOLJ_DATABASE_URL").is_none() =>
                    {
                        "miljövariabeln DATABASE_URL".to_owned()
                    }
                    _ => format!("miljövariabeln UPPFOLJ_{}", key.to_uppercase()),
                },
                None => "standard".to_owned(),
            };
            match table.get(key) {
                Some(value) => out.push_str(&format!("{key} = {value}  # {origin}\n")),
                None => out.push_str(&format!("# {key} är inte satt\n")),
            }
        }
        Ok(out)
    }
}

/// The settings' names, in the order of [`Settings`].
const KNOWN: [&str; 25] = [
    "database_url",
    "data_dir",
    "bind",
    "public_url",
    "insecure_cookies",
    "smtp_url",
    "mail_from",
    "trusted_proxies",
    "city_name",
    "logo",
    "accent_colour",
    "metrics_allow",
    "metrics_token",
    "oidc_issuer",
    "oidc_client_id",
    "oidc_client_secret",
    "oidc_label",
    "oidc_only",
    "oidc_match_email",
    "oidc_role_claim",
    "oidc_role_map",
    "oidc_organisations_claim",
    "oidc_create_users",
    "log",
    "log_format",
];

/// A yes or no given as a boolean (a file) or as text (an environment variable, where any value
/// but `false`, `0`, `no`, `off` and nothing means yes, as flags read from the environment do).
fn boolish<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Boolish {
        Bool(bool),
        Number(i64),
        Text(String),
    }
    Ok(match Boolish::deserialize(deserializer)? {
        Boolish::Bool(b) => b,
        Boolish::Number(n) => n != 0,
        Boolish::Text(t) => !matches!(
            t.trim().to_lowercase().as_str(),
            "" | "false" | "0" | "no" | "off"
        ),
    })
}

/// A list given as a list (a file) or as one string separated by commas (an environment
/// variable).
fn list<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: std::str::FromStr + Deserialize<'de>,
    T::Err: std::fmt::Display,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany<T> {
        Many(Vec<T>),
        Text(String),
    }
    match OneOrMany::<T>::deserialize(deserializer)? {
        OneOrMany::Many(items) => Ok(items),
        OneOrMany::Text(text) => text
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(|item| {
                item.parse()
                    .map_err(|e| serde::de::Error::custom(format!("«{item}»: {e}")))
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_setting_has_a_known_key() {
        let every = Settings {
            database_url: Some("sqlite://u.db".into()),
            public_url: Some("https://uppfolj.stad.se".into()),
            smtp_url: Some("smtp://relay".into()),
            mail_from: Some("Uppfölj <u@stad.se>".into()),
            city_name: Some("Staden".into()),
            logo: Some("logo.svg".into()),
            accent_colour: Some("#0b5394".into()),
            metrics_token: Some("t".into()),
            oidc_issuer: Some("https://login.stad.se".into()),
            oidc_client_id: Some("uppfolj".into()),
            oidc_client_secret: Some("s".into()),
            oidc_role_claim: Some("roll".into()),
            oidc_role_map: [("grupp-1".to_owned(), "lasare".to_owned())].into(),
            oidc_organisations_claim: Some("organisationer".into()),
            ..Settings::default()
        };
        let table = toml::Table::try_from(every).unwrap();
        let keys: Vec<&str> = table.keys().map(String::as_str).collect();
        let mut known = KNOWN.to_vec();
        known.sort_unstable();
        assert_eq!(keys, known, "a setting is missing from known_keys");
    }

    #[test]
    fn the_example_file_names_every_setting_and_nothing_else() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../uppfolj.example.toml");
        let text = std::fs::read_to_string(&path).unwrap();
        for key in KNOWN {
            assert!(text.contains(&format!("{key} =")), "{key} is not explained");
        }
        let loaded = load(Some(&path), Flags::default()).unwrap();
        assert!(
            !loaded.unknown.iter().any(|u| u.contains("example")),
            "{:?}",
            loaded.unknown
        );
    }

    #[test]
    fn lists_and_yes_or_no_are_read_from_text_as_from_the_environment() {
        let figment = Figment::from(Serialized::defaults(Settings::default())).merge(
            Serialized::defaults(toml::toml! {
                trusted_proxies = "10.0.0.1, 10.0.0.2"
                insecure_cookies = "1"
            }),
        );
        let settings: Settings = figment.extract().unwrap();
        assert_eq!(settings.trusted_proxies.len(), 2);
        assert!(settings.insecure_cookies);
        let wrong = Figment::from(Serialized::defaults(Settings::default())).merge(
            Serialized::defaults(toml::toml! { trusted_proxies = "10.0.0.1,nej" }),
        );
        let error = wrong.extract::<Settings>().unwrap_err().to_string();
        assert!(error.contains("«nej»"), "{error}");
    }
}
