//! OpenID Connect, the protocol: the provider's discovery document and keys (read once, again
//! when a token is signed by a key not yet seen), the authorization request with PKCE, state
//! and nonce, and the code exchange with every check of the id token — signature, issuer,
//! audience, expiry and nonce — by the `openidconnect` crate. Which account the identity logs in
//! as is `sso`'s.

use std::sync::Arc;
use std::time::Duration;

use openidconnect::core::{CoreAuthenticationFlow, CoreClient};
use openidconnect::{
    AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken, EndSessionUrl,
    EndpointMaybeSet, EndpointNotSet, EndpointSet, IssuerUrl, LogoutRequest, Nonce,
    PkceCodeChallenge, PkceCodeVerifier, PostLogoutRedirectUrl, ProviderMetadataWithLogout,
    RedirectUrl, Scope, TokenResponse, reqwest,
};
use serde_json::{Map, Value};
use tokio::sync::Mutex;
use uppfolj_model::Role;
use uppfolj_store::PendingLogin;

/// How single sign-on is set up; absent when it is not.
#[derive(Clone, Debug)]
pub struct SsoSettings {
    /// The provider's issuer URL, where its discovery document is.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// Says whom to log in with: «Logga in med LABEL».
    pub label: String,
    /// Offer only single sign-on, not the password form.
    pub only: bool,
    /// Match a first login to an existing account by its verified e-mail address.
    pub match_email: bool,
    /// A claim whose value is the role (samordnare, uppgiftslamnare, lasare), or a list of values
    /// (groups, say) of which `role_map` names roles; when set, the role is taken from the
    /// provider at every login instead of kept in Uppfölj.
    pub role_claim: Option<String>,
    /// Values of the role claim (a directory's group ids) and the role each gives.
    pub role_map: Vec<(String, Role)>,
    /// A claim whose value lists the organisations' keys, taken with the role.
    pub organisations_claim: Option<String>,
    /// Create an account at the first login when the claims give a role.
    pub create_users: bool,
}

/// An identity the provider vouched for in a verified id token.
#[derive(Clone, Debug)]
pub struct Identity {
    /// The provider's stable id for the person.
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: bool,
    /// Every claim of the id token, for the role and organisation mapping.
    pub claims: Map<String, Value>,
}

/// The client as discovery makes it: an authorization endpoint, and a token endpoint that the
/// document may or may not name.
type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// Why a login through the provider was refused. Each is said to the person in Swedish and
/// logged; none lets anyone in.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    #[error("Inloggningstjänsten svarar inte just nu. Försök igen om en stund.")]
    Unreachable(String),
    #[error("Inloggningstjänsten godtog inte inloggningen.")]
    Exchange(String),
    #[error("Inloggningstjänsten skickade inget inloggningsbevis.")]
    NoIdToken,
    #[error("Inloggningsbeviset har gått ut.")]
    Expired,
    #[error("Inloggningsbeviset är utfärdat för en annan tjänst än Uppfölj.")]
    Audience,
    #[error("Inloggningsbeviset kommer från en annan utfärdare än stadens inloggningstjänst.")]
    Issuer,
    #[error("Inloggningsbeviset hör inte till den här inloggningen.")]
    Nonce,
    #[error("Inloggningsbevisets signatur stämmer inte.")]
    Signature(String),
    #[error("Inloggningsbeviset kunde inte godtas.")]
    Other(String),
}

impl Refused {
    /// A short code for logs and the audit trail.
    pub fn code(&self) -> &'static str {
        match self {
            Refused::Unreachable(_) => "unreachable",
            Refused::Exchange(_) => "exchange",
            Refused::NoIdToken => "no_id_token",
            Refused::Expired => "expired",
            Refused::Audience => "audience",
            Refused::Issuer => "issuer",
            Refused::Nonce => "nonce",
            Refused::Signature(_) => "signature",
            Refused::Other(_) => "other",
        }
    }
}

impl From<ClaimsVerificationError> for Refused {
    fn from(error: ClaimsVerificationError) -> Refused {
        match error {
            ClaimsVerificationError::Expired(_) => Refused::Expired,
            ClaimsVerificationError::InvalidAudience(_) => Refused::Audience,
            ClaimsVerificationError::InvalidIssuer(_) => Refused::Issuer,
            ClaimsVerificationError::InvalidNonce(_) => Refused::Nonce,
            ClaimsVerificationError::SignatureVerification(e) => Refused::Signature(e.to_string()),
            other => Refused::Other(other.to_string()),
        }
    }
}

/// The provider as discovered.
struct Discovered {
    client: Client,
    end_session: Option<EndSessionUrl>,
}

/// Single sign-on as set up: the settings, where the provider sends people back, and the
/// provider, discovered at the first login so that Uppfölj starts even when it is down.
pub struct Provider {
    pub settings: SsoSettings,
    redirect: String,
    http: reqwest::Client,
    discovered: Mutex<Option<Arc<Discovered>>>,
}

