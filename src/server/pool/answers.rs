//! The pool's answers: [`UserPool::handle`], and one handler per `AuthFlow` and per
//! challenge response.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

use chrono::{DateTime, Utc};
use rand_core::TryCryptoRng;
use subtle::ConstantTimeEq as _;
use zeroize::Zeroizing;

use super::pending::{Claimant, Exchange, Pending, Then};
use super::refusals::{
    BAD_SECRET_HASH, INCORRECT, INVALID_SESSION, NO_DEVICE, Refusal, code_mismatch, error, missing,
    not_authorized, unknown_client, unknown_pool,
};
use super::state::{Answered, Call, CustomStep, Reply, Tokens, UserPool};
use crate::challenge::{FirstFactor, auth_flow, challenge_name, param};
use crate::error::Error;
use crate::flow::{Challenge, Request, ServerAnswer};
use crate::server::exchange::ServerSrp;
use crate::wire::{AuthParameters, ChallengeResponses};

/// `USER_AUTH`'s first factors, as this pool offers them.
const AVAILABLE: [FirstFactor; 3] = [
    FirstFactor::PasswordSrp,
    FirstFactor::Password,
    FirstFactor::EmailOtp,
];

/// Cognito's answer to a claim that does not verify.
fn claim_refusal(result: crate::Result<()>) -> Result<(), Refusal> {
    match result {
        Ok(()) => Ok(()),
        Err(Error::InvalidTimestamp) => Err(error(
            "InvalidParameterException",
            "TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.",
        )),
        Err(_) => Err(not_authorized(INCORRECT)),
    }
}

impl<R: TryCryptoRng> UserPool<R> {
    /// Answer one request as Cognito would. Refusals are [`ServerAnswer::Error`] with
    /// Cognito's exception names and messages. `now` is the pool's clock: it checks claim
    /// timestamps and expires challenges.
    ///
    /// The request's `ClientId` picks the app client (`ResourceNotFoundException`
    /// `User pool client <id> does not exist.` for another), and an `Admin…` request's
    /// `UserPoolId` must be this pool's (`User pool <id> does not exist.`).
    ///
    /// A `PASSWORD_VERIFIER` answer whose claim verifies but whose `DEVICE_KEY` the pool does
    /// not know for the user is refused with `ResourceNotFoundException`
    /// `Device does not exist.` and its exchange is kept: the same answer sent again without
    /// `DEVICE_KEY` (amazon-cognito-identity-js's retry) signs in. A claim that does not verify
    /// ends the exchange whatever its `DEVICE_KEY`.
    pub fn handle(&mut self, request: &Request, now: DateTime<Utc>) -> ServerAnswer {
        match self.answer(request, now) {
            Ok(Reply::Challenge(challenge)) => ServerAnswer::Challenge(challenge),
            Ok(Reply::Tokens(tokens)) => {
                ServerAnswer::authenticated(tokens.new_device, Some(&tokens.access_token))
            }
            Err(refusal) => refusal.into(),
        }
    }

    /// [`handle`](Self::handle), before the answer takes its form.
    pub(super) fn answer(&mut self, request: &Request, now: DateTime<Utc>) -> Answered {
        let context = request.context();
        let client = self
            .clients
            .iter()
            .position(|c| c.id == context.client_id)
            .ok_or_else(|| unknown_client(&context.client_id))?;
        if let Some(pool_id) = &context.user_pool_id
            && *pool_id != self.config.pool_id
        {
            return Err(unknown_pool(pool_id));
        }
        let call = Call { client, now };
        let answer = match request {
            Request::InitiateAuth(r) => {
                self.initiate(&r.auth_parameters, r.context.is_admin(), call)
            }
            Request::RespondToAuthChallenge(r) => {
                self.respond(&r.challenge_responses, r.session.as_deref(), call)
            }
        };
        self.expire(now);
        answer
    }

