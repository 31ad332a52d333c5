// Each case boots servers and processes and waits for queues to drain: minutes, not seconds. Jest
// reads `testTimeout` from the run's global configuration only, so the project sets it here.
jest.setTimeout(180_000);
