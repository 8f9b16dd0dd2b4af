//! Answers from the user: prompts on stderr, answers from the terminal (passwords without
//! echo) or, when stdin is not a terminal, from stdin line by line.

use std::io::{BufRead as _, IsTerminal as _, Read as _, Write as _};

use cognito_srp_auth_sdk::{Answer, BoxError, Password, Prompt, Question};
use zeroize::Zeroizing;

use crate::Failure;

/// The longest answer line read from stdin.
const MAX_LINE: usize = 4096;

/// Prompts on stderr, answers from the terminal or stdin.
#[derive(Debug)]
pub(crate) struct Terminal {
    interactive: bool,
}

impl Terminal {
    pub(crate) fn new() -> Self {
        Self {
            interactive: std::io::stdin().is_terminal(),
        }
    }

    /// One answer line (without its line end), wiped on drop.
    fn line(&self, prompt: &str) -> Result<Zeroizing<String>, BoxError> {
        eprint!("{prompt}: ");
        std::io::stderr().flush()?;
        let mut line = Zeroizing::new(String::with_capacity(MAX_LINE + 1));
        let read = std::io::stdin()
            .lock()
            .take(u64::try_from(MAX_LINE).unwrap_or(u64::MAX) + 1)
            .read_line(&mut line)?;
        if !self.interactive {
            eprintln!();
        }
        if read == 0 {
            return Err(format!("no answer on stdin for {prompt}").into());
        }
        if line.len() > MAX_LINE {
            return Err(format!("the answer for {prompt} is longer than {MAX_LINE} bytes").into());
        }
        let end = line.trim_end_matches(['\r', '\n']).len();
        line.truncate(end);
        Ok(line)
    }

    /// A secret: without echo on a terminal, else the next stdin line.
    fn secret(&self, prompt: &str) -> Result<Password, BoxError> {
        if self.interactive {
            let text = rpassword::prompt_password(format!("{prompt}: "))?;
            Ok(Password::new(text))
        } else {
            let line = self.line(prompt)?;
            Ok(Password::from(line.as_str()))
        }
    }

    /// The user's password: `COGNITO_PASSWORD` when set, else asked.
    pub(crate) fn password(&mut self, prompt: &str) -> Result<Password, Failure> {
        if let Ok(password) = std::env::var("COGNITO_PASSWORD") {
            return Ok(Password::new(password));
        }
        self.secret(prompt)
            .map_err(|e| Failure::Local(format!("reading the password: {e}")))
    }

    fn answer_now(&mut self, prompt: Prompt) -> Result<Answer, BoxError> {
        Ok(match prompt {
            Prompt::Question(question) => self.question(question)?,
            Prompt::ChooseMfaSetup { options } => {
                let choice = self.line(&format!(
                    "MFA to set up ({})",
                    shown(&options.join(", ")).as_str()
                ))?;
                Answer::MfaType(choice.as_str().to_owned())
            }
            Prompt::TotpSetup(setup) => {
                eprintln!(
                    "Add this key to your authenticator app: {}",
                    *shown(setup.uri())
                );
                eprintln!("(or enter the secret by hand: {})", *shown(setup.secret()));
                let code = self.line("First code from the authenticator")?;
                Answer::Code(code.as_str().to_owned())
            }
            Prompt::EmailMfaSetup => {
                let email = self.line("Email address for MFA codes")?;
                Answer::MfaSetupEmail {
                    email: email.as_str().to_owned(),
                }
            }
            other => return Err(format!("cannot answer {} here", other.name()).into()),
        })
    }

    fn question(&mut self, question: Question) -> Result<Answer, BoxError> {
        Ok(match question {
            Question::Password => Answer::Password(self.secret("Password")?),
            Question::Code {
                challenge,
                destination,
                ..
            } => {
                let sent = destination
                    .map(|d| format!(", sent to {}", shown(&d).as_str()))
                    .unwrap_or_default();
                let code = self.line(&format!("{} code{sent}", challenge.wire_name()))?;
                Answer::Code(code.as_str().to_owned())
            }
            Question::CustomChallenge { parameters } => {
                for (name, value) in &parameters {
                    eprintln!("{}: {}", shown(name).as_str(), shown(value).as_str());
                }
                let answer = self.line("Answer")?;
                Answer::CustomAnswer(answer.as_str().to_owned())
            }
            Question::NewPassword {
                required_attributes,
                user_attributes,
            } => {
                let password = self.secret("New password")?;
                let mut attributes = Vec::new();
                for name in required_attributes {
                    if !user_attributes.contains_key(&name) {
                        let value = self.line(&format!(
                            "Value of the required attribute {}",
                            shown(&name).as_str()
                        ))?;
                        attributes.push((name, value.as_str().to_owned()));
                    }
                }
                Answer::NewPassword {
                    password,
                    attributes,
                }
            }
            Question::SelectMfaType { options } => {
                let choice = self.line(&format!(
                    "MFA type ({})",
                    shown(&options.join(", ")).as_str()
                ))?;
                Answer::MfaType(choice.as_str().to_owned())
            }
            Question::SelectChallenge { available } => {
                let names: Vec<&str> = available.iter().map(|f| f.wire_name()).collect();
                let choice = self.line(&format!("First factor ({})", names.join(", ")))?;
                let factor = available
                    .into_iter()
                    .find(|f| f.wire_name() == choice.as_str())
                    .ok_or_else(|| format!("not one of {}", names.join(", ")))?;
                Answer::FirstFactor(factor)
            }
            Question::WebAuthn { .. } => {
                return Err("WebAuthn needs an authenticator; this command has none".into());
            }
            other => return Err(format!("cannot answer {other:?}").into()),
        })
    }
}

impl cognito_srp_auth_sdk::Handler for Terminal {
    async fn answer(&mut self, prompt: Prompt) -> Result<Answer, BoxError> {
        // Reading the terminal blocks: fine for a command line that does nothing else.
        self.answer_now(prompt)
    }
}

/// Server-supplied text as it may reach the terminal: control characters (escape sequences
/// among them) become `\u{FFFD}`. Allocated once at its largest size (a replacement takes at
/// most three bytes) and wiped on drop, as it may be a TOTP secret.
fn shown(text: &str) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::with_capacity(text.len().saturating_mul(3)));
    for c in text.chars() {
        out.push(if c.is_control() { '\u{FFFD}' } else { c });
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn control_characters_do_not_reach_the_terminal() {
        let text = "a\u{1b}[2Jb\u{7}\u{9b}c é";
        assert_eq!(
            super::shown(text).as_str(),
            "a\u{FFFD}[2Jb\u{FFFD}\u{FFFD}c é"
        );
    }
}
