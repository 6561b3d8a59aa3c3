package dev.outrigger.benchmarks;

import java.util.List;
import java.util.Locale;

/**
 * Entry point of {@code -Pbench}: runs the benchmarks named by {@code -Dbench} ({@code startup}, {@code functions},
 * {@code security}, a comma-separated list of them, or {@code all}, the default), one after the other, each with a
 * cluster of its own.
 */
public final class Bench {

    static final List<String> ALL = List.of("startup", "functions", "security");

    private Bench() {
    }

    public static void main(String[] args) {
        List<String> selected = selection(System.getProperty("bench", "all"));
        int exit = 0;
        for (String name : selected) {
            BenchWorkers.progress("=== " + name + " ===");
            int code = switch (name) {
                case "startup" -> StartupBenchmark.run();
                case "functions" -> FunctionsBenchmark.run();
                default -> SecurityBenchmark.run();
            };
            exit = Math.max(exit, code);
        }
        System.exit(exit);
    }

    /** The benchmarks to run, in order; @throws IllegalArgumentException for an unknown name */
    static List<String> selection(String property) {
        String value = property == null ? "" : property.trim().toLowerCase(Locale.ROOT);
        if (value.isEmpty() || value.equals("all")) {
            return ALL;
        }
        List<String> names = List.of(value.split("\\s*,\\s*"));
        for (String name : names) {
            if (!ALL.contains(name)) {
                throw new IllegalArgumentException("Unknown benchmark '" + name
                        + "' in -Dbench (startup, functions, security, all)");
            }
        }
        return names.stream().distinct().toList();
    }
}
