// A third-party verifier (OpenWallet Foundation oid4vc-ts, @openid4vc/openid4vp + dcql) asking Plecak's wallet.
//
//   node verifier.mjs CONFIG.json
//
// CONFIG: {"port": 43123, "host": "localhost", "mode": "value" | "jar" | "jar-value",
//          "format": "dc+sd-jwt" | "ldp_vc", "responseMode": "direct_post" | "direct_post.jwt",
//          "certificate": "<base64 DER>", "keyPem": "<PKCS#8 PEM>",   (for "jar", "jar-value")
//          "prefix": "x509_san_dns" (default) | "x509_hash"}            (how a signed request names its signer)
// "jar": the signed Request Object is fetched from request_uri; "jar-value": it is in the link (request=).
//
// It serves http://HOST:PORT (loopback): GET/POST /request (the signed Request Object, for "jar"),
// POST /response (the wallet's answer), and prints one JSON line per event on stdout:
//   {"event": "ready", "link": "openid4vp://?…"}          the QR link: by value, signed by value, or request_uri
//   {"event": "fetched", "method": …, "accept": …}        the wallet fetched the request object
//   {"event": "answer", "ok": true|false, …}               the library parsed the answer (decrypting it
//        for direct_post.jwt), the vp_token has the DCQL shape, every presentation is bound to this
//        request's nonce and client_id (KB-JWT signature and sd_hash for SD-JWT; proof challenge and
//        domain for ldp_vc), SD-JWT disclosures match their digests, and dcql says the presentations
//        satisfy the query. Any error is reported as ok: false (and the wallet gets HTTP 400).

import { createHash, createPrivateKey, randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { Openid4vpVerifier, parseOpenid4vpAuthorizationResponse } from '@openid4vc/openid4vp'
import { setGlobalConfig } from '@openid4vc/utils'
import { DcqlPresentationResult, DcqlQuery } from 'dcql'
import * as jose from 'jose'

// loopback http (the wallet lists localhost:PORT as a development host); the library's own switch
setGlobalConfig({ allowInsecureUrls: true })

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const base = `http://${config.host}:${config.port}`
const responseUri = `${base}/response`
const nonce = randomBytes(16).toString('base64url')
const state = randomBytes(16).toString('base64url')
const emit = event => process.stdout.write(JSON.stringify(event) + '\n')
const b64json = part => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))
const sha256 = text => createHash('sha256').update(text).digest('base64url')

const OB = 'https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential'
const EXPANDED = {
  VerifiableCredential: 'https://www.w3.org/2018/credentials#VerifiableCredential',
  OpenBadgeCredential: OB,
  AchievementCredential: OB
}

const dcqlQuery = config.format === 'dc+sd-jwt'
  ? {
      credentials: [{
        id: 'learning',
        format: 'dc+sd-jwt',
        meta: { vct_values: [config.vct] },
        claims: [{ path: ['title'] }, { path: ['ects'] }]
      }]
    }
  : {
      credentials: [{
        id: 'learning',
        format: 'ldp_vc',
        meta: { type_values: [[OB]] },
        claims: [{ path: ['credentialSubject', 'achievement', 'achievementType'], values: ['MicroCredential'] }]
      }]
    }

let decryptionKey = null
const clientMetadata = {
  client_name: 'Peer verifier (oid4vc-ts)',
  vp_formats_supported: {
    'dc+sd-jwt': { 'sd-jwt_alg_values': ['ES256'], 'kb-jwt_alg_values': ['EdDSA', 'ES256'] },
    ldp_vc: { proof_type_values: ['DataIntegrityProof'], cryptosuite_values: ['eddsa-rdfc-2022', 'ecdsa-sd-2023'] }
  }
}
if (config.responseMode === 'direct_post.jwt') {
  const pair = await jose.generateKeyPair('ECDH-ES', { crv: 'P-256', extractable: true })
  decryptionKey = pair.privateKey
  const publicJwk = { ...(await jose.exportJWK(pair.publicKey)), kid: 'peer-enc-1', use: 'enc', alg: 'ECDH-ES' }
  clientMetadata.jwks = { keys: [publicJwk] }
  clientMetadata.encrypted_response_enc_values_supported = ['A128GCM']
}

const callbacks = {
  signJwt: async (signer, { header, payload }) => {
    const key = createPrivateKey(config.keyPem)
    const jwt = await new jose.CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader(header).sign(key)
    return { jwt, signerJwk: (await jose.exportJWK(key)) }
  },
  encryptJwe: async () => { throw new Error('not used') },
  decryptJwe: async (jwe) => {
    try {
      const { plaintext } = await jose.compactDecrypt(jwe, decryptionKey)
      return { decrypted: true, decryptionJwk: clientMetadata.jwks.keys[0], payload: new TextDecoder().decode(plaintext) }
    } catch {
      return { decrypted: false }
    }
  },
  verifyJwt: async () => ({ verified: false }),
  hash: (data, alg) => new Uint8Array(createHash(alg.replace('-', '')).update(data).digest())
}

const verifier = new Openid4vpVerifier({ callbacks })
const signed = config.mode === 'jar' || config.mode === 'jar-value'
const x509Hash = () => createHash('sha256').update(Buffer.from(config.certificate, 'base64')).digest('base64url')
const clientId = !signed
  ? `redirect_uri:${responseUri}`
  : config.prefix === 'x509_hash' ? `x509_hash:${x509Hash()}` : `x509_san_dns:${config.host}`
