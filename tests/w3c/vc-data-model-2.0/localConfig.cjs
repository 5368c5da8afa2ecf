// w3c/vc-data-model-2.0-test-suite against Plecak (tags vc2.0 and EnvelopingProof). See docs/conformance.md.
// The EnvelopingProof entries are the same endpoints; the issuer's asks for vc+jwt signed with EdDSA by the
// Ed25519 did:key (with did:key every key is its own DID, and the status lists are the Ed25519 DID's).
const rt = require('../runtime.cjs');
module.exports = {
  settings: {enableInteropTests: false, testAllImplementations: false},
  implementations: [{
    name: 'Plecak',
    implementation: 'Plecak issuer and verifier',
    issuers: [{
      id: rt.ed25519Did,
      endpoint: `${rt.issuerUrl}/credentials/issue`,
      headers: rt.issuerHeaders,
      tags: ['vc2.0']
    }, {
      id: rt.ed25519Did,
      endpoint: `${rt.issuerUrl}/credentials/issue`,
      headers: rt.issuerHeaders,
      options: {format: 'vc+jwt', alg: 'EdDSA'},
      tags: ['EnvelopingProof']
    }],
    verifiers: [{
      id: rt.ed25519Did,
      endpoint: `${rt.verifierUrl}/credentials/verify`,
      tags: ['vc2.0', 'EnvelopingProof']
    }],
    vpVerifiers: [{
      id: rt.ed25519Did,
      endpoint: `${rt.verifierUrl}/presentations/verify`,
      tags: ['vc2.0', 'EnvelopingProof']
    }]
  }]
};
