package dev.outrigger.benchmarks;

/**
 * One start of one worker.
 *
 * @param run           index of the run (both workers start once per run)
 * @param order         0 if this worker started first in its run, 1 if second
 * @param pid           the worker's JVM
 * @param readyMillis   process launch to the first HTTP 200 of {@code GET /admin/v2/worker/cluster}
 * @param rssReadyKiB   VmRSS of the JVM at that moment
 * @param rssSettledKiB VmRSS of the JVM the settle time later
 * @param stopMillis    SIGTERM to exit
 * @param exitCode      the JVM's exit code (143 = ended by SIGTERM), or null if it had to be killed and did not exit
 * @param readyBody     the body of that first 200 (the worker list)
 */
public record RunResult(int run, int order, long pid, double readyMillis, long rssReadyKiB, long rssSettledKiB,
                        double stopMillis, Integer exitCode, String readyBody) {
}
