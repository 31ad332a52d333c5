/**
 * Ends the run with one plain line, `jest: N passed, N failed, N skipped`, so any tool reading the
 * log can tell a green run from one that ran nothing.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const { numPassedTests, numFailedTests, numPendingTests, numTodoTests } = results;
    // Suites that failed to run at all (a syntax error, a failing hook) count once each.
    const failedSuites = results.numRuntimeErrorTestSuites;
    process.stdout.write(
      `\njest: ${numPassedTests} passed, ${numFailedTests + failedSuites} failed, ${numPendingTests + numTodoTests} skipped\n`,
    );
  }
}
module.exports = SummaryReporter;
