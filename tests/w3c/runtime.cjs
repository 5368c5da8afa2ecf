// Shared by the localConfig.cjs files: the URLs and did:keys that tests/w3c/serve.py wrote.
const fs = require('fs');
const path = process.env.PLECAK_W3C_RUNTIME;
if(!path) {
  throw new Error('set PLECAK_W3C_RUNTIME to the runtime.json written by tests/w3c/serve.py');
}
module.exports = JSON.parse(fs.readFileSync(path, 'utf8'));
// /credentials/issue is an admin API: the suites send the bearer token as an endpoint header.
module.exports.issuerHeaders = {Authorization: `Bearer ${module.exports.adminToken}`};
