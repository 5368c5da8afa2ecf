// w3c/vc-di-ecdsa-test-suite against Plecak (ecdsa-rdfc-2019, ecdsa-jcs-2019; P-256).
// Our issuer signs ECDSA with its P-256 did:key (zDna…); see docs/conformance.md for P-384.
const rt = require('../runtime.cjs');
const issuer = suite => ({
  id: rt.p256Did,
  endpoint: `${rt.issuerUrl}/credentials/issue`,
  headers: rt.issuerHeaders,
  // credentialStatus: false: the suites' own JSON-LD loaders do not know the StatusList2021 context
  // that our issuer would add to their VC 1.1 credentials (see docs/conformance.md).
  options: {cryptosuite: suite, credentialStatus: false},
  supportedEcdsaKeyTypes: ['P-256'],
  supports: {vc: ['1.1', '2.0']},
  tags: [suite]
});
module.exports = {
  settings: {enableInteropTests: false, testAllImplementations: false},
  implementations: [{
    name: 'Plecak',
    implementation: 'Plecak issuer and verifier',
    issuers: [issuer('ecdsa-rdfc-2019'), issuer('ecdsa-jcs-2019')],
    verifiers: [{
      id: rt.p256Did,
      endpoint: `${rt.verifierUrl}/credentials/verify`,
      supportedEcdsaKeyTypes: ['P-256', 'P-384'],
      supports: {vc: ['1.1', '2.0']},
      tags: ['ecdsa-rdfc-2019', 'ecdsa-jcs-2019']
    }]
  }]
};