/// Where a login starts: the provider's address to send the browser to, the state that comes
/// back with it, and what to keep until then.
pub struct Start {
    pub url: String,
    pub state: String,
    pub pending: PendingLogin,
}

impl Provider {
    /// Single sign-on for Uppfölj at `public_url`; the provider sends people back to
    /// `/logga-in/sso/svar` there.
    pub fn new(settings: SsoSettings, public_url: &str) -> Result<Provider, Refused> {
        let http = reqwest::ClientBuilder::new()
            // Never follow a redirect from the provider's endpoints (a request forgery guard).
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| Refused::Unreachable(e.to_string()))?;
        Ok(Provider {
            settings,
            redirect: format!("{}/logga-in/sso/svar", public_url.trim_end_matches('/')),
            http,
            discovered: Mutex::new(None),
        })
    }

    /// The discovered provider, discovering it now if it has not been (or `again`).
    async fn discovered(&self, again: bool) -> Result<Arc<Discovered>, Refused> {
        let mut held = self.discovered.lock().await;
        if let (Some(discovered), false) = (held.as_ref(), again) {
            return Ok(discovered.clone());
        }
        let issuer = IssuerUrl::new(self.settings.issuer.clone())
            .map_err(|e| Refused::Unreachable(format!("issuer: {e}")))?;
        let metadata = ProviderMetadataWithLogout::discover_async(issuer, &self.http)
            .await
            .map_err(|e| Refused::Unreachable(chain(&e)))?;
        let end_session = metadata.additional_metadata().end_session_endpoint.clone();
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.settings.client_id.clone()),
            Some(ClientSecret::new(self.settings.client_secret.clone())),
        )
        .set_redirect_uri(
            RedirectUrl::new(self.redirect.clone())
                .map_err(|e| Refused::Unreachable(format!("redirect: {e}")))?,
        );
        let discovered = Arc::new(Discovered {
            client,
            end_session,
        });
        *held = Some(discovered.clone());
        Ok(discovered)
    }

    /// Starts a login: the authorization request with a fresh state, nonce and PKCE challenge.
    pub async fn start(&self) -> Result<Start, Refused> {
        let discovered = self.discovered(false).await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = discovered
            .client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(challenge)
            .url();
        Ok(Start {
            url: url.to_string(),
            state: state.into_secret(),
            pending: PendingLogin {
                nonce: nonce.into_secret(),
                verifier: verifier.into_secret(),
            },
        })
    }

    /// Exchanges the code the provider sent back for tokens and checks the id token; the
    /// identity it vouches for. A token signed by a key not yet seen has the keys read again
    /// once (the provider may have rotated them).
    pub async fn finish(&self, code: &str, pending: &PendingLogin) -> Result<Identity, Refused> {
        let discovered = self.discovered(false).await?;
        let exchange = discovered
            .client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| Refused::Exchange(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.verifier.clone()));
        let tokens = exchange
            .request_async(&self.http)
            .await
            .map_err(|e| Refused::Exchange(chain(&e)))?;
        let id_token = tokens.id_token().ok_or(Refused::NoIdToken)?;
        let nonce = Nonce::new(pending.nonce.clone());
        let checked = id_token.claims(&discovered.client.id_token_verifier(), &nonce);
        let claims = match checked {
            Err(ClaimsVerificationError::SignatureVerification(_)) => {
                let again = self.discovered(true).await?;
                id_token
                    .claims(&again.client.id_token_verifier(), &nonce)?
                    .clone()
            }
            other => other?.clone(),
        };
        Ok(Identity {
            subject: claims.subject().as_str().to_owned(),
            email: claims.email().map(|e| e.as_str().to_owned()),
            email_verified: claims.email_verified().unwrap_or(false),
            claims: payload(&id_token.to_string()),
        })
    }

    /// Where to end the session at the provider too, when it has an end-session endpoint;
    /// it sends people back to `after`.
    pub async fn end_session_url(&self, after: &str) -> Option<String> {
        let discovered = self.discovered(false).await.ok()?;
        let request = LogoutRequest::from(discovered.end_session.clone()?)
            .set_client_id(discovered.client.client_id().clone());
        let request = match PostLogoutRedirectUrl::new(after.to_owned()) {
            Ok(url) => request.set_post_logout_redirect_uri(url),
            Err(_) => request,
        };
        Some(request.http_get_url().to_string())
    }
}

/// Every claim of an id token whose signature has been checked: the mapping reads claims the
/// crate's types do not name (groups, roles, organisations).
fn payload(token: &str) -> Map<String, Value> {
    use base64::Engine as _;
    token
        .split('.')
        .nth(1)
        .and_then(|p| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(p)
                .ok()
        })
        .and_then(|bytes| serde_json::from_slice::<Map<String, Value>>(&bytes).ok())
        .unwrap_or_default()
}

/// An error with its causes, for logs.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