const created = await verifier.createOpenId4vpAuthorizationRequest({
  authorizationRequestPayload: {
    response_type: 'vp_token',
    client_id: clientId,
    response_uri: responseUri,
    response_mode: config.responseMode,
    nonce,
    state,
    dcql_query: dcqlQuery,
    client_metadata: clientMetadata
  },
  jar: signed
    ? {
        requestUri: config.mode === 'jar' ? `${base}/request` : undefined,
        jwtSigner: { method: 'x5c', x5c: [config.certificate], alg: 'ES256' },
        expiresInSeconds: 600
      }
    : undefined
})
const request = created.authorizationRequestPayload

async function checkSdJwt (presentation) {
  const parts = presentation.split('~')
  const kb = parts.pop()
  const issuerJwt = parts[0]
  const payload = b64json(issuerJwt.split('.')[1])
  const claims = { ...payload }
  for (const disclosure of parts.slice(1).filter(Boolean)) {
    if (!(payload._sd || []).includes(sha256(disclosure))) throw new Error('a disclosure is not in the issuer-signed digests')
    const [, name, value] = b64json(disclosure)
    claims[name] = value
  }
  delete claims._sd; delete claims._sd_alg
  if (!kb) throw new Error('the SD-JWT has no key-binding JWT')
  const holderKey = await jose.importJWK(payload.cnf.jwk, payload.cnf.jwk.kty === 'OKP' ? 'EdDSA' : 'ES256')
  const { payload: kbPayload, protectedHeader } = await jose.jwtVerify(kb, holderKey, { audience: clientId, typ: 'kb+jwt' })
  if (kbPayload.nonce !== nonce) throw new Error(`KB-JWT nonce ${kbPayload.nonce} is not this request's`)
  if (kbPayload.sd_hash !== sha256(parts.join('~') + '~')) throw new Error('KB-JWT sd_hash does not match the presentation')
  return { dcql: { credential_format: 'dc+sd-jwt', vct: claims.vct, claims, cryptographic_holder_binding: true }, alg: protectedHeader.alg }
}

function checkLdp (presentation) {
  const proofs = [presentation.proof].flat().filter(Boolean)
  if (!proofs.some(p => p.challenge === nonce && p.domain === clientId && p.proofPurpose === 'authentication')) {
    throw new Error('no presentation proof carries this request\'s nonce (challenge) and client_id (domain)')
  }
  const credential = [presentation.verifiableCredential].flat()[0]
  const types = [credential.type].flat().map(t => EXPANDED[t] ?? t)
  return { dcql: { credential_format: 'ldp_vc', type: types, claims: credential, cryptographic_holder_binding: true } }
}

async function handleAnswer (body) {
  const parsed = await parseOpenid4vpAuthorizationResponse({
    authorizationResponse: body,
    authorizationRequestPayload: request,
    callbacks
  })
  if (parsed.type !== 'dcql') throw new Error(`expected a DCQL answer, not ${parsed.type}`)
  const presentations = {}
  const details = {}
  for (const [id, items] of Object.entries(parsed.dcql.presentations)) {
    presentations[id] = []
    for (const item of items) {
      const checked = typeof item === 'string' ? await checkSdJwt(item) : checkLdp(item)
      presentations[id].push(checked.dcql)
      details[id] = { kind: typeof item === 'string' ? 'sd-jwt' : 'ldp_vp', claims: Object.keys(checked.dcql.claims), kbAlg: checked.alg }
    }
  }
  const result = DcqlPresentationResult.fromDcqlPresentation(presentations, { dcqlQuery: DcqlQuery.parse(dcqlQuery) })
  if (!result.can_be_satisfied) throw new Error('the presentations do not satisfy the DCQL query: ' + JSON.stringify(result.credential_matches))
  return { encrypted: Boolean(parsed.jarm), queryIds: Object.keys(parsed.dcql.presentations), details }
}

const readBody = req => new Promise((resolve, reject) => {
  let data = ''
  req.on('data', chunk => { data += chunk; if (data.length > 4_000_000) reject(new Error('too large')) })
  req.on('end', () => resolve(data))
  req.on('error', reject)
})

const server = createServer(async (req, res) => {
  const url = new URL(req.url, base)
  try {
    if (url.pathname === '/request' && config.mode === 'jar') {
      emit({ event: 'fetched', method: req.method, accept: req.headers.accept ?? null })
      res.writeHead(200, { 'Content-Type': 'application/oauth-authz-req+jwt' })
      res.end(created.jar.authorizationRequestJwt)
      return
    }
    if (url.pathname === '/response' && req.method === 'POST') {
      const body = Object.fromEntries(new URLSearchParams(await readBody(req)))
      try {
        const outcome = await handleAnswer(body)
        emit({ event: 'answer', ok: true, ...outcome })
        res.writeHead(200, { 'Content-Type': 'application/json' })
        res.end(JSON.stringify({ redirect_uri: `${base}/done` }))
      } catch (error) {
        emit({ event: 'answer', ok: false, error: String(error?.message ?? error) })
        res.writeHead(400, { 'Content-Type': 'application/json' })
        res.end(JSON.stringify({ error: 'invalid_request', error_description: String(error?.message ?? error) }))
      }
      return
    }
    res.writeHead(404).end()
  } catch (error) {
    res.writeHead(500).end(String(error))
  }
})

server.listen(config.port, '127.0.0.1', () => emit({ event: 'ready', link: created.authorizationRequest, clientId }))
process.stdin.on('end', () => server.close(() => process.exit(0)))
process.stdin.resume()
