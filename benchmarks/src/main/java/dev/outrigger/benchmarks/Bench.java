package dev.outrigger.benchmarks;

import java.util.List;
import java.util.Locale;

/**
 * Entry point of {@code -Pbench}: runs the benchmarks named by {@code -Dbench} ({@code startup}, {@code functions},
 * a comma-separated list of them, or {@code all}, the default), one after the other, each with a cluster of its own.
 */
public final class Bench {

    private Bench() {
    }

    public static void main(String[] args) {
        List<String> selected = selection(System.getProperty("bench", "all"));
        int exit = 0;
        for (String name : selected) {
            BenchWorkers.progress("=== " + name + " ===");
            int code = name.equals("startup") ? StartupBenchmark.run() : FunctionsBenchmark.run();
            exit = Math.max(exit, code);
        }
        System.exit(exit);
    }

    /** The benchmarks to run, in order; @throws IllegalArgumentException for an unknown name */
    static List<String> selection(String property) {
        String value = property == null ? "" : property.trim().toLowerCase(Locale.ROOT);
        if (value.isEmpty() || value.equals("all")) {
            return List.of("startup", "functions");
        }
        List<String> names = List.of(value.split("\\s*,\\s*"));
        for (String name : names) {
            if (!name.equals("startup") && !name.equals("functions")) {
                throw new IllegalArgumentException("Unknown benchmark '" + name
                        + "' in -Dbench (startup, functions, all)");
            }
        }
        return names.stream().distinct().toList();
    }
}
