// Validates Kubernetes objects against the API schemas, offline (kubernetes-models carries them).
// Usage: node validate.mjs objects.json   (a JSON array, e.g. `kubectl kustomize` converted)
// Prints one line per object; exits 1 if any object is invalid or of a kind it has no schema for.
import { readFileSync } from "node:fs";

const modules = {
  "keda.sh/v1alpha1": "@kubernetes-models/keda/keda.sh/v1alpha1",
};
const moduleOf = (apiVersion) =>
  modules[apiVersion] ?? `kubernetes-models/${apiVersion === "v1" ? "v1" : apiVersion}`;

const objects = JSON.parse(readFileSync(process.argv[2], "utf8"));
let invalid = 0;
for (const object of objects) {
  const what = `${object.apiVersion} ${object.kind} ${object.metadata?.name}`;
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
console.log(`${objects.length - invalid} valid, ${invalid} invalid`);
process.exit(invalid ? 1 : 0);
