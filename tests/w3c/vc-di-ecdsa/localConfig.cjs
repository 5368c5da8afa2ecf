// w3c/vc-di-ecdsa-test-suite against Plecak (ecdsa-rdfc-2019, ecdsa-jcs-2019; P-256 and P-384).
// Most tests take endpoints[0] per tag, so each curve is its own implementation entry; the issuer
// picks its key by the credential's issuer, which the suite sets to the entry's id (a did:key).
const rt = require('../runtime.cjs');
const issuer = (did, curve, suite) => ({
  id: did,
  endpoint: `${rt.issuerUrl}/credentials/issue`,
  headers: rt.issuerHeaders,
  // credentialStatus: false: the suites' own JSON-LD loaders do not know the StatusList2021 context
  // that our issuer would add to their VC 1.1 credentials (see docs/conformance.md).
  options: {cryptosuite: suite, credentialStatus: false},
  supportedEcdsaKeyTypes: [curve],
  supports: {vc: ['1.1', '2.0']},
  tags: [suite]
});
const implementation = (name, did, curve) => ({
  name,
  implementation: `Plecak issuer and verifier (${curve})`,
  issuers: [issuer(did, curve, 'ecdsa-rdfc-2019'), issuer(did, curve, 'ecdsa-jcs-2019')],
  verifiers: [{
    id: did,
    endpoint: `${rt.verifierUrl}/credentials/verify`,
    supportedEcdsaKeyTypes: [curve],
    supports: {vc: ['1.1', '2.0']},
    tags: ['ecdsa-rdfc-2019', 'ecdsa-jcs-2019']
  }]
});
module.exports = {
  settings: {enableInteropTests: false, testAllImplementations: false},
  implementations: [
    implementation('Plecak', rt.p256Did, 'P-256'),
    implementation('Plecak P-384', rt.p384Did, 'P-384')
  ]
};