    /// `InitiateAuth` / `AdminInitiateAuth`, by `AuthFlow`.
    fn initiate(&mut self, parameters: &AuthParameters, admin: bool, call: Call) -> Answered {
        let flow = parameters.auth_flow();
        // `REFRESH_TOKEN` is the API's other name of the flow.
        if flow == auth_flow::REFRESH_TOKEN_AUTH || flow == "REFRESH_TOKEN" {
            return self.refresh(parameters, call);
        }
        let typed = parameters
            .get(param::USERNAME)
            .ok_or_else(|| missing(param::USERNAME))?;
        // SECRET_HASH over the name as typed (an alias is fine here).
        if !self.check_secret_hash(call, typed, parameters.get(param::SECRET_HASH)) {
            return Err(not_authorized(BAD_SECRET_HASH));
        }
        let claimant = self
            .find_user(typed)
            .map_or(Claimant::Unknown, Claimant::User);
        let device_key = parameters.get(param::DEVICE_KEY).map(String::from);
        let srp_a = parameters.get(param::SRP_A);
        let password = parameters.get(param::PASSWORD);
        match (flow, parameters.get(param::PREFERRED_CHALLENGE)) {
            (auth_flow::USER_SRP_AUTH, _) | (auth_flow::USER_AUTH, Some("PASSWORD_SRP")) => {
                self.srp_challenge(claimant, typed, srp_a, device_key, Then::Tokens, call)
            }
            (auth_flow::CUSTOM_AUTH, _) if self.custom_auth.is_none() => Err(error(
                "InvalidParameterException",
                "Custom auth lambda trigger is not configured for the user pool.",
            )),
            (auth_flow::CUSTOM_AUTH, _) if srp_a.is_some() => {
                self.srp_challenge(claimant, typed, srp_a, device_key, Then::Custom, call)
            }
            (auth_flow::CUSTOM_AUTH, _) => match claimant {
                Claimant::User(user) => {
                    self.custom_step(user, Zeroizing::new(Vec::new()), device_key, call)
                }
                Claimant::Unknown => Err(not_authorized(INCORRECT)),
            },
            (auth_flow::USER_PASSWORD_AUTH, _) if !admin => {
                self.plain_password(claimant, typed, password, device_key, call)
            }
            (auth_flow::ADMIN_USER_PASSWORD_AUTH, _) if admin => {
                self.plain_password(claimant, typed, password, device_key, call)
            }
            (auth_flow::USER_AUTH, Some("PASSWORD")) => {
                self.plain_password(claimant, typed, password, device_key, call)
            }
            (auth_flow::USER_AUTH, Some("EMAIL_OTP")) => {
                self.email_otp(claimant, typed, device_key, call)
            }
            (auth_flow::USER_AUTH, _) => self.select_challenge(claimant, typed, device_key, call),
            _ => Err(error(
                "InvalidParameterException",
                "The AuthFlow is not supported for this operation.",
            )),
        }
    }

    /// `RespondToAuthChallenge` / `AdminRespondToAuthChallenge`, by `ChallengeName`.
    fn respond(
        &mut self,
        responses: &ChallengeResponses,
        session: Option<&str>,
        call: Call,
    ) -> Answered {
        let username = responses
            .get(param::USERNAME)
            .ok_or_else(|| missing(param::USERNAME))?;
        match responses.challenge_name() {
            challenge_name::PASSWORD_VERIFIER => self.password_verifier(username, responses, call),
            challenge_name::SELECT_CHALLENGE => self.selected(username, responses, session, call),
            challenge_name::EMAIL_OTP => self.email_code(username, responses, session, call),
            challenge_name::CUSTOM_CHALLENGE => {
                self.custom_answer(username, responses, session, call)
            }
            challenge_name::DEVICE_SRP_AUTH => {
                self.device_srp_auth(username, responses, session, call)
            }
            challenge_name::DEVICE_PASSWORD_VERIFIER => {
                self.device_password_verifier(username, responses, session, call)
            }
            _ => Err(error(
                "InvalidParameterException",
                "Unsupported challenge for this pool.",
            )),
        }
    }

