// w3c/vc-di-eddsa-test-suite against Plecak (eddsa-rdfc-2022, eddsa-jcs-2022). See docs/conformance.md.
// Only the first endpoint with a tag is used, so each cryptosuite has its own issuer entry.
const rt = require('../runtime.cjs');
const issuer = suite => ({
  id: rt.ed25519Did,
  endpoint: `${rt.issuerUrl}/credentials/issue`,
  headers: rt.issuerHeaders,
  // credentialStatus: false: the suites' own JSON-LD loaders do not know the StatusList2021 context
  // that our issuer would add to their VC 1.1 credentials (see docs/conformance.md).
  options: {cryptosuite: suite, credentialStatus: false},
  tags: [suite]
});
module.exports = {
  settings: {enableInteropTests: false, testAllImplementations: false},
  implementations: [{
    name: 'Plecak',
    implementation: 'Plecak issuer and verifier',
    issuers: [issuer('eddsa-rdfc-2022'), issuer('eddsa-jcs-2022')],
    verifiers: [{
      id: rt.ed25519Did,
      endpoint: `${rt.verifierUrl}/credentials/verify`,
      tags: ['eddsa-rdfc-2022', 'eddsa-jcs-2022']
    }]
  }]
};
