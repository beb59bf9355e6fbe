// Validates Kubernetes objects against the API schemas, offline (kubernetes-models carries them).
// Usage: node validate.mjs objects.json [--unchecked API_GROUP ...]
//   objects.json: a JSON array (e.g. `kubectl kustomize` output converted); objects of an
//   --unchecked API group (one with no schema package here, such as Strimzi's) are listed as such.
// Prints one line per object; exits 1 if any object is invalid or of a kind it has no schema for.
import { readFileSync } from "node:fs";

const modules = {
  "keda.sh/v1alpha1": "@kubernetes-models/keda/keda.sh/v1alpha1",
};
const moduleOf = (apiVersion) =>
  modules[apiVersion] ?? `kubernetes-models/${apiVersion}`;

const [file, ...options] = process.argv.slice(2);
const unchecked = options.filter((_, i) => options[i - 1] === "--unchecked");
const objects = JSON.parse(readFileSync(file, "utf8"));
let invalid = 0;
let skipped = 0;
for (const object of objects) {
  const what = `${object.apiVersion} ${object.kind} ${object.metadata?.name}`;
  if (unchecked.includes(object.apiVersion.split("/")[0])) {
    skipped++;
    console.log(`unchecked ${what} (no schema package for its API group)`);
    continue;
  }
  try {
    const model = (await import(moduleOf(object.apiVersion)))[object.kind];
    if (!model) throw new Error(`no schema for kind ${object.kind}`);
    new model(object).validate();
    console.log(`valid   ${what}`);
  } catch (e) {
    invalid++;
    console.log(`INVALID ${what}: ${e.message}`);
  }
}
console.log(`${objects.length - invalid - skipped} valid, ${invalid} invalid, ${skipped} unchecked`);
process.exit(invalid ? 1 : 0);
