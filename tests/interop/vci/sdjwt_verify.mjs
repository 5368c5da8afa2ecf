// A third-party SD-JWT VC verifier: @sd-jwt/sd-jwt-vc (pinned in package.json) verifies an SD-JWT VC
// from our issuer with nothing but https: the issuer's key from its JWT VC Issuer Metadata
// (`/.well-known/jwt-vc-issuer`, chosen by the JWS kid; no DIDs), the Token Status List the credential
// points at, and the type metadata the `vct` resolves to (loadTypeMetadataFormat).
//
// stdin:  {"credential": "<sd-jwt>~", "typeMetadataUrl": null | "https://…"}
//         typeMetadataUrl: where to fetch the type metadata when the vct is the shared name (the
//         "defined retrieval method" of the SD-JWT VC draft); null = fetch the vct URL itself.
// stdout: {"ok": true, "claims": {...}, "typeMetadata": {...}, "fetched": [...]}
//         or {"ok": false, "error": "…", "fetched": [...]} (exit 1)
import {createPublicKey, verify as verifySignature} from 'node:crypto';
import {SDJwtVcInstance} from '@sd-jwt/sd-jwt-vc';
import {digest} from '@sd-jwt/crypto-nodejs';

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

const fetched = [];
const realFetch = globalThis.fetch;
globalThis.fetch = (url, init) => {
  fetched.push(String(url));
  return realFetch(url, init);
};

const decodePart = part => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

// SD-JWT VC draft, JWT VC Issuer Metadata: the well-known segment goes between host and path.
async function issuerKey(iss, kid) {
  const url = new URL(iss);
  if(url.protocol !== 'https:') {
    throw new Error(`iss ${iss} is not an https URL: this verifier does not resolve DIDs`);
  }
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  const metadataUrl = `${url.origin}/.well-known/jwt-vc-issuer${path}`;
  const response = await fetch(metadataUrl);
  if(!response.ok) {
    throw new Error(`${metadataUrl} answered HTTP ${response.status}`);
  }
  const metadata = await response.json();
  if(metadata.issuer !== iss) {
    throw new Error(`the issuer metadata names ${metadata.issuer}, not ${iss}`);
  }
  const keys = (metadata.jwks && metadata.jwks.keys) || [];
  const jwk = keys.find(k => k.kid === kid);
  if(!jwk) {
    throw new Error(`no key ${kid} in the issuer's jwks`);
  }
  return createPublicKey({key: jwk, format: 'jwk'});
}

// Checks the issuer's ES256 signature of the SD-JWT (and of the status list token).
async function verifier(data, signature) {
  const [headerPart, payloadPart] = data.split('.');
  const header = decodePart(headerPart);
  const payload = decodePart(payloadPart);
  if(header.alg !== 'ES256') {
    throw new Error(`unexpected alg ${header.alg}`);
  }
  const key = await issuerKey(payload.iss, header.kid);
  return verifySignature('sha256', Buffer.from(data), {key, dsaEncoding: 'ieee-p1363'},
    Buffer.from(signature, 'base64url'));
}

async function main() {
  const request = await readStdin();
  const instance = new SDJwtVcInstance({
    hasher: digest,
    verifier,
    loadTypeMetadataFormat: true,
    ...(request.typeMetadataUrl ? {
      vctFetcher: async () => {
        const response = await fetch(request.typeMetadataUrl);
        if(!response.ok) {
          throw new Error(`${request.typeMetadataUrl} answered HTTP ${response.status}`);
        }
        return response.json();
      }
    } : {}),
  });
  const result = await instance.verify(request.credential);
  const claims = await instance.getClaims(request.credential);
  if(!result.typeMetadata || !result.typeMetadata.mergedTypeMetadata) {
    throw new Error('no type metadata was resolved');
  }
  process.stdout.write(JSON.stringify({
    ok: true,
    claims,
    typeMetadata: result.typeMetadata.mergedTypeMetadata,
    fetched,
  }));
}

main().catch(error => {
  const text = error && (error.stack || error.message) || String(error);
  process.stdout.write(JSON.stringify({ok: false, error: text, fetched}));
  process.exit(1);
});
