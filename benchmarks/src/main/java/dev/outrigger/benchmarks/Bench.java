package dev.outrigger.benchmarks;

import java.util.List;
import java.util.Locale;

/**
 * Entry point of {@code -Pbench}: runs the benchmarks named by {@code -Dbench} ({@code startup}, {@code functions},
 * {@code security}, a comma-separated list of them, or {@code all}, the default), one after the other, each with a
 * cluster of its own. {@code soak} ({@link SoakRun}) runs only when named: it takes half an hour by default.
 */
public final class Bench {

    static final List<String> ALL = List.of("startup", "functions", "security");
    /** Selectable by name only, never part of {@code all}. */
    static final List<String> KNOWN = List.of("startup", "functions", "security", "soak");

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
                case "soak" -> SoakRun.run();
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
            if (!KNOWN.contains(name)) {
                throw new IllegalArgumentException("Unknown benchmark '" + name
                        + "' in -Dbench (startup, functions, security, soak, all)");
            }
        }
        return names.stream().distinct().toList();
    }
}
