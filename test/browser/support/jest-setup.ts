// A browser spec boots the app and Chromium, then loads and draws whole fleets and tracks: more
// than the run's 30 s on a busy machine. Jest reads `testTimeout` from the run's global
// configuration only, so the project sets it here.
jest.setTimeout(90_000);
