// A real OpenID Connect provider for the tests: the OpenID Foundation certified `oidc-provider`.
// Everything comes from the PROVIDER_SETUP environment variable (JSON): the port, one client
// (id, secret, redirect and post-logout addresses) and the accounts with their claims, by login.
// Its development login and consent pages take any password for a known login.
import Provider from 'oidc-provider';

const setup = JSON.parse(process.env.PROVIDER_SETUP);
const issuer = `http://127.0.0.1:${setup.port}`;
const accounts = setup.accounts;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: setup.client_id,
      client_secret: setup.client_secret,
      redirect_uris: setup.redirect_uris,
      post_logout_redirect_uris: setup.post_logout_redirect_uris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  async findAccount(ctx, id) {
    if (!Object.hasOwn(accounts, id)) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...accounts[id] }) };
  },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
    groups: ['groups'],
    employee: ['employee_number'],
  },
  scopes: ['openid', 'email', 'profile', 'groups', 'employee'],
  // The claims of the asked scopes go into the ID token itself, as Entra ID and Keycloak do.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  cookies: { keys: ['meeloop-test-provider-only'] },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
});

provider.listen(setup.port, '127.0.0.1', () => {
  process.stdout.write(`listening on ${issuer}\n`);
});
