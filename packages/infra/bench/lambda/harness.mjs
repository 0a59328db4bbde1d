// One Lambda execution environment, driven over IPC by the bench: imports the bundled handler
// (argv[2]) the way the Node.js runtime does, then runs the invocations it is sent one at a
// time. Plain JavaScript, so nothing but the bundle is loaded. An empty environment (argv[2]
// "--empty") imports nothing: the floor every cold start pays.
const entry = process.argv[2];
const handler = entry === "--empty" ? undefined : (await import(entry)).handler;
const initCpu = process.cpuUsage();
process.send({ type: "ready", at: performance.now(), cpuUs: initCpu.user + initCpu.system });

let cpuAtInvoke = process.cpuUsage();
process.on("message", async (message) => {
  if (message.type === "invoke") {
    cpuAtInvoke = process.cpuUsage();
    const started = performance.now();
    const context = {
      functionName: "travel-api",
      functionVersion: "$LATEST",
      awsRequestId: message.requestId,
      memoryLimitInMB: "1024",
      getRemainingTimeInMillis: () => 10_000,
    };
    const result = handler ? await handler(message.event, context) : { statusCode: 200 };
    const answeredAt = performance.now();
    const cpu = process.cpuUsage(cpuAtInvoke);
    process.send({
      type: "answered",
      at: answeredAt,
      handlerMs: answeredAt - started,
      cpuUs: cpu.user + cpu.system,
      status: result.statusCode,
      headers: result.headers ?? {},
      isBase64Encoded: result.isBase64Encoded,
      body: message.wantBody || result.statusCode >= 400 ? result.body : undefined,
    });
  } else if (message.type === "cpu") {
    const cpu = process.cpuUsage(cpuAtInvoke);
    process.send({ type: "cpu", cpuUs: cpu.user + cpu.system });
  } else if (message.type === "exit") {
    process.exit(0);
  }
});
