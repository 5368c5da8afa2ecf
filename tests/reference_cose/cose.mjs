// Plecak's driver for an independent COSE implementation (@auth0/cose). One JSON request on stdin,
// one JSON answer on stdout (the last line):
//   {"action": "verify", "cose": <base64>, "jwk": <public JWK>, "alg": "ES256"|"EdDSA"}
//     -> {"verified": true, "payload": <JSON>, "protected": {"alg", "cty", "typ", "kid"}, "tagged": bool}
//     or {"verified": false, "error": "..."}
//   {"action": "sign", "payload": <JSON>, "jwk": <private JWK>, "alg": ..., "kid": <DID URL>, "tagged": bool}
//     -> {"cose": <base64>}   (protected: alg, content type application/vc, kid bytes, typ application/vc+cose)
import { Sign1 } from '@auth0/cose';
import { importJWK } from 'jose';

const ALGS = { ES256: -7, ES384: -35, EdDSA: -8 };

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

function text(value) {
  return value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : value;
}

async function verify(request) {
  const bytes = new Uint8Array(Buffer.from(request.cose, 'base64'));
  try {
    const message = Sign1.decode(bytes);
    const key = await importJWK(request.jwk, request.alg);
    await message.verify(key, { algorithms: [ALGS[request.alg]] });
    const header = message.protectedHeaders;
    return {
      verified: true,
      payload: JSON.parse(Buffer.from(message.payload).toString('utf8')),
      protected: { alg: header.get(1), cty: header.get(3), kid: text(header.get(4)), typ: header.get(16) },
      tagged: bytes[0] === 0xd2,
    };
  } catch (error) {
    return { verified: false, error: String(error && error.message ? error.message : error) };
  }
}

async function sign(request) {
  const key = await importJWK(request.jwk, request.alg);
  const header = new Map([
    [1, ALGS[request.alg]],
    [3, request.cty ?? 'application/vc'],
    [4, new TextEncoder().encode(request.kid)],
    [16, request.typ ?? 'application/vc+cose'],
  ]);
  const payload = new TextEncoder().encode(JSON.stringify(request.payload));
  const message = await Sign1.sign(header, new Map(), payload, key);
  let bytes = message.encode();
  if (request.tagged === false && bytes[0] === 0xd2) bytes = bytes.subarray(1);
  return { cose: Buffer.from(bytes).toString('base64'), tagged: bytes[0] === 0xd2 };
}

const request = await readStdin();
const answer = request.action === 'sign' ? await sign(request) : await verify(request);
process.stdout.write(JSON.stringify(answer) + '\n');