    /// A `PASSWORD_VERIFIER` challenge for `SRP_A` (a fake one for an unknown name).
    fn srp_challenge(
        &mut self,
        claimant: Claimant,
        typed: &str,
        srp_a: Option<&str>,
        device_key: Option<String>,
        then: Then,
        call: Call,
    ) -> Answered {
        let srp_a = srp_a.ok_or_else(|| missing(param::SRP_A))?;
        let (started, internal) = match claimant {
            Claimant::User(user) => {
                let record = self
                    .users
                    .get(user)
                    .ok_or_else(|| not_authorized(INCORRECT))?;
                let internal = String::from(record.verifier.username());
                (
                    ServerSrp::start(&record.verifier.0, srp_a, &mut self.rng),
                    internal,
                )
            }
            Claimant::Unknown => {
                let fake = self.fake_verifier(typed);
                (
                    ServerSrp::start(&fake, srp_a, &mut self.rng),
                    String::from(typed),
                )
            }
        };
        let srp = started.map_err(|_| error("InvalidParameterException", "Invalid SRP_A."))?;
        let challenge = Challenge::new(
            challenge_name::PASSWORD_VERIFIER,
            [
                (param::SALT, String::from(srp.salt())),
                (param::SRP_B, String::from(srp.srp_b())),
                (param::SECRET_BLOCK, String::from(srp.secret_block())),
                (param::USER_ID_FOR_SRP, internal.clone()),
                (param::USERNAME, internal),
            ],
            None,
        );
        let exchange = Exchange::Password {
            claimant,
            srp,
            device_key,
            then,
        };
        Ok(self.challenge(challenge, exchange, call))
    }

    /// The SRP claim.
    ///
    /// A claim that verifies with a `DEVICE_KEY` the user does not have (or that the
    /// `InitiateAuth` named, when the answer names none) is refused with "Device does not
    /// exist." and its exchange is put back, without that device: the same claim sent again
    /// without `DEVICE_KEY` signs in (amazon-cognito-identity-js's retry). Every other refusal,
    /// a claim that does not verify above all, ends the exchange: one password guess per
    /// exchange.
    fn password_verifier(
        &mut self,
        username: &str,
        responses: &ChallengeResponses,
        call: Call,
    ) -> Answered {
        let block = responses
            .get(param::PASSWORD_CLAIM_SECRET_BLOCK)
            .unwrap_or_default();
        let (index, pending) = self.take_pending(
            call,
            INCORRECT,
            |e| matches!(e, Exchange::Password { srp, .. } if srp.secret_block() == block),
        )?;
        let Pending {
            sent,
            client,
            exchange:
                Exchange::Password {
                    claimant,
                    srp,
                    device_key,
                    then,
                },
        } = pending
        else {
            return Err(not_authorized(INCORRECT));
        };
        let verified = srp.check(|k| responses.get(k), call.now);
        // An unknown user fails here, after the same work as a wrong password.
        let Claimant::User(user) = claimant else {
            return Err(not_authorized(INCORRECT));
        };
        self.check_user_response(user, username, responses, call)?;
        claim_refusal(verified)?;
        let device_key = responses
            .get(param::DEVICE_KEY)
            .map(String::from)
            .or(device_key);
        let confirmed = self.users.get(user).is_some_and(|u| u.confirmed);
        if then == Then::Tokens
            && confirmed
            && let Some(key) = &device_key
            && self.device(user, key).is_none()
        {
            let exchange = Exchange::Password {
                claimant,
                srp,
                device_key: None,
                then,
            };
            self.restore(
                index,
                Pending {
                    sent,
                    client,
                    exchange,
                },
            );
            return Err(error("ResourceNotFoundException", NO_DEVICE));
        }
        match then {
            Then::Custom => self.custom_step(user, Zeroizing::new(Vec::new()), device_key, call),
            Then::Tokens => self.first_factor_done(user, device_key, call),
        }
    }

