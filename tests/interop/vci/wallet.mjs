// A third-party wallet: @openid4vc/openid4vci (pinned in package.json) receives one credential offer
// from our issuer over https, pre-authorised code (+ tx_code), with a fresh holder key.
//
// stdin:  {"offer": "openid-credential-offer://?credential_offer_uri=…", "txCode": "123456" | null,
//          "binding": "jwk" | "did:key" | "did:jwk", "alg": "ES256" | "EdDSA"}
// stdout: {"ok": true, "configurationId": …, "format": …, "credential": …, "holder": {"jwk", "did"}}
//         or {"ok": false, "error": "…"} (exit 1): any error the library reports fails the test.
import {createHash, generateKeyPairSync, randomBytes, sign} from 'node:crypto';
import {Openid4vciClient} from '@openid4vc/openid4vci';
import {HashAlgorithm, clientAuthenticationAnonymous} from '@openid4vc/oauth2';


async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
function base58btc(bytes) {
  let n = BigInt('0x' + (Buffer.from(bytes).toString('hex') || '0'));
  let out = '';
  while(n > 0n) {
    out = B58[Number(n % 58n)] + out;
    n /= 58n;
  }
  for(const b of bytes) {
    if(b !== 0) {
      break;
    }
    out = '1' + out;
  }
  return 'z' + out;
}

function holderKey(alg) {
  if(alg === 'EdDSA') {
    const {privateKey, publicKey} = generateKeyPairSync('ed25519');
    const jwk = publicKey.export({format: 'jwk'});
    const raw = Buffer.from(jwk.x, 'base64url');
    const multikey = base58btc(Buffer.concat([Buffer.from([0xed, 0x01]), raw]));
    return {privateKey, jwk, multikey};
  }
  const {privateKey, publicKey} = generateKeyPairSync('ec', {namedCurve: 'P-256'});
  const jwk = publicKey.export({format: 'jwk'});
  const y = Buffer.from(jwk.y, 'base64url');
  const point = Buffer.concat([Buffer.from([2 + (y[31] & 1)]), Buffer.from(jwk.x, 'base64url')]);
  const multikey = base58btc(Buffer.concat([Buffer.from([0x80, 0x24]), point]));
  return {privateKey, jwk, multikey};
}

function signer(binding, alg, key) {
  const publicJwk = {kty: key.jwk.kty, crv: key.jwk.crv, x: key.jwk.x, ...(key.jwk.y ? {y: key.jwk.y} : {})};
  if(binding === 'jwk') {
    return {signer: {method: 'jwk', alg, publicJwk}, did: null, publicJwk};
  }
  if(binding === 'did:key') {
    const did = `did:key:${key.multikey}`;
    return {signer: {method: 'did', alg, didUrl: `${did}#${key.multikey}`}, did, publicJwk};
  }
  const sorted = Object.fromEntries(Object.entries(publicJwk).sort(([a], [b]) => (a < b ? -1 : 1)));
  const did = `did:jwk:${Buffer.from(JSON.stringify(sorted)).toString('base64url')}`;
  return {signer: {method: 'did', alg, didUrl: `${did}#0`}, did, publicJwk};
}

async function main() {
  const request = await readStdin();
  const key = holderKey(request.alg);
  const chosen = signer(request.binding, request.alg, key);
  const callbacks = {
    hash: (data, alg) => {
      const name = {[HashAlgorithm.Sha256]: 'sha256', [HashAlgorithm.Sha384]: 'sha384',
        [HashAlgorithm.Sha512]: 'sha512'}[alg];
      return new Uint8Array(createHash(name).update(data).digest());
    },
    generateRandom: n => new Uint8Array(randomBytes(n)),
    clientAuthentication: clientAuthenticationAnonymous(),
    signJwt: async (jwtSigner, {header, payload}) => {
      const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.` +
        `${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
      const signature = jwtSigner.alg === 'EdDSA' ?
        sign(null, Buffer.from(input), key.privateKey) :
        sign('sha256', Buffer.from(input), {key: key.privateKey, dsaEncoding: 'ieee-p1363'});
      return {jwt: `${input}.${signature.toString('base64url')}`, signerJwk: chosen.publicJwk};
    },
  };
  const client = new Openid4vciClient({callbacks});
  const offer = await client.resolveCredentialOffer(request.offer);
  const issuerMetadata = await client.resolveIssuerMetadata(offer.credential_issuer);
  const configurationId = offer.credential_configuration_ids[0];
  const configuration = issuerMetadata.credentialIssuer.credential_configurations_supported[configurationId];
  const {accessTokenResponse} = await client.retrievePreAuthorizedCodeAccessTokenFromOffer({
    credentialOffer: offer,
    issuerMetadata,
    ...(request.txCode ? {txCode: request.txCode} : {}),
  });
  const {c_nonce: nonce} = await client.requestNonce({issuerMetadata});
  const {jwt} = await client.createCredentialRequestJwtProof({
    issuerMetadata,
    credentialConfigurationId: configurationId,
    signer: chosen.signer,
    nonce,
  });
  const result = await client.retrieveCredentials({
    issuerMetadata,
    accessToken: accessTokenResponse.access_token,
    credentialConfigurationId: configurationId,
    proofs: {jwt: [jwt]},
  });
  const credentials = result.credentialResponse.credentials;
  if(!Array.isArray(credentials) || credentials.length !== 1) {
    throw new Error(`expected one credential, got ${JSON.stringify(result.credentialResponse)}`);
  }
  process.stdout.write(JSON.stringify({
    ok: true,
    configurationId,
    format: configuration.format,
    draftVersion: issuerMetadata.originalDraftVersion,
    credential: credentials[0].credential,
    holder: {jwk: chosen.publicJwk, did: chosen.did},
  }));
}

main().catch(error => {
  const detail = error && error.response ? ` (HTTP ${error.response.status})` : '';
  const body = error && error.errorResponse ? ` ${JSON.stringify(error.errorResponse)}` : '';
  process.stdout.write(JSON.stringify({ok: false, error: `${error && error.stack || error}${detail}${body}`}));
  process.exit(1);
});
