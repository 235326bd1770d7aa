//! How a city presents itself on every page, public ones included: its name beside Uppfölj's,
//! its logo and its accent colour. Set once at start; the pages reach it through the request's
//! task ([`scope`]) rather than through every template's fields.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

/// The city's look; the default is Uppfölj's own.
#[derive(Clone, Debug, Default)]
pub struct Theme {
    /// «Göteborgs Stad», shown beside Uppfölj's name.
    pub city: Option<String>,
    pub logo: Option<Logo>,
    pub accent: Option<Accent>,
}

/// Why a theme setting is refused at start.
#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    #[error("färgen «{0}» ska skrivas #rrggbb, t.ex. #0b5394")]
    Colour(String),
    #[error(
        "färgen {colour} har kontrasten {ratio:.1}:1 mot vitt; text och knappar behöver minst 4,5:1 (WCAG 2.1 AA) — välj en mörkare nyans"
    )]
    Contrast { colour: String, ratio: f64 },
    #[error("logotypen ska vara en SVG-, PNG- eller JPEG-fil på högst 512 kB")]
    Logo,
}

/// A logo image as served at `/assets/logo`.
#[derive(Clone, Debug)]
pub struct Logo {
    bytes: Arc<[u8]>,
    media_type: &'static str,
}

/// The largest logo accepted: a header image, not a photograph.
const MAX_LOGO_BYTES: usize = 512 * 1024;

impl Logo {
    /// A logo from a file's bytes, recognised by its content (SVG, PNG or JPEG).
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Logo, ThemeError> {
        if bytes.len() > MAX_LOGO_BYTES {
            return Err(ThemeError::Logo);
        }
        let start = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_lowercase();
        let media_type = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            "image/png"
        } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
            "image/jpeg"
        } else if start
            .trim_start_matches('\u{feff}')
            .trim_start()
            .starts_with('<')
            && start.contains("<svg")
        {
            "image/svg+xml"
        } else {
            return Err(ThemeError::Logo);
        };
        Ok(Logo {
            bytes: bytes.into(),
            media_type,
        })
    }
}

/// An accent colour that reads on white.
#[derive(Clone, Debug)]
pub struct Accent(String);

impl Accent {
    /// `#rrggbb` with at least 4.5:1 contrast against white, as text on white and white text on
    /// buttons both need.
    pub fn parse(text: &str) -> Result<Accent, ThemeError> {
        let hex = text.trim();
        let channels: Option<Vec<u8>> = hex
            .strip_prefix('#')
            .filter(|h| h.len() == 6 && h.is_ascii())
            .and_then(|h| {
                (0..3)
                    .map(|i| u8::from_str_radix(&h[i * 2..i * 2 + 2], 16).ok())
                    .collect()
            });
        let channels = channels.ok_or_else(|| ThemeError::Colour(text.to_owned()))?;
        let ratio = 1.05 / (relative_luminance(&channels) + 0.05);
        if ratio < 4.5 {
            return Err(ThemeError::Contrast {
                colour: hex.to_owned(),
                ratio,
            });
        }
        Ok(Accent(hex.to_lowercase()))
    }
}

/// WCAG 2.1's relative luminance of an sRGB colour.
fn relative_luminance(channels: &[u8]) -> f64 {
    let linear = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * linear(channels[0]) + 0.7152 * linear(channels[1]) + 0.0722 * linear(channels[2])
}

tokio::task_local! {
    static CURRENT: Arc<Theme>;
}

/// Runs the request with the server's theme in reach of the templates.
pub async fn scope(State(theme): State<Arc<Theme>>, request: Request, next: Next) -> Response {
    CURRENT.scope(theme, next.run(request)).await
}

/// The city's name, for the page header.
pub fn city() -> Option<String> {
    CURRENT.try_with(|t| t.city.clone()).ok().flatten()
}

/// Whether the city has a logo, served at `/assets/logo`.
pub fn has_logo() -> bool {
    CURRENT.try_with(|t| t.logo.is_some()).unwrap_or(false)
}

impl Theme {
    /// The theme's stylesheet, loaded after Uppfölj's own: the accent colour, if any.
    pub fn stylesheet(&self) -> String {
        match &self.accent {
            Some(Accent(colour)) => format!(":root {{ --accent: {colour}; }}\n"),
            None => "/* Uppföljs egna färger. */\n".to_owned(),
        }
    }

    /// The logo's bytes and media type.
    pub fn logo(&self) -> Option<(&[u8], &'static str)> {
        self.logo.as_ref().map(|l| (&l.bytes[..], l.media_type))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_accent_colour_must_read_on_white() {
        assert!(Accent::parse("#0b5394").is_ok());
        assert!(Accent::parse("#767676").is_ok(), "4.54:1, just enough");
        let light = Accent::parse("#ffcc00").unwrap_err().to_string();
        assert!(light.contains("4,5:1"), "{light}");
        assert!(matches!(Accent::parse("blå"), Err(ThemeError::Colour(_))));
        assert!(matches!(
            Accent::parse("#12345"),
            Err(ThemeError::Colour(_))
        ));
    }

    #[test]
    fn a_logo_is_recognised_by_its_content() {
        let svg = b"<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>".to_vec();
        assert!(Logo::from_bytes(svg).is_ok());
        assert!(Logo::from_bytes(b"\x89PNG\r\n\x1a\nrest".to_vec()).is_ok());
        assert!(Logo::from_bytes(b"GIF89a".to_vec()).is_err());
        assert!(Logo::from_bytes(vec![b'<'; MAX_LOGO_BYTES + 1]).is_err());
    }
}