    /// `USER_PASSWORD_AUTH`, `USER_AUTH` with `PASSWORD`: the password checked against the
    /// verifier (an unknown name does the same work with a fake one, and fails).
    fn plain_password(
        &mut self,
        claimant: Claimant,
        typed: &str,
        password: Option<&str>,
        device_key: Option<String>,
        call: Call,
    ) -> Answered {
        let password = password.ok_or_else(|| missing(param::PASSWORD))?;
        let matches = match claimant {
            Claimant::User(user) => self
                .users
                .get(user)
                .is_some_and(|u| u.verifier.0.matches(password.as_bytes())),
            Claimant::Unknown => {
                // The same work as for a user, whatever its verdict.
                let _ = self.fake_verifier(typed).matches(password.as_bytes());
                false
            }
        };
        match claimant {
            Claimant::User(user) if matches => self.first_factor_done(user, device_key, call),
            _ => Err(not_authorized(INCORRECT)),
        }
    }

    /// After the first factor: the unconfirmed refusal, device SRP with a device, or tokens.
    fn first_factor_done(
        &mut self,
        user: usize,
        device_key: Option<String>,
        call: Call,
    ) -> Answered {
        if self.users.get(user).is_some_and(|u| !u.confirmed) {
            return Err(error("UserNotConfirmedException", "User is not confirmed."));
        }
        let Some(device_key) = device_key else {
            return self.authenticated(user, None, call);
        };
        if self.device(user, &device_key).is_none() {
            return Err(error("ResourceNotFoundException", NO_DEVICE));
        }
        let session = self.random_hex(32)?;
        let challenge = Challenge::new(
            challenge_name::DEVICE_SRP_AUTH,
            [(param::USERNAME, self.username_of(user))],
            Some(&session),
        );
        let exchange = Exchange::DeviceAuth {
            user,
            session,
            device_key,
        };
        Ok(self.challenge(challenge, exchange, call))
    }

    /// `USER_AUTH` without a preference: `SELECT_CHALLENGE`.
    fn select_challenge(
        &mut self,
        claimant: Claimant,
        typed: &str,
        device_key: Option<String>,
        call: Call,
    ) -> Answered {
        let session = self.random_hex(32)?;
        let name = match claimant {
            Claimant::User(user) => self.username_of(user),
            Claimant::Unknown => String::from(typed),
        };
        let challenge = Challenge::new(
            challenge_name::SELECT_CHALLENGE,
            [(param::USERNAME, name.clone())],
            Some(&session),
        )
        .with_available_challenges(AVAILABLE.map(FirstFactor::wire_name));
        let exchange = Exchange::Select {
            claimant,
            name,
            session,
            device_key,
        };
        Ok(self.challenge(challenge, exchange, call))
    }

    /// The `SELECT_CHALLENGE` answer: the chosen factor's next step.
    fn selected(
        &mut self,
        username: &str,
        responses: &ChallengeResponses,
        session: Option<&str>,
        call: Call,
    ) -> Answered {
        let Exchange::Select {
            claimant,
            name,
            device_key,
            ..
        } = self.take_session(session, call)?
        else {
            return Err(not_authorized(INVALID_SESSION));
        };
        if let Claimant::User(user) = claimant {
            self.check_user_response(user, username, responses, call)?;
        }
        let srp_a = responses.get(param::SRP_A);
        let password = responses.get(param::PASSWORD);
        match responses
            .get(param::ANSWER)
            .and_then(FirstFactor::from_wire)
        {
            Some(FirstFactor::PasswordSrp) => {
                self.srp_challenge(claimant, &name, srp_a, device_key, Then::Tokens, call)
            }
            Some(FirstFactor::Password) => {
                self.plain_password(claimant, &name, password, device_key, call)
            }
            Some(FirstFactor::EmailOtp) => self.email_otp(claimant, &name, device_key, call),
            _ => Err(error(
                "InvalidParameterException",
                "The selected challenge is not available.",
            )),
        }
    }

