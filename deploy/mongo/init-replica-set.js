// The mongo-init job of docker-compose.yml (mongosh --host mongo:27017 this file): makes the single-member
// replica set rs0 if there is none yet, then waits until this member is the writable primary. Safe to run again.
const config = { _id: "rs0", members: [{ _id: 0, host: "mongo:27017" }] };
try {
  rs.status();
  print("replica set rs0 exists");
} catch (error) {
  if (error.codeName !== "NotYetInitialized") {
    throw error;
  }
  rs.initiate(config);
  print("replica set rs0 initiated");
}
for (let waited = 0; !db.hello().isWritablePrimary; waited++) {
  if (waited >= 60) {
    print("no writable primary after 60 s");
    quit(1);
  }
  sleep(1000);
}
print("rs0 has a writable primary");
