// Khronos glTF validator (npm gltf-validator) on one .glb: prints a JSON summary, exit 1 on errors.
const v = require('gltf-validator'), fs = require('fs');
v.validateBytes(new Uint8Array(fs.readFileSync(process.argv[2]))).then(r => {
  console.log(JSON.stringify({errors: r.issues.numErrors, warnings: r.issues.numWarnings,
                              infos: r.issues.numInfos, messages: r.issues.messages.slice(0, 30)}));
  process.exit(r.issues.numErrors ? 1 : 0);
}).catch(e => { console.error(String(e)); process.exit(2); });
