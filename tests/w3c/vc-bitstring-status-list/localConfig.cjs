// w3c/vc-bitstring-status-list-test-suite against Plecak (tag BitstringStatusList).
// The issuer adds BitstringStatusListEntry statuses itself; its status lists are served over https.
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
      tags: ['BitstringStatusList']
    }],
    verifiers: [{
      id: rt.ed25519Did,
      endpoint: `${rt.verifierUrl}/credentials/verify`,
      tags: ['BitstringStatusList']
    }]
  }]
};
