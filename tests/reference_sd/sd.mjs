// Digital Bazaar's ecdsa-sd-2023 implementation as a second opinion for Plecak's tests.
//
// Reads one JSON request on stdin:
//   {"action": "verify" | "derive" | "sign",
//    "document": {...}, "contextsDir": "/path/to/contexts",
//    "selectivePointers": [...],                      // derive
//    "mandatoryPointers": [...], "publicKeyMultibase": "zDna…", "secretKeyMultibase": "z42…"}  // sign
// and prints one JSON line: {"ok": bool, "error": string|null, "document": {...}|null}.
//
// The document loader serves only our bundled contexts (contexts/index.json) and did:key DIDs
// (resolved locally); nothing is fetched from the network.

import {readFile} from 'node:fs/promises';
import path from 'node:path';

import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {driver as didKeyDriver} from '@digitalbazaar/did-method-key';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import {
  createDiscloseCryptosuite, createSignCryptosuite, createVerifyCryptosuite
} from '@digitalbazaar/ecdsa-sd-2023-cryptosuite';
import jsigs from 'jsonld-signatures';

const {AssertionProofPurpose} = jsigs.purposes;

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

// A context that issuers publish themselves has a `servedAt` path (plecak.core.jsonld.loader.PUBLISHED_CONTEXTS): the same bundled
// bytes answer for that path on any https host (as our own loader does).
function withServedAt(contexts, index) {
  const byPath = new Map();
  for(const [url, meta] of Object.entries(index)) {
    if(typeof meta.servedAt === 'string' && contexts.has(url)) {
      byPath.set(meta.servedAt, contexts.get(url));
    }
  }
  const lookup = url => {
    if(contexts.has(url)) {
      return contexts.get(url);
    }
    try {
      const u = new URL(url);
      if((u.protocol === 'https:' || u.protocol === 'http:') && !u.search && !u.hash) {
        return byPath.get(u.pathname) ?? null;
      }
    } catch {
      // not a URL
    }
    return null;
  };
  return {has: url => lookup(url) !== null, get: lookup};
}

async function makeLoader(contextsDir) {
  const index = JSON.parse(await readFile(path.join(contextsDir, 'index.json'), 'utf8'));
  // as plecak.core.jsonld.loader.PUBLISHED_CONTEXTS
  const published = {'https://w3id.org/plecak/mc/v1': {servedAt: '/contexts/plecak/mc/v1'}};
  const loaded = new Map();
  for(const [url, meta] of Object.entries(index)) {
    loaded.set(url, JSON.parse(await readFile(path.join(contextsDir, meta.file), 'utf8')));
  }
  const contexts = withServedAt(loaded, published);
  const keyDriver = didKeyDriver();
  keyDriver.use({multibaseMultikeyHeader: 'zDna', fromMultibase: EcdsaMultikey.from});
  return async url => {
    let document = null;
    if(contexts.has(url)) {
      document = contexts.get(url);
    } else if(typeof url === 'string' && url.startsWith('did:key:')) {
      document = await keyDriver.get({url});
    }
    if(!document) {
      throw new Error(`reference loader refuses ${JSON.stringify(url)}`);
    }
    return {contextUrl: null, documentUrl: url, document};
  };
}

function describe(error) {
  const parts = [];
  const walk = err => {
    if(!err) {
      return;
    }
    if(Array.isArray(err)) {
      err.forEach(walk);
      return;
    }
    const text = err.message || String(err);
    if(text && !parts.includes(text)) {
      parts.push(text);
    }
    walk(err.errors);
    walk(err.cause);
  };
  walk(error);
  return parts.join('; ') || 'failed';
}

async function main() {
  const request = JSON.parse(await readStdin());
  const documentLoader = await makeLoader(request.contextsDir);
  const purpose = new AssertionProofPurpose();
  let out;
  if(request.action === 'verify') {
    const suite = new DataIntegrityProof({cryptosuite: createVerifyCryptosuite()});
    const result = await jsigs.verify(request.document, {suite, purpose, documentLoader});
    out = {ok: Boolean(result.verified), error: result.verified ? null : describe(result.error), document: null};
  } else if(request.action === 'derive') {
    const suite = new DataIntegrityProof({
      cryptosuite: createDiscloseCryptosuite({selectivePointers: request.selectivePointers || []})
    });
    const document = await jsigs.derive(request.document, {suite, purpose, documentLoader});
    out = {ok: true, error: null, document};
  } else if(request.action === 'sign') {
    const did = `did:key:${request.publicKeyMultibase}`;
    const keyPair = await EcdsaMultikey.from({
      '@context': 'https://w3id.org/security/multikey/v1',
      type: 'Multikey',
      id: `${did}#${request.publicKeyMultibase}`,
      controller: did,
      publicKeyMultibase: request.publicKeyMultibase,
      secretKeyMultibase: request.secretKeyMultibase
    });
    const suite = new DataIntegrityProof({
      signer: keyPair.signer(),
      cryptosuite: createSignCryptosuite({mandatoryPointers: request.mandatoryPointers || []})
    });
    const document = await jsigs.sign(structuredClone(request.document), {suite, purpose, documentLoader});
    out = {ok: true, error: null, document};
  } else {
    throw new Error(`unknown action ${JSON.stringify(request.action)}`);
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch(error => {
  process.stdout.write(JSON.stringify({ok: false, error: describe(error), document: null}) + '\n');
  process.exitCode = 2;
});
