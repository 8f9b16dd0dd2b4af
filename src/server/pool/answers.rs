//! The pool's answers: [`UserPool::handle`], and one handler per `AuthFlow` and per
//! challenge response.

use alloc::string::String;
use alloc::vec::Vec;

use chrono::{DateTime, Utc};
use rand_core::TryCryptoRng;
use subtle::ConstantTimeEq as _;
use zeroize::Zeroizing;

use super::pending::{Attempt, Claimant, Exchange, Pending, Then};
use super::refusals::{
    INCORRECT, INVALID_SESSION, Refusal, code_mismatch, invalid_parameter, missing, no_device,
    not_authorized, unknown_client, unknown_pool,
};
use super::state::{Answered, Call, CustomStep, Reply, Tokens, UserPool};
use crate::challenge::FirstFactor;
use crate::error::Error;
use crate::flow::{Challenge, Request, ServerAnswer};
use crate::server::exchange::{ServerSrp, StoredVerifier};
use crate::wire::{AuthParameters, ChallengeResponses, auth_flow, challenge_name, param};

/// `USER_AUTH`'s first factors, as this pool offers them.
const AVAILABLE: [FirstFactor; 3] = [
    FirstFactor::PasswordSrp,
    FirstFactor::Password,
    FirstFactor::EmailOtp,
];

/// A challenge response: the name it gives (`USERNAME`), all it carries, and the request it
/// came in.
#[derive(Clone, Copy)]
struct Response<'a> {
    username: &'a str,
    responses: &'a ChallengeResponses,
    call: Call,
}

impl<'a> Response<'a> {
    fn get(&self, name: &str) -> Option<&'a str> {
        self.responses.get(name)
    }
}

/// Cognito's answer to a claim that does not verify.
fn claim_refusal(result: crate::Result<()>) -> Result<(), Refusal> {
    match result {
        Ok(()) => Ok(()),
        Err(Error::InvalidTimestamp) => Err(invalid_parameter(
            "TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.",
        )),
        Err(_) => Err(not_authorized(INCORRECT)),
    }
}

/// The server's side of an SRP exchange for the client's `SRP_A`.
fn start_srp<R: TryCryptoRng>(
    stored: &StoredVerifier,
    srp_a: &str,
    rng: &mut R,
) -> Result<ServerSrp, Refusal> {
    ServerSrp::start(stored, srp_a, rng).map_err(|_| invalid_parameter("Invalid SRP_A."))
}

