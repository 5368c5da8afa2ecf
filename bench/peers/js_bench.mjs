// Throughput of Digital Bazaar's reference verifier (@digitalbazaar/vc 7.3) for `make bench`.
//
// Reads one JSON request on stdin:
//   {"contextsDir": "/path/to/contexts", "seconds": 3, "rounds": 5,
//    "credentials": [{"label": "...", "credential": {...}}, ...]}
// and prints one JSON line: {"node": "v20...", "results": {"<label>": {"ops": <median ops/s>,
// "rounds": [...], "verified": true}}}.
//
// Same loader rules as tests/reference/verify.mjs: only the bundled contexts (contexts/index.json)
// and did:key (resolved locally) are served, nothing is fetched. Each credential is verified once
// first (it must verify), warmed up for one round, then in a loop for `seconds / rounds` per round; the median round counts.
// The script is copied next to the node_modules installed by tests/support/reference_js.py.

import {readFile} from 'node:fs/promises';
import path from 'node:path';
import {performance} from 'node:perf_hooks';

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {Ed25519Signature2020} from '@digitalbazaar/ed25519-signature-2020';
import {driver as didKeyDriver} from '@digitalbazaar/did-method-key';

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function loadContexts(contextsDir) {
  const index = JSON.parse(await readFile(path.join(contextsDir, 'index.json'), 'utf8'));
  const contexts = new Map();
  for(const [url, meta] of Object.entries(index)) {
    contexts.set(url, JSON.parse(await readFile(path.join(contextsDir, meta.file), 'utf8')));
  }
  return contexts;
}

function makeDocumentLoader(contexts) {
  const keyDriver = didKeyDriver();
  keyDriver.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from});
  return async function documentLoader(url) {
    let document = null;
    if(contexts.has(url)) {
      document = contexts.get(url);
    } else if(typeof url === 'string' && url.startsWith('did:key:')) {
      document = await keyDriver.get({url});
    }
    if(!document) {
      throw new Error(`bench loader refuses ${JSON.stringify(url)}`);
    }
    return {contextUrl: null, documentUrl: url, document};
  };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function main() {
  const request = JSON.parse(await readStdin());
  const documentLoader = makeDocumentLoader(await loadContexts(request.contextsDir));
  const suite = [new DataIntegrityProof({cryptosuite: eddsaRdfc2022}), new Ed25519Signature2020()];
  const rounds = request.rounds || 5;
  const slice = 1000 * (request.seconds || 3) / rounds;
  const results = {};
  for(const {label, credential} of request.credentials) {
    const options = {credential, suite, documentLoader};
    if(credential.credentialStatus) {
      // Status is not part of a proof benchmark (ours does not check it either).
      options.checkStatus = async () => ({verified: true});
    }
    const verify = () => vc.verifyCredential(options);
    const first = await verify();
    if(!first.verified) {
      results[label] = {ops: null, verified: false, error: String(first.error && first.error.message)};
      continue;
    }
    // Warm up (JIT) for one round's time before measuring.
    for(const start = performance.now(); performance.now() - start < slice;) {
      await verify();
    }
    const perRound = [];
    for(let r = 0; r < rounds; r++) {
      let n = 0;
      const start = performance.now();
      while(performance.now() - start < slice) {
        await verify();
        n++;
      }
      perRound.push(n / ((performance.now() - start) / 1000));
    }
    results[label] = {ops: median(perRound), rounds: perRound, verified: true};
  }
  process.stdout.write(JSON.stringify({node: process.version, results}) + '\n');
}

main().catch(error => {
  process.stdout.write(JSON.stringify({error: String(error && error.stack || error)}) + '\n');
  process.exitCode = 2;
});
