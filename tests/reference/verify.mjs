// Independent reference verifier for Plecak's tests.
//
// Reads one JSON request on stdin:
//   {
//     "verifiableCredential": {...},
//     "didDocuments": {"did:web:...": {...}},   // optional, already resolved
//     "contextsDir": "/path/to/contexts",       // holds index.json
//     "relaxIssuer": false,                     // optional: do not require issuer == key controller
//     "purpose": "assertionMethod"              // optional: proof purpose to check
//   }
// and prints one JSON line on stdout:
//   {"verified": bool, "error": string|null, "results": [...], "statusChecked": bool}
//
// Verification uses Digital Bazaar's stack (@digitalbazaar/vc, data-integrity,
// eddsa-rdfc-2022-cryptosuite, ed25519-signature-2020). The document loader serves
// ONLY the context files listed in <contextsDir>/index.json, the DID documents given in
// the request and did:key DIDs (resolved locally by @digitalbazaar/did-method-key).
// Anything else is refused, so nothing is ever fetched from the network.

import {readFile} from 'node:fs/promises';
import path from 'node:path';

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {Ed25519Signature2020} from '@digitalbazaar/ed25519-signature-2020';
import {driver as didKeyDriver} from '@digitalbazaar/did-method-key';
import jsigs from 'jsonld-signatures';

const {AssertionProofPurpose, AuthenticationProofPurpose} = jsigs.purposes;

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function loadContexts(contextsDir) {
  const index = JSON.parse(await readFile(path.join(contextsDir, 'index.json'), 'utf8'));
  // as plecak.core.jsonld.loader.PUBLISHED_CONTEXTS
  const published = {'https://w3id.org/plecak/mc/v1': {servedAt: '/contexts/plecak/mc/v1'}};
  const contexts = new Map();
  for(const [url, meta] of Object.entries(index)) {
    const text = await readFile(path.join(contextsDir, meta.file), 'utf8');
    contexts.set(url, JSON.parse(text));
  }
  return withServedAt(contexts, published);
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

// The verification method `url` inside `doc`, with the DID document's @context.
function methodFromDocument(doc, url) {
  const absolute = ref => (ref.startsWith('#') ? doc.id + ref : ref);
  const candidates = [...(doc.verificationMethod || [])];
  for(const rel of ['assertionMethod', 'authentication', 'capabilityInvocation',
    'capabilityDelegation', 'keyAgreement']) {
    for(const entry of doc[rel] || []) {
      if(entry && typeof entry === 'object') {
        candidates.push(entry);
      }
    }
  }
  for(const vm of candidates) {
    if(vm && typeof vm.id === 'string' && absolute(vm.id) === url) {
      return {'@context': doc['@context'], ...vm, id: url};
    }
  }
  return null;
}

function makeDocumentLoader({contexts, didDocuments}) {
  const keyDriver = didKeyDriver();
  keyDriver.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from});
  return async function documentLoader(url) {
    let document = null;
    if(contexts.has(url)) {
      document = contexts.get(url);
    } else if(typeof url === 'string' && url.startsWith('did:')) {
      const [did, fragment] = url.split('#');
      const given = didDocuments[did];
      if(given) {
        document = fragment === undefined ? given : methodFromDocument(given, url);
      } else if(did.startsWith('did:key:')) {
        document = await keyDriver.get({url});
      }
    }
    if(!document) {
      throw new Error(`reference loader refuses ${JSON.stringify(url)}`);
    }
    return {contextUrl: null, documentUrl: url, document};
  };
}

function describe(error) {
  if(!error) {
    return null;
  }
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
  return parts.join('; ') || 'verification failed';
}

async function main() {
  const request = JSON.parse(await readStdin());
  const credential = request.verifiableCredential;
  const contexts = await loadContexts(request.contextsDir);
  const documentLoader = makeDocumentLoader({contexts, didDocuments: request.didDocuments || {}});
  const suite = [
    new DataIntegrityProof({cryptosuite: eddsaRdfc2022}),
    new Ed25519Signature2020()
  ];
  const options = {credential, suite, documentLoader};
  if(request.purpose === 'authentication') {
    options.purpose = new AuthenticationProofPurpose({
      challenge: request.challenge, domain: request.domain
    });
  } else if(request.relaxIssuer) {
    options.purpose = new AssertionProofPurpose();
  }
  const hasStatus = Boolean(credential && credential.credentialStatus);
  if(hasStatus) {
    // Status is out of scope here: only proofs and the data model are checked.
    options.checkStatus = async () => ({verified: true});
  }
  const result = await vc.verifyCredential(options);
  const results = (result.results || []).map(r => ({
    verified: Boolean(r.verified),
    proofType: r.proof ? r.proof.type : undefined,
    cryptosuite: r.proof ? r.proof.cryptosuite : undefined,
    error: describe(r.error)
  }));
  const out = {
    verified: Boolean(result.verified),
    error: result.verified ? null : describe(result.error) ||
      results.map(r => r.error).filter(Boolean).join('; ') || 'verification failed',
    results,
    statusChecked: false
  };
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch(error => {
  process.stdout.write(JSON.stringify({verified: false, error: `reference harness: ${describe(error)}`}) + '\n');
  process.exitCode = 2;
});