/// The parameters a `PASSWORD_VERIFIER` and a `DEVICE_PASSWORD_VERIFIER` challenge share.
fn srp_parameters(srp: &ServerSrp, username: String) -> [(&'static str, String); 4] {
    [
        (param::SALT, String::from(srp.salt())),
        (param::SRP_B, String::from(srp.srp_b())),
        (param::SECRET_BLOCK, String::from(srp.secret_block())),
        (param::USERNAME, username),
    ]
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
        self.check_secret_hash(call, typed, parameters.get(param::SECRET_HASH))?;
        let claimant = self
            .find_user(typed)
            .map_or(Claimant::Unknown, Claimant::User);
        let attempt = Attempt {
            claimant,
            name: self.name_of(claimant, typed),
            device_key: parameters.get(param::DEVICE_KEY).map(String::from),
        };
        let srp_a = parameters.get(param::SRP_A);
        let preferred = parameters.get(param::PREFERRED_CHALLENGE);
        let password_flow = match flow {
            auth_flow::USER_PASSWORD_AUTH => !admin,
            auth_flow::ADMIN_USER_PASSWORD_AUTH => admin,
            auth_flow::USER_AUTH => preferred == Some("PASSWORD"),
            _ => false,
        };
        match (flow, preferred) {
            _ if password_flow => {
                self.plain_password(attempt, parameters.get(param::PASSWORD), call)
            }
            (auth_flow::USER_SRP_AUTH, _) | (auth_flow::USER_AUTH, Some("PASSWORD_SRP")) => {
                self.srp_challenge(attempt, srp_a, Then::Tokens, call)
            }
            (auth_flow::CUSTOM_AUTH, _) if self.custom_auth.is_none() => Err(invalid_parameter(
                "Custom auth lambda trigger is not configured for the user pool.",
            )),
            (auth_flow::CUSTOM_AUTH, _) if srp_a.is_some() => {
                self.srp_challenge(attempt, srp_a, Then::Custom, call)
            }
            (auth_flow::CUSTOM_AUTH, _) => match claimant {
                Claimant::User(user) => {
                    self.custom_step(user, Zeroizing::new(Vec::new()), attempt.device_key, call)
                }
                Claimant::Unknown => Err(not_authorized(INCORRECT)),
            },
            (auth_flow::USER_AUTH, Some("EMAIL_OTP")) => self.email_otp(attempt, call),
            (auth_flow::USER_AUTH, _) => self.select_challenge(attempt, call),
            _ => Err(invalid_parameter(
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
        let response = Response {
            username,
            responses,
            call,
        };
        match responses.challenge_name() {
            challenge_name::PASSWORD_VERIFIER => self.password_verifier(response),
            name @ (challenge_name::SELECT_CHALLENGE
            | challenge_name::EMAIL_OTP
            | challenge_name::CUSTOM_CHALLENGE
            | challenge_name::DEVICE_SRP_AUTH
            | challenge_name::DEVICE_PASSWORD_VERIFIER) => {
                let exchange = self.take_session(session, call)?;
                self.answer_in_session(name, exchange, response)
            }
            _ => Err(invalid_parameter("Unsupported challenge for this pool.")),
        }
    }

    /// A response named `name` to the challenge of a session, handled by the kind of that
    /// session's exchange; an exchange of another kind than `name` answers is refused (and,
    /// already taken, ends).
    fn answer_in_session(
        &mut self,
        name: &str,
        exchange: Exchange,
        response: Response<'_>,
    ) -> Answered {
        match (name, exchange) {
            (challenge_name::SELECT_CHALLENGE, Exchange::Select(attempt)) => {
                self.selected(attempt, response)
            }
            (challenge_name::EMAIL_OTP, Exchange::EmailOtp { attempt, code }) => {
                self.email_code(attempt, &code, response)
            }
            (
                challenge_name::CUSTOM_CHALLENGE,
                Exchange::Custom {
                    user,
                    answers,
                    device_key,
                },
            ) => self.custom_answer(user, answers, device_key, response),
            (challenge_name::DEVICE_SRP_AUTH, Exchange::DeviceAuth { user, device_key }) => {
                self.device_srp_auth(user, device_key, response)
            }
            (
                challenge_name::DEVICE_PASSWORD_VERIFIER,
                Exchange::DevicePassword {
                    user,
                    device_key,
                    srp,
                },
            ) => self.device_password_verifier(user, device_key, &srp, response),
            _ => Err(not_authorized(INVALID_SESSION)),
        }
    }

    /// A `PASSWORD_VERIFIER` challenge for `SRP_A` (a fake one for an unknown name).
    fn srp_challenge(
        &mut self,
        attempt: Attempt,
        srp_a: Option<&str>,
        then: Then,
        call: Call,
    ) -> Answered {
        let srp_a = srp_a.ok_or_else(|| missing(param::SRP_A))?;
        let srp = match attempt.claimant {
            Claimant::User(user) => {
                let record = self
                    .users
                    .get(user)
                    .ok_or_else(|| not_authorized(INCORRECT))?;
                start_srp(&record.verifier.0, srp_a, &mut self.rng)?
            }
            Claimant::Unknown => {
                let fake = self.fake_verifier(&attempt.name);
                start_srp(&fake, srp_a, &mut self.rng)?
            }
        };
        let parameters = srp_parameters(&srp, attempt.name.clone());
        let challenge = Challenge::new(
            challenge_name::PASSWORD_VERIFIER,
            parameters
                .into_iter()
                .chain([(param::USER_ID_FOR_SRP, attempt.name.clone())]),
            None,
        );
        let exchange = Exchange::Password { attempt, srp, then };
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
    fn password_verifier(&mut self, response: Response<'_>) -> Answered {
        let call = response.call;
        let block = response
            .get(param::PASSWORD_CLAIM_SECRET_BLOCK)
            .unwrap_or_default();
        let (index, pending) = self.take_pending(call, INCORRECT, |p| {
            matches!(&p.exchange, Exchange::Password { srp, .. } if srp.secret_block() == block)
        })?;
        let Pending {
            exchange:
                Exchange::Password {
                    mut attempt,
                    srp,
                    then,
                },
            ..
        } = pending
        else {
            return Err(not_authorized(INCORRECT));
        };
        let verified = srp.check(|k| response.get(k), call.now);
        // An unknown user fails here, after the same work as a wrong password.
        let Claimant::User(user) = attempt.claimant else {
            return Err(not_authorized(INCORRECT));
        };
        self.check_user_response(user, response)?;
        claim_refusal(verified)?;
        let device_key = response
            .get(param::DEVICE_KEY)
            .map(String::from)
            .or(attempt.device_key.take());
        let confirmed = self.users.get(user).is_some_and(|u| u.confirmed);
        if then == Then::Tokens
            && confirmed
            && let Some(key) = &device_key
            && self.device(user, key).is_none()
        {
            // Put back without the device (`attempt.device_key` was taken).
            let exchange = Exchange::Password { attempt, srp, then };
            self.restore(
                index,
                Pending {
                    exchange,
                    ..pending
                },
            );
            return Err(no_device());
        }
        match then {
            Then::Custom => self.custom_step(user, Zeroizing::new(Vec::new()), device_key, call),
            Then::Tokens => self.first_factor_done(user, device_key, call),
        }
    }

    /// `USER_PASSWORD_AUTH`, `USER_AUTH` with `PASSWORD`: the password checked against the
    /// verifier (an unknown name does the same work with a fake one, and fails).
    fn plain_password(&mut self, attempt: Attempt, password: Option<&str>, call: Call) -> Answered {
        let password = password.ok_or_else(|| missing(param::PASSWORD))?;
        match attempt.claimant {
            Claimant::User(user)
                if self
                    .users
                    .get(user)
                    .is_some_and(|u| u.verifier.0.matches(password.as_bytes())) =>
            {
                self.first_factor_done(user, attempt.device_key, call)
            }
            Claimant::User(_) => Err(not_authorized(INCORRECT)),
            Claimant::Unknown => {
                // The same work as for a user, whatever its verdict.
                let _ = self
                    .fake_verifier(&attempt.name)
                    .matches(password.as_bytes());
                Err(not_authorized(INCORRECT))
            }
        }
    }

    /// After the first factor: the unconfirmed refusal, device SRP with a device, or tokens.
    fn first_factor_done(
        &mut self,
        user: usize,
        device_key: Option<String>,
        call: Call,
    ) -> Answered {
        self.check_confirmed(user)?;
        let Some(device_key) = device_key else {
            return self.authenticated(user, None, call);
        };
        if self.device(user, &device_key).is_none() {
            return Err(no_device());
        }
        let challenge = Challenge::new(
            challenge_name::DEVICE_SRP_AUTH,
            [(param::USERNAME, self.username_of(user))],
            None,
        );
        self.challenge_in_session(challenge, Exchange::DeviceAuth { user, device_key }, call)
    }

    /// `USER_AUTH` without a preference: `SELECT_CHALLENGE`.
    fn select_challenge(&mut self, attempt: Attempt, call: Call) -> Answered {
        let challenge = Challenge::new(
            challenge_name::SELECT_CHALLENGE,
            [(param::USERNAME, attempt.name.clone())],
            None,
        )
        .with_available_challenges(AVAILABLE.map(FirstFactor::wire_name));
        self.challenge_in_session(challenge, Exchange::Select(attempt), call)
    }

    /// The `SELECT_CHALLENGE` answer: the chosen factor's next step.
    fn selected(&mut self, attempt: Attempt, response: Response<'_>) -> Answered {
        if let Claimant::User(user) = attempt.claimant {
            self.check_user_response(user, response)?;
        }
        let call = response.call;
        match response.get(param::ANSWER).and_then(FirstFactor::from_wire) {
            Some(FirstFactor::PasswordSrp) => {
                self.srp_challenge(attempt, response.get(param::SRP_A), Then::Tokens, call)
            }
            Some(FirstFactor::Password) => {
                self.plain_password(attempt, response.get(param::PASSWORD), call)
            }
            Some(FirstFactor::EmailOtp) => self.email_otp(attempt, call),
            _ => Err(invalid_parameter(
                "The selected challenge is not available.",
            )),
        }
    }

    /// `EMAIL_OTP`: a six-digit code "sent" (kept for [`UserPool::sent_code`]).
    fn email_otp(&mut self, attempt: Attempt, call: Call) -> Answered {
        let mut digits = [0u8; 6];
        self.draw(&mut digits)?;
        // A byte modulo the constant 10 compiles to a multiplication and a shift (no division
        // instruction); the offline pool's codes, not the crate's client side.
        #[allow(clippy::integer_division_remainder_used)]
        let code: String = digits.iter().map(|d| char::from(b'0' + d % 10)).collect();
        let code = Zeroizing::new(code);
        if let Claimant::User(user) = attempt.claimant {
            self.codes.push((user, code.clone()));
        }
        let challenge = Challenge::new(
            challenge_name::EMAIL_OTP,
            [
                (param::USERNAME, attempt.name.clone()),
                (param::CODE_DELIVERY_DELIVERY_MEDIUM, String::from("EMAIL")),
                (param::CODE_DELIVERY_DESTINATION, String::from("u***@e***")),
            ],
            None,
        );
        self.challenge_in_session(challenge, Exchange::EmailOtp { attempt, code }, call)
    }

    /// The `EMAIL_OTP` answer.
    fn email_code(&mut self, attempt: Attempt, code: &str, response: Response<'_>) -> Answered {
        let sent = response.get(param::EMAIL_OTP_CODE).unwrap_or_default();
        let right = code.as_bytes().ct_eq(sent.as_bytes());
        let Claimant::User(user) = attempt.claimant else {
            return Err(code_mismatch());
        };
        self.check_user_response(user, response)?;
        if !bool::from(right) {
            return Err(code_mismatch());
        }
        self.first_factor_done(user, attempt.device_key, response.call)
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
            CustomStep::Challenge(mut parameters) => {
                parameters.insert(String::from(param::USERNAME), username);
                let challenge = Challenge::new(challenge_name::CUSTOM_CHALLENGE, parameters, None);
                let exchange = Exchange::Custom {
                    user,
                    answers,
                    device_key,
                };
                self.challenge_in_session(challenge, exchange, call)
            }
        }
    }

    /// A `CUSTOM_CHALLENGE` answer: handed to the custom-authentication function.
    fn custom_answer(
        &mut self,
        user: usize,
        mut answers: Zeroizing<Vec<String>>,
        device_key: Option<String>,
        response: Response<'_>,
    ) -> Answered {
        self.check_user_response(user, response)?;
        let answer = response
            .get(param::ANSWER)
            .ok_or_else(|| missing(param::ANSWER))?;
        answers.push(String::from(answer));
        self.custom_step(user, answers, device_key, response.call)
    }

    /// `DEVICE_SRP_AUTH`: the device's `SRP_A`, answered with `DEVICE_PASSWORD_VERIFIER`.
    fn device_srp_auth(
        &mut self,
        user: usize,
        device_key: String,
        response: Response<'_>,
    ) -> Answered {
        self.check_user_response(user, response)?;
        if response.get(param::DEVICE_KEY) != Some(device_key.as_str()) {
            return Err(no_device());
        }
        let srp_a = response
            .get(param::SRP_A)
            .ok_or_else(|| missing(param::SRP_A))?;
        let device = self
            .users
            .get(user)
            .and_then(|u| u.device(&device_key))
            .ok_or_else(no_device)?;
        let srp = start_srp(&device.0, srp_a, &mut self.rng)?;
        let parameters = srp_parameters(&srp, self.username_of(user));
        let challenge = Challenge::new(
            challenge_name::DEVICE_PASSWORD_VERIFIER,
            parameters
                .into_iter()
                .chain([(param::DEVICE_KEY, device_key.clone())]),
            None,
        );
        let exchange = Exchange::DevicePassword {
            user,
            device_key,
            srp,
        };
        self.challenge_in_session(challenge, exchange, response.call)
    }

    /// The device claim.
    fn device_password_verifier(
        &mut self,
        user: usize,
        device_key: String,
        srp: &ServerSrp,
        response: Response<'_>,
    ) -> Answered {
        self.check_user_response(user, response)?;
        // The device must still be known (it may have been forgotten since DEVICE_SRP_AUTH).
        if response.get(param::DEVICE_KEY) != Some(device_key.as_str())
            || self.device(user, &device_key).is_none()
        {
            return Err(no_device());
        }
        claim_refusal(srp.check(|k| response.get(k), response.call.now))?;
        self.authenticated(user, Some(device_key), response.call)
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
        self.check_secret_hash(call, &username, parameters.get(param::SECRET_HASH))?;
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
}

impl<R> UserPool<R> {
    /// The internal name of a claimant: the user's, or the name typed for an unknown one.
    fn name_of(&self, claimant: Claimant, typed: &str) -> String {
        match claimant {
            Claimant::User(user) => self.username_of(user),
            Claimant::Unknown => String::from(typed),
        }
    }

    /// Every challenge response names the user (by its internal name or an alias) and
    /// carries the `SECRET_HASH` of that name: a name that signs in as another user, or as
    /// nobody, is refused.
    fn check_user_response(&self, user: usize, response: Response<'_>) -> Result<(), Refusal> {
        if self.find_user(response.username) != Some(user) {
            return Err(not_authorized(INCORRECT));
        }
        self.check_secret_hash(
            response.call,
            response.username,
            response.get(param::SECRET_HASH),
        )
    }
}
