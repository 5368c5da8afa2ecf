// A third-party wallet (OpenWallet Foundation oid4vc-ts, @openid4vc/openid4vp) against Plecak's verifier.
//
//   node wallet.mjs resolve LINK               → {"ok": true, "payload": …, "client": …, "jar": …}
//   node wallet.mjs respond LINK VP_TOKEN.json → {"ok": true, "status": 200, "body": …}
//
// LINK is the verifier's openid4vp:// link. The library parses it, fetches the request from
// request_uri (GET or POST as the link says), verifies the signed Request Object against its client
// identifier prefix (x509_san_dns: the leaf certificate's SAN; decentralized_identifier: the DID's key)
// and, for "respond", builds the Authorization Response (encrypted for direct_post.jwt) and posts it.
// The crypto callbacks the library asks its host wallet for are written here with node:crypto and jose.
// Any error of the library ends the script with {"ok": false, "error": …} and exit status 1.
// https to loopback: start node with NODE_EXTRA_CA_CERTS naming the verifier's certificate.

import { createHash, X509Certificate, createPublicKey } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { Openid4vpClient } from '@openid4vc/openid4vp'
import * as jose from 'jose'

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'

function base58decode (text) {
  let value = 0n
  for (const ch of text) {
    const digit = BASE58.indexOf(ch)
    if (digit < 0) throw new Error(`not base58: ${ch}`)
    value = value * 58n + BigInt(digit)
  }
  const bytes = []
  while (value > 0n) { bytes.unshift(Number(value % 256n)); value /= 256n }
  for (const ch of text) { if (ch === '1') bytes.unshift(0); else break }
  return Buffer.from(bytes)
}

// did:key with a P-256 key (multicodec 0x1200, compressed point) → JWK. Resolving did:key is the
// host wallet's job in oid4vc-ts; this is the whole of what the did:key method says for P-256.
function didKeyToJwk (didUrl) {
  const did = didUrl.split('#')[0]
  if (!did.startsWith('did:key:z')) throw new Error(`unsupported DID ${did}`)
  const raw = base58decode(did.slice('did:key:z'.length))
  if (raw[0] !== 0x80 || raw[1] !== 0x24 || raw.length !== 35) throw new Error('not a P-256 did:key')
  const spki = Buffer.concat([Buffer.from('3039301306072a8648ce3d020106082a8648ce3d030107032200', 'hex'), raw.subarray(2)])
  return createPublicKey({ key: spki, format: 'der', type: 'spki' }).export({ format: 'jwk' })
}

async function verifyJwt (signer, { compact }) {
  let key
  if (signer.method === 'x5c') {
    const pem = `-----BEGIN CERTIFICATE-----\n${signer.x5c[0]}\n-----END CERTIFICATE-----\n`
    key = new X509Certificate(pem).publicKey
  } else if (signer.method === 'did') {
    key = createPublicKey({ key: didKeyToJwk(signer.didUrl), format: 'jwk' })
  } else if (signer.method === 'jwk') {
    key = createPublicKey({ key: signer.publicJwk, format: 'jwk' })
  } else {
    return { verified: false }
  }
  try {
    await jose.compactVerify(compact, key, { algorithms: ['ES256'] })
    return { verified: true, signerJwk: key.export({ format: 'jwk' }) }
  } catch {
    return { verified: false, signerJwk: key.export({ format: 'jwk' }) }
  }
}

function getX509CertificateMetadata (certificate) {
  const cert = new X509Certificate(Buffer.from(certificate, 'base64'))
  const names = (cert.subjectAltName || '').split(/,\s*/)
  return {
    sanDnsNames: names.filter(n => n.startsWith('DNS:')).map(n => n.slice(4)),
    sanUriNames: names.filter(n => n.startsWith('URI:')).map(n => n.slice(4))
  }
}

async function encryptJwe (encryptor, data) {
  const key = await jose.importJWK(encryptor.publicJwk, encryptor.alg)
  const header = { alg: encryptor.alg, enc: encryptor.enc, kid: encryptor.publicJwk.kid }
  if (encryptor.apu) header.apu = encryptor.apu
  if (encryptor.apv) header.apv = encryptor.apv
  const jwe = await new jose.CompactEncrypt(new TextEncoder().encode(data)).setProtectedHeader(header).encrypt(key)
  return { encryptionJwk: encryptor.publicJwk, jwe }
}

const callbacks = {
  verifyJwt,
  getX509CertificateMetadata,
  encryptJwe,
  hash: (data, alg) => new Uint8Array(createHash(alg.replace('-', '')).update(data).digest()),
  signJwt: async () => { throw new Error('this wallet signs nothing itself') },
  decryptJwe: async () => ({ decrypted: false }),
  fetch: globalThis.fetch
}

async function resolve (link) {
  const client = new Openid4vpClient({ callbacks })
  const parsed = client.parseOpenid4vpAuthorizationRequest({ authorizationRequest: link })
  const resolved = await client.resolveOpenId4vpAuthorizationRequest({
    authorizationRequestPayload: parsed.params,
    wallet: parsed.params.request_uri_method === 'post'
      ? { nonce: 'peer-wallet-nonce-' + Date.now(), metadata: { vp_formats_supported: { ldp_vc: {}, 'dc+sd-jwt': {} } } }
      : undefined
  })
  return { client, resolved }
}

async function main () {
  const [command, link, tokenFile] = process.argv.slice(2)
  const { client, resolved } = await resolve(link)
  const payload = resolved.authorizationRequestPayload
  if (command === 'resolve') {
    return {
      ok: true,
      payload,
      version: resolved.version,
      client: { prefix: resolved.client.prefix, identifier: resolved.client.identifier, x5c: resolved.client.x5c, didUrl: resolved.client.didUrl },
      jar: resolved.jar ? { sendBy: resolved.jar.sendBy, header: resolved.jar.jwt.header } : null,
      dcql: resolved.dcql ?? null
    }
  }
  if (command !== 'respond') throw new Error(`unknown command ${command}`)
  const vpToken = JSON.parse(readFileSync(tokenFile, 'utf8'))
  const encrypted = payload.response_mode === 'direct_post.jwt'
  const response = await client.createOpenid4vpAuthorizationResponse({
    authorizationRequestPayload: payload,
    authorizationResponsePayload: { vp_token: vpToken },
    jarm: encrypted
      ? {
          encryption: { nonce: 'peer-apu' },
          serverMetadata: {
            authorization_signing_alg_values_supported: ['ES256'],
            authorization_encryption_alg_values_supported: ['ECDH-ES'],
            authorization_encryption_enc_values_supported: ['A128GCM', 'A256GCM']
          }
        }
      : undefined
  })
  const submitted = await client.submitOpenid4vpAuthorizationResponse({
    authorizationRequestPayload: payload,
    authorizationResponsePayload: response.authorizationResponsePayload,
    jarm: response.jarm ? { responseJwt: response.jarm.responseJwt } : undefined
  })
  const text = await submitted.response.text()
  let body
  try { body = JSON.parse(text) } catch { body = text }
  return { ok: submitted.response.ok, status: submitted.response.status, responseMode: submitted.responseMode, encrypted: Boolean(response.jarm), body }
}

main().then(
  result => { process.stdout.write(JSON.stringify(result) + '\n'); process.exit(result.ok ? 0 : 1) },
  error => {
    const detail = error?.errorResponse ?? error?.cause?.message ?? null
    process.stdout.write(JSON.stringify({ ok: false, error: String(error?.message ?? error), detail }) + '\n')
    process.exit(1)
  }
)