    /// `EMAIL_OTP`: a six-digit code "sent" (kept for [`UserPool::sent_code`]).
    fn email_otp(
        &mut self,
        claimant: Claimant,
        typed: &str,
        device_key: Option<String>,
        call: Call,
    ) -> Answered {
        let mut digits = [0u8; 6];
        self.rng
            .try_fill_bytes(&mut digits)
            .map_err(|_| error("InternalErrorException", "Internal error."))?;
        let code: String = digits.iter().map(|d| char::from(b'0' + d % 10)).collect();
        let code = Zeroizing::new(code);
        let name = match claimant {
            Claimant::User(user) => {
                self.codes.push((user, code.clone()));
                self.username_of(user)
            }
            Claimant::Unknown => String::from(typed),
        };
        let session = self.random_hex(32)?;
        let challenge = Challenge::new(
            challenge_name::EMAIL_OTP,
            [
                (param::USERNAME, name),
                (param::CODE_DELIVERY_DELIVERY_MEDIUM, String::from("EMAIL")),
                (param::CODE_DELIVERY_DESTINATION, String::from("u***@e***")),
            ],
            Some(&session),
        );
        let exchange = Exchange::EmailOtp {
            claimant,
            session,
            code,
            device_key,
        };
        Ok(self.challenge(challenge, exchange, call))
    }

    /// The `EMAIL_OTP` answer.
    fn email_code(
        &mut self,
        username: &str,
        responses: &ChallengeResponses,
        session: Option<&str>,
        call: Call,
    ) -> Answered {
        let Exchange::EmailOtp {
            claimant,
            code,
            device_key,
            ..
        } = self.take_session(session, call)?
        else {
            return Err(not_authorized(INVALID_SESSION));
        };
        let sent = responses.get(param::EMAIL_OTP_CODE).unwrap_or_default();
        let right = code.as_bytes().ct_eq(sent.as_bytes());
        let Claimant::User(user) = claimant else {
            return Err(code_mismatch());
        };
        self.check_user_response(user, username, responses, call)?;
        if !bool::from(right) {
            return Err(code_mismatch());
        }
        self.first_factor_done(user, device_key, call)
    }

    /// The pool's custom-authentication function decides the next step.
    fn custom_step(
        &mut self,
        user: usize,
        answers: Zeroizing<Vec<String>>,
        device_key: Option<String>,
        call: Call,
    ) -> Answered {
        let username = self.username_of(user);
        let step = match self.custom_auth.as_mut() {
            Some(custom) => custom(&username, &answers),
            None => CustomStep::Fail,
        };
        match step {
            CustomStep::Succeed => self.first_factor_done(user, device_key, call),
            CustomStep::Fail => Err(not_authorized(INCORRECT)),
            CustomStep::Challenge(parameters) => {
                let session = self.random_hex(32)?;
                let mut parameters: BTreeMap<String, String> = parameters;
                parameters.insert(String::from(param::USERNAME), username);
                let challenge =
                    Challenge::new(challenge_name::CUSTOM_CHALLENGE, parameters, Some(&session));
                let exchange = Exchange::Custom {
                    user,
                    session,
                    answers,
                    device_key,
                };
                Ok(self.challenge(challenge, exchange, call))
            }
        }
    }

    /// A `CUSTOM_CHALLENGE` answer: handed to the custom-authentication function.
    fn custom_answer(
        &mut self,
        username: &str,
        responses: &ChallengeResponses,
        session: Option<&str>,
        call: Call,
    ) -> Answered {
        let Exchange::Custom {
            user,
            mut answers,
            device_key,
            ..
        } = self.take_session(session, call)?
        else {
            return Err(not_authorized(INVALID_SESSION));
        };
        self.check_user_response(user, username, responses, call)?;
        let answer = responses
            .get(param::ANSWER)
            .ok_or_else(|| missing(param::ANSWER))?;
        answers.push(String::from(answer));
        self.custom_step(user, answers, device_key, call)
    }

