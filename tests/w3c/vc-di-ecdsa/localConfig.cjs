// w3c/vc-di-ecdsa-test-suite against Plecak (ecdsa-rdfc-2019, ecdsa-jcs-2019 on P-256 and P-384;
// ecdsa-sd-2023 on P-256, the only curve that suite defines).
// Most tests take endpoints[0] per tag, so each curve is its own implementation entry; the issuer
// picks its key by the credential's issuer, which the suite sets to the entry's id (a did:key).
const rt = require('../runtime.cjs');
// The suite's secureCredential() writes options.mandatoryPointers into the endpoint's own options
// object, so the invalid pointer of its "must reject" test would leak into every later
// ecdsa-sd-2023 issuance (a suite bug). Pointers written there are sent with the next request only.
const issueOptions = suite => {
  const options = {cryptosuite: suite, credentialStatus: false};
  let pointers;
  Object.defineProperty(options, 'mandatoryPointers', {
    enumerable: true,
    set(value) { pointers = value; },
    get() { const once = pointers; pointers = undefined; return once; }
  });
  return options;
};
const issuer = (did, curve, suite) => ({
  id: did,
  endpoint: `${rt.issuerUrl}/credentials/issue`,
  headers: rt.issuerHeaders,
  // credentialStatus: false: the suites' own JSON-LD loaders do not know the StatusList2021 context
  // that our issuer would add to their VC 1.1 credentials (see docs/conformance.md).
  options: issueOptions(suite),
  supportedEcdsaKeyTypes: [curve],
  supports: {vc: ['1.1', '2.0']},
  tags: [suite]
});
const implementation = (name, did, curve) => {
  const suites = curve === 'P-256' ?
    ['ecdsa-rdfc-2019', 'ecdsa-jcs-2019', 'ecdsa-sd-2023'] : ['ecdsa-rdfc-2019', 'ecdsa-jcs-2019'];
  return {
    name,
    implementation: `Plecak issuer and verifier (${curve})`,
    issuers: suites.map(suite => issuer(did, curve, suite)),
    verifiers: [{
      id: did,
      endpoint: `${rt.verifierUrl}/credentials/verify`,
      supportedEcdsaKeyTypes: [curve],
      supports: {vc: ['1.1', '2.0']},
      tags: suites
    }]
  };
};
module.exports = {
  settings: {enableInteropTests: false, testAllImplementations: false},
  implementations: [
    implementation('Plecak', rt.p256Did, 'P-256'),
    implementation('Plecak P-384', rt.p384Did, 'P-384')
  ]
};
