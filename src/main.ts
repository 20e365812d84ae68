// Process entry for the server (Docker's CMD): same as `calpage start`.
process.argv.splice(2, 0, "start");
await import("./cli.js");