    /// `DEVICE_SRP_AUTH`: the device's `SRP_A`, answered with `DEVICE_PASSWORD_VERIFIER`.
    fn device_srp_auth(
        &mut self,
        username: &str,
        responses: &ChallengeResponses,
        session: Option<&str>,
        call: Call,
    ) -> Answered {
        let Exchange::DeviceAuth {
            user, device_key, ..
        } = self.take_session(session, call)?
        else {
            return Err(not_authorized(INVALID_SESSION));
        };
        self.check_user_response(user, username, responses, call)?;
        if responses.get(param::DEVICE_KEY) != Some(device_key.as_str()) {
            return Err(error("ResourceNotFoundException", NO_DEVICE));
        }
        let srp_a = responses
            .get(param::SRP_A)
            .ok_or_else(|| missing(param::SRP_A))?;
        let device = self
            .users
            .get(user)
            .and_then(|u| u.devices.iter().find(|d| d.device_key() == device_key))
            .ok_or_else(|| error("ResourceNotFoundException", NO_DEVICE))?;
        let srp = ServerSrp::start(&device.0, srp_a, &mut self.rng)
            .map_err(|_| error("InvalidParameterException", "Invalid SRP_A."))?;
        let session = self.random_hex(32)?;
        let challenge = Challenge::new(
            challenge_name::DEVICE_PASSWORD_VERIFIER,
            [
                (param::SALT, String::from(srp.salt())),
                (param::SRP_B, String::from(srp.srp_b())),
                (param::SECRET_BLOCK, String::from(srp.secret_block())),
                (param::USERNAME, self.username_of(user)),
                (param::DEVICE_KEY, device_key.clone()),
            ],
            Some(&session),
        );
        let exchange = Exchange::DevicePassword {
            user,
            session,
            device_key,
            srp,
        };
        Ok(self.challenge(challenge, exchange, call))
    }

    /// The device claim.
    fn device_password_verifier(
        &mut self,
        username: &str,
        responses: &ChallengeResponses,
        session: Option<&str>,
        call: Call,
    ) -> Answered {
        let Exchange::DevicePassword {
            user,
            device_key,
            srp,
            ..
        } = self.take_session(session, call)?
        else {
            return Err(not_authorized(INVALID_SESSION));
        };
        self.check_user_response(user, username, responses, call)?;
        // The device must still be known (it may have been forgotten since DEVICE_SRP_AUTH).
        if responses.get(param::DEVICE_KEY) != Some(device_key.as_str())
            || self.device(user, &device_key).is_none()
        {
            return Err(error("ResourceNotFoundException", NO_DEVICE));
        }
        claim_refusal(srp.verify(|k| responses.get(k), call.now))?;
        self.authenticated(user, Some(device_key), call)
    }

    /// `REFRESH_TOKEN_AUTH`: a token the pool issued through the request's app client,
    /// `SECRET_HASH` over its user's internal name, and the `DEVICE_KEY` the tokens belong
    /// to. New access and id tokens, no new refresh token.
    fn refresh(&mut self, parameters: &AuthParameters, call: Call) -> Answered {
        let invalid = || not_authorized("Invalid Refresh Token");
        let sent = parameters
            .get(param::REFRESH_TOKEN)
            .ok_or_else(|| missing(param::REFRESH_TOKEN))?;
        let token = self
            .refresh_tokens
            .iter()
            .find(|t| bool::from(t.token.as_bytes().ct_eq(sent.as_bytes())))
            .filter(|t| t.client == call.client)
            .ok_or_else(invalid)?;
        let (user, auth_time) = (token.user, token.auth_time);
        let device_key = token.device_key.clone();
        let username = self.username_of(user);
        if !self.check_secret_hash(call, &username, parameters.get(param::SECRET_HASH)) {
            return Err(not_authorized(BAD_SECRET_HASH));
        }
        if device_key.as_deref() != parameters.get(param::DEVICE_KEY) {
            return Err(invalid());
        }
        let (access_token, id_token) =
            self.mint_tokens(user, device_key.as_deref(), auth_time, call)?;
        Ok(Reply::Tokens(Tokens {
            access_token,
            id_token,
            refresh_token: None,
            new_device: None,
        }))
    }

    /// Every challenge response names the user (by its internal name or an alias) and
    /// carries the `SECRET_HASH` of that name: a name that signs in as another user, or as
    /// nobody, is refused.
    fn check_user_response(
        &self,
        user: usize,
        username: &str,
        responses: &ChallengeResponses,
        call: Call,
    ) -> Result<(), Refusal> {
        if self.find_user(username) != Some(user) {
            return Err(not_authorized(INCORRECT));
        }
        if !self.check_secret_hash(call, username, responses.get(param::SECRET_HASH)) {
            return Err(not_authorized(BAD_SECRET_HASH));
        }
        Ok(())
    }
}
