package dev.outrigger.benchmarks;

import static dev.outrigger.benchmarks.Report.format;
import static dev.outrigger.benchmarks.Report.quote;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * SecurityBenchmark's results: request latency per series (worker and credentials), the differences and ratios
 * between series computed round by round (the rounds interleave the series, so a pair measured in the same round shares
 * the machine's state), and the hot swap of a provider bundle. Cells are {@code median (min..max)} over rounds or
 * swaps; ".." because a difference can be negative.
 */
public final class SecurityReport {

    /** One round of one series: where it ran in the round (0 = first) and its percentiles in microseconds. */
    public record Round(int round, int position, double p50, double p90, double p99) {

        /** Nearest-rank percentiles of one round's request times. */
        public static Round of(int round, int position, List<Double> micros) {
            return new Round(round, position, Stats.percentile(micros, 50), Stats.percentile(micros, 90),
                    Stats.percentile(micros, 99));
        }
    }

    /**
     * A sequence of identical requests to one worker.
     *
     * @param credentials what the requests present, for the table
     * @param error       why the series stopped, or null
     */
    public record Series(String key, String label, String credentials, List<Round> rounds, String error) {
    }

    /**
     * A derived row: per round, {@code a - b} (difference, microseconds) or {@code a / b} (ratio) of two series.
     */
    public record Pair(String label, String a, String b, boolean ratio) {
    }

    /**
     * One drop and removal of the provider bundle.
     *
     * @param offsetMillis   random wait before the drop, so the drops fall at different points of FileInstall's poll
     * @param enabledMillis  atomic move into deploy/ to the first answer that is not "Authentication required"
     * @param enabledStatus  that answer's HTTP status
     * @param disabledMillis deletion from deploy/ to the first "Authentication required" again
     * @param registeredMillis   drop to the worker's log line of the provider's arrival (NaN if not found)
     * @param unregisteredMillis deletion to the log line of its departure (NaN if not found)
     */
    public record Swap(double offsetMillis, double enabledMillis, int enabledStatus, double disabledMillis,
                       double registeredMillis, double unregisteredMillis) {
    }

    private static final List<String> PERCENTILES = List.of("p50", "p90", "p99");
    private static final List<ToDoubleFunction<Round>> GETTERS = List.of(Round::p50, Round::p90, Round::p99);

    private final String title;
    private final List<String> notes;
    private final int requests;
    private final int rounds;
    private final List<Series> series;
    private final List<Pair> pairs;
    private final List<Swap> swaps;
    private final long pollMillis;
    private final List<String> errors;

    /**
     * @param requests   requests per series per round
     * @param rounds     rounds asked for
     * @param pollMillis FileInstall's {@code felix.fileinstall.poll} of the worker the bundle was dropped into
     */
    public SecurityReport(String title, List<String> notes, int requests, int rounds, List<Series> series,
                          List<Pair> pairs, List<Swap> swaps, long pollMillis, List<String> errors) {
        this.title = title;
        this.notes = List.copyOf(notes);
        this.requests = requests;
        this.rounds = rounds;
        this.series = List.copyOf(series);
        this.pairs = List.copyOf(pairs);
        this.swaps = List.copyOf(swaps);
        this.pollMillis = pollMillis;
        this.errors = List.copyOf(errors);
    }

    /** The two figures issue 7 asks for: the drop, and each difference (b) row. */
    public String headline() {
        StringBuilder out = new StringBuilder();
        List<Double> enabled = swaps.stream().map(Swap::enabledMillis).toList();
        out.append("(a) provider bundle dropped into deploy/ -> first request it authenticates: ")
                .append(enabled.isEmpty() ? "FAILED" : cell(enabled, "%.0f") + " ms, n=" + enabled.size())
                .append(" (FileInstall polls deploy/ every ").append(pollMillis).append(" ms)\n");
        for (Pair pair : pairs) {
            if (pair.ratio()) {
                continue;
            }
            List<Double> p50 = perRound(pair, Round::p50);
            out.append("(b) ").append(pair.label()).append(", p50: ")
                    .append(p50.isEmpty() ? "FAILED" : cell(p50, "%.0f") + " us, n=" + p50.size() + " rounds")
                    .append('\n');
        }
        return out.toString();
    }

    public String latencyTable() {
        List<List<String>> rows = new ArrayList<>();
        for (Series s : series) {
            List<String> row = new ArrayList<>(List.of(s.label() + " (" + s.credentials() + ")"));
            for (ToDoubleFunction<Round> get : GETTERS) {
                row.add(s.rounds().isEmpty() ? "FAILED"
                        : cell(s.rounds().stream().map(r -> get.applyAsDouble(r)).toList(), "%.0f"));
            }
            rows.add(row);
        }
        for (Pair pair : pairs) {
            List<String> row = new ArrayList<>(List.of(pair.label()));
            for (ToDoubleFunction<Round> get : GETTERS) {
                List<Double> values = perRound(pair, get);
                row.add(values.isEmpty() ? "-" : cell(values, pair.ratio() ? "%.2f" : "%.0f"));
            }
            rows.add(row);
        }
        return Report.table(List.of("GET /admin/v3/functions/public/default: us per request, median (min..max) over "
                + "rounds of " + requests + " requests", "p50", "p90", "p99"), rows);
    }

    public String swapTable() {
        List<List<String>> rows = new ArrayList<>();
        rows.add(swapRow("provider jar moved into deploy/ -> first request it authenticates (ms)",
                swaps.stream().map(Swap::enabledMillis).toList()));
        rows.add(swapRow("  of which: moved -> provider registered (worker log)",
                known(swaps.stream().map(Swap::registeredMillis).toList())));
        rows.add(swapRow("jar deleted from deploy/ -> first request refused again (ms)",
                swaps.stream().map(Swap::disabledMillis).toList()));
        rows.add(swapRow("  of which: deleted -> provider gone (worker log)",
                known(swaps.stream().map(Swap::unregisteredMillis).toList())));
        return Report.table(List.of("hot swap of a provider bundle, Outrigger secured (FileInstall poll "
                + pollMillis + " ms)", "median (min..max)", "each"), rows);
    }

    private static List<Double> known(List<Double> values) {
        return values.stream().filter(v -> !Double.isNaN(v)).toList();
    }

    private static List<String> swapRow(String metric, List<Double> values) {
        return List.of(metric, values.isEmpty() ? "-" : cell(values, "%.0f") + ", n=" + values.size(),
                String.join(", ", values.stream().map(v -> format("%.0f", v)).toList()));
    }

    List<Pair> pairs() {
        return pairs;
    }

    /** The pair's value in every round where both series have one. */
    List<Double> perRound(Pair pair, ToDoubleFunction<Round> get) {
        Map<Integer, Round> a = byRound(pair.a());
        Map<Integer, Round> b = byRound(pair.b());
        List<Double> values = new ArrayList<>();
        for (Map.Entry<Integer, Round> e : a.entrySet()) {
            Round other = b.get(e.getKey());
            if (other != null) {
                double x = get.applyAsDouble(e.getValue());
                double y = get.applyAsDouble(other);
                values.add(pair.ratio() ? Stats.ratio(x, y) : x - y);
            }
        }
        return values;
    }

    private Map<Integer, Round> byRound(String key) {
        Map<Integer, Round> rounds = new TreeMap<>();
        series.stream().filter(s -> s.key().equals(key)).findFirst()
                .ifPresent(s -> s.rounds().forEach(r -> rounds.put(r.round(), r)));
        return rounds;
    }

    static String cell(List<Double> values, String pattern) {
        Stats.Summary s = Stats.summarize(values);
        return format(pattern, s.median()) + " (" + format(pattern, s.min()) + ".." + format(pattern, s.max()) + ")";
    }

    public String table() {
        return latencyTable() + "\n" + swapTable();
    }

    public String markdown() {
        StringBuilder out = new StringBuilder("# ").append(title).append("\n\n");
        notes.forEach(n -> out.append("- ").append(n).append('\n'));
        out.append("\n```\n").append(headline()).append("```\n\n");
        out.append(latencyTable()).append('\n').append(swapTable());
        out.append("\n## Rounds\n\nPosition = where the series ran in its round (1 = first); microseconds.\n\n");
        out.append(roundsTable());
        if (!errors.isEmpty()) {
            out.append("\n## Errors\n");
            for (String e : errors) {
                out.append("\n```\n").append(e.strip()).append("\n```\n");
            }
        }
        return out.toString();
    }

    /** Every round of every series, in the order they ran. */
    String roundsTable() {
        record Row(Series series, Round round) {
        }
        List<Row> all = new ArrayList<>();
        series.forEach(s -> s.rounds().forEach(r -> all.add(new Row(s, r))));
        all.sort(java.util.Comparator.comparingInt((Row row) -> row.round().round())
                .thenComparingInt(row -> row.round().position()));
        List<List<String>> rows = new ArrayList<>();
        for (Row row : all) {
            Round r = row.round();
            rows.add(List.of(Integer.toString(r.round() + 1), row.series().label() + " (" + row.series().credentials()
                    + ")", Integer.toString(r.position() + 1), format("%.0f", r.p50()), format("%.0f", r.p90()),
                    format("%.0f", r.p99())));
        }
        return Report.table(List.of("round", "series", "position", "p50", "p90", "p99"), rows);
    }

    public String json() {
        StringBuilder out = new StringBuilder("{\n  \"title\": ").append(quote(title)).append(",\n  \"notes\": [");
        for (int i = 0; i < notes.size(); i++) {
            out.append(i == 0 ? "" : ", ").append(quote(notes.get(i)));
        }
        out.append("],\n  \"requestsPerRound\": ").append(requests).append(", \"rounds\": ").append(rounds)
                .append(", \"fileInstallPollMillis\": ").append(pollMillis).append(",\n  \"series\": [\n");
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            out.append("    {\"key\": ").append(quote(s.key())).append(", \"label\": ").append(quote(s.label()))
                    .append(", \"credentials\": ").append(quote(s.credentials()))
                    .append(", \"error\": ").append(s.error() == null ? "null" : quote(s.error()))
                    .append(", \"rounds\": [");
            for (int r = 0; r < s.rounds().size(); r++) {
                Round round = s.rounds().get(r);
                out.append(r == 0 ? "" : ", ").append("{\"round\": ").append(round.round())
                        .append(", \"position\": ").append(round.position())
                        .append(", \"p50Micros\": ").append(format("%.1f", round.p50()))
                        .append(", \"p90Micros\": ").append(format("%.1f", round.p90()))
                        .append(", \"p99Micros\": ").append(format("%.1f", round.p99())).append('}');
            }
            out.append("]}").append(i + 1 < series.size() ? "," : "").append('\n');
        }
        out.append("  ],\n  \"derived\": [\n");
        for (int i = 0; i < pairs.size(); i++) {
            Pair pair = pairs.get(i);
            out.append("    {\"label\": ").append(quote(pair.label())).append(", \"a\": ").append(quote(pair.a()))
                    .append(", \"b\": ").append(quote(pair.b())).append(", \"kind\": ")
                    .append(quote(pair.ratio() ? "ratio" : "difference"));
            for (int p = 0; p < PERCENTILES.size(); p++) {
                List<Double> values = perRound(pair, GETTERS.get(p));
                out.append(", \"").append(PERCENTILES.get(p)).append("\": ").append(summary(values));
            }
            out.append('}').append(i + 1 < pairs.size() ? "," : "").append('\n');
        }
        out.append("  ],\n  \"swaps\": [\n");
        for (int i = 0; i < swaps.size(); i++) {
            Swap s = swaps.get(i);
            out.append("    {\"offsetMillis\": ").append(format("%.1f", s.offsetMillis()))
                    .append(", \"enabledMillis\": ").append(format("%.1f", s.enabledMillis()))
                    .append(", \"enabledStatus\": ").append(s.enabledStatus())
                    .append(", \"disabledMillis\": ").append(format("%.1f", s.disabledMillis()))
                    .append(", \"registeredMillis\": ").append(number(s.registeredMillis()))
                    .append(", \"unregisteredMillis\": ").append(number(s.unregisteredMillis())).append('}')
                    .append(i + 1 < swaps.size() ? "," : "").append('\n');
        }
        out.append("  ],\n  \"errors\": [");
        for (int i = 0; i < errors.size(); i++) {
            out.append(i == 0 ? "" : ", ").append(quote(errors.get(i)));
        }
        return out.append("]\n}\n").toString();
    }

    private static String number(double d) {
        return Double.isNaN(d) ? "null" : format("%.1f", d);
    }

    private static String summary(List<Double> values) {
        if (values.isEmpty()) {
            return "null";
        }
        Stats.Summary s = Stats.summarize(values);
        List<String> each = values.stream().map(v -> format("%.3f", v)).toList();
        return "{\"median\": " + format("%.3f", s.median()) + ", \"min\": " + format("%.3f", s.min()) + ", \"max\": "
                + format("%.3f", s.max()) + ", \"perRound\": [" + String.join(", ", each) + "]}";
    }

}
