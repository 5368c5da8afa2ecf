// w3c/vc-data-model-2.0-test-suite against Plecak (tag vc2.0). See docs/conformance.md.
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
    }],
    verifiers: [{
      id: rt.ed25519Did,
      endpoint: `${rt.verifierUrl}/credentials/verify`,
      tags: ['vc2.0']
    }],
    vpVerifiers: [{
      id: rt.ed25519Did,
      endpoint: `${rt.verifierUrl}/presentations/verify`,
      tags: ['vc2.0']
    }]
  }]
};
