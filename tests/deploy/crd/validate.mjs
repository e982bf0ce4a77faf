// Validates custom resources against the schemas of their CRDs, as generated into the npm packages of
// kubernetes-models (KEDA, Strimzi). Reads a JSON array of resources on stdin; prints one line per resource;
// exits 1 if any is invalid or of a kind it has no schema for. Run by tests/deploy/test_real_tools.py.
import { ScaledObject, TriggerAuthentication } from "@kubernetes-models/keda/keda.sh/v1alpha1";
import { KafkaTopic } from "@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io/v1beta2";

const MODELS = {
  "keda.sh/v1alpha1/ScaledObject": ScaledObject,
  "keda.sh/v1alpha1/TriggerAuthentication": TriggerAuthentication,
  "kafka.strimzi.io/v1beta2/KafkaTopic": KafkaTopic,
};

let input = "";
for await (const chunk of process.stdin) input += chunk;
let failed = 0;
for (const resource of JSON.parse(input)) {
  const id = `${resource.apiVersion}/${resource.kind}`;
  const name = `${id} ${resource.metadata?.name}`;
  const Model = MODELS[id];
  if (!Model) {
    console.log(`NO SCHEMA ${name}`);
    failed++;
    continue;
  }
  try {
    new Model(resource).validate();
    console.log(`valid ${name}`);
  } catch (error) {
    console.log(`INVALID ${name}: ${error.message}`);
    failed++;
  }
}
process.exit(failed ? 1 : 0);
