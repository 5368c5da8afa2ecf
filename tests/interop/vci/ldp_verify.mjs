// A verifier outside Plecak: Digital Bazaar's VC stack (pinned in package.json) verifies a W3C
// credential with nothing but https access to the issuer's public URLs.
//
// stdin:  {"credential": {...}, "publicWeb": "/path/to/contexts"}
// stdout: {"ok": true, "fetched": [urls fetched over https], "status": {...}}
//         or {"ok": false, "error": "…", "fetched": [...]} (exit 1)
//
// The document loader is the one a verifier on the web would have:
// - the official W3C / 1EdTech contexts (those marked "official" in publicWeb/index.json) stand in for
//   the public web this sandbox cannot reach (a real deployment fetches or caches them the same way);
// - every other https URL (our extension context, the issuer's status lists) is fetched over https;
// - did:web is resolved over https (`/.well-known/did.json`), did:key is not needed.
// Nothing from Plecak's own bundle is used for a non-official URL.
import {readFile} from 'node:fs/promises';
import path from 'node:path';
import {gunzipSync} from 'node:zlib';

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
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
  return parts.join('; ') || 'verification failed';
}

async function officialContexts(dir) {
  const index = JSON.parse(await readFile(path.join(dir, 'index.json'), 'utf8'));
  const out = new Map();
  for(const [url, meta] of Object.entries(index)) {
    if(meta.official === true) {
      out.set(url, JSON.parse(await readFile(path.join(dir, meta.file), 'utf8')));
    }
  }
  return out;
}

function makeLoader(official, fetched) {
  const getJson = async url => {
    if(!url.startsWith('https://')) {
      throw new Error(`refusing to fetch a non-https URL: ${url}`);
    }
    fetched.push(url);
    const response = await fetch(url, {headers: {accept: 'application/ld+json, application/json'}});
    if(!response.ok) {
      throw new Error(`${url} answered HTTP ${response.status}`);
    }
    return response.json();
  };
  const didWeb = did => {
    const [host, ...rest] = did.slice('did:web:'.length).split(':').map(decodeURIComponent);
    return rest.length ? `https://${host}/${rest.join('/')}/did.json` : `https://${host}/.well-known/did.json`;
  };
  return async url => {
    let document;
    if(official.has(url)) {
      document = official.get(url);
    } else if(url.startsWith('did:web:')) {
      const [did, fragment] = url.split('#');
      const doc = await getJson(didWeb(did));
      if(doc.id !== did) {
        throw new Error(`the DID document at ${didWeb(did)} is for ${doc.id}`);
      }
      if(fragment === undefined) {
        document = doc;
      } else {
        const vm = (doc.verificationMethod || []).find(m => m.id === url || doc.id + m.id === url);
        if(!vm) {
          throw new Error(`${url} is not in its DID document`);
        }
        document = {'@context': doc['@context'], ...vm, id: url};
      }
    } else {
      document = await getJson(url);
    }
    return {contextUrl: null, documentUrl: url, document};
  };
}

// Bitstring Status List: fetch the list credential over https, verify it, read the bit.
function makeCheckStatus(suite, documentLoader, statuses) {
  return async ({credential}) => {
    const entries = [].concat(credential.credentialStatus || []);
    for(const entry of entries) {
      const listUrl = entry.statusListCredential;
      const {document: list} = await documentLoader(listUrl);
      const listResult = await vc.verifyCredential({credential: list, suite, documentLoader});
      if(!listResult.verified) {
        return {verified: false, error: new Error(`status list ${listUrl}: ${describe(listResult.error)}`)};
      }
      const encoded = list.credentialSubject.encodedList;
      const bits = gunzipSync(Buffer.from(encoded.slice(1), 'base64url'));
      const index = Number(entry.statusListIndex);
      const set = (bits[Math.floor(index / 8)] >> (7 - (index % 8))) & 1;
      statuses[entry.statusPurpose] = Boolean(set);
      if(set) {
        return {verified: false, error: new Error(`credential is marked ${entry.statusPurpose}`)};
      }
    }
    return {verified: true};
  };
}

async function main() {
  const request = await readStdin();
  const fetched = [];
  const statuses = {};
  try {
    const documentLoader = makeLoader(await officialContexts(request.publicWeb), fetched);
    const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
    const result = await vc.verifyCredential({
      credential: request.credential,
      suite,
      documentLoader,
      checkStatus: makeCheckStatus(suite, documentLoader, statuses),
    });
    if(!result.verified) {
      const errors = [result.error, result.statusResult && result.statusResult.error,
        ...(result.results || []).map(r => r.error)];
      process.stdout.write(JSON.stringify({ok: false, error: describe(errors), fetched, status: statuses}));
      process.exit(1);
    }
    process.stdout.write(JSON.stringify({ok: true, fetched, status: statuses}));
  } catch(error) {
    process.stdout.write(JSON.stringify({ok: false, error: describe(error), fetched, status: statuses}));
    process.exit(1);
  }
}

main();
