// Plecak's test peer for VC-JOSE-COSE: one JSON request on stdin, one JSON answer on stdout.
//   {"action": "verify", "jws": "...", "jwk": {public JWK}, "alg": "ES256"}
//     -> {"verified": true, "header": {...}, "payload": {...}} or {"verified": false, "error": "..."}
//   {"action": "sign", "payload": {...}, "jwk": {private JWK}, "alg": "EdDSA", "kid": "did:...#..."}
//     -> {"jws": "..."}
// Verification is jose's compactVerify with the one algorithm allowed, then the vc+jwt rules this
// peer checks on its own: typ vc+jwt, a kid, a JSON object payload without the vc/vp claims.
import * as jose from 'jose'

const chunks = []
for await (const chunk of process.stdin) chunks.push(chunk)
const request = JSON.parse(Buffer.concat(chunks).toString('utf8'))

async function verify ({ jws, jwk, alg }) {
  try {
    const key = await jose.importJWK(jwk, alg)
    const { payload, protectedHeader } = await jose.compactVerify(jws, key, { algorithms: [alg] })
    if (protectedHeader.typ !== 'vc+jwt') throw new Error(`typ is ${protectedHeader.typ}, not vc+jwt`)
    if (typeof protectedHeader.kid !== 'string') throw new Error('no kid')
    const document = JSON.parse(new TextDecoder().decode(payload))
    if (document === null || typeof document !== 'object' || Array.isArray(document)) throw new Error('payload is not an object')
    if ('vc' in document || 'vp' in document) throw new Error('vc/vp claims present')
    return { verified: true, header: protectedHeader, payload: document }
  } catch (error) {
    return { verified: false, error: `${error.code || error.name}: ${error.message}` }
  }
}

async function sign ({ payload, jwk, alg, kid }) {
  const key = await jose.importJWK(jwk, alg)
  const bytes = new TextEncoder().encode(JSON.stringify(payload))
  const jws = await new jose.CompactSign(bytes).setProtectedHeader({ alg, typ: 'vc+jwt', cty: 'vc', kid }).sign(key)
  return { jws }
}

const answer = request.action === 'sign' ? await sign(request) : await verify(request)
process.stdout.write(JSON.stringify(answer) + '\n')
