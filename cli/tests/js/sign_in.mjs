// One SRP sign-in with amazon-cognito-identity-js (installed from npm by .ci/run) against the
// endpoint in COGNITO_ENDPOINT, remembering its device in the JSON file COGNITO_STORAGE
// between runs as a browser's localStorage would. Prints one JSON object: the operations the
// library sent (with the flow or challenge name, and the error code it got back), the device
// key it holds afterwards, the access token and the user name in the token.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import pkg from 'amazon-cognito-identity-js';

const { CognitoUserPool, CognitoUser, AuthenticationDetails } = pkg;
const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name}`);
  return value;
};
const storagePath = env('COGNITO_STORAGE');

/** localStorage's interface over a JSON file. */
class FileStorage {
  static load() {
    return existsSync(storagePath) ? JSON.parse(readFileSync(storagePath, 'utf8')) : {};
  }
  static save(data) {
    writeFileSync(storagePath, JSON.stringify(data), { mode: 0o600 });
  }
  static setItem(key, value) {
    const data = FileStorage.load();
    data[key] = value;
    FileStorage.save(data);
  }
  static getItem(key) {
    const data = FileStorage.load();
    return Object.prototype.hasOwnProperty.call(data, key) ? data[key] : null;
  }
  static removeItem(key) {
    const data = FileStorage.load();
    delete data[key];
    FileStorage.save(data);
  }
  static clear() {
    FileStorage.save({});
  }
}

const pool = new CognitoUserPool({
  UserPoolId: env('COGNITO_POOL_ID'),
  ClientId: env('COGNITO_CLIENT_ID'),
  endpoint: env('COGNITO_ENDPOINT'),
  Storage: FileStorage,
});

// Record every request the library sends and the error code of each refusal.
const sent = [];
const request = pool.client.request.bind(pool.client);
pool.client.request = (operation, params, callback) => {
  const name = params.AuthFlow || params.ChallengeName || '';
  const entry = name ? `${operation} ${name}` : operation;
  request(operation, params, (err, data) => {
    sent.push(err ? `${entry} -> ${err.code}` : entry);
    callback(err, data);
  });
};

const username = env('COGNITO_USERNAME');
const user = new CognitoUser({ Username: username, Pool: pool, Storage: FileStorage });
const details = new AuthenticationDetails({ Username: username, Password: env('COGNITO_PASSWORD') });

user.authenticateUser(details, {
  onSuccess(session) {
    const access = session.getAccessToken();
    const deviceKey = FileStorage.getItem(
      `CognitoIdentityServiceProvider.${pool.getClientId()}.${user.getUsername()}.deviceKey`,
    );
    console.log(JSON.stringify({
      sent,
      deviceKey,
      accessToken: access.getJwtToken(),
      username: access.decodePayload().username,
    }));
  },
  onFailure(err) {
    console.log(JSON.stringify({ sent, error: `${err.code}: ${err.message}` }));
    process.exitCode = 1;
  },
});
