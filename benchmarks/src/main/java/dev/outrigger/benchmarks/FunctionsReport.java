package dev.outrigger.benchmarks;

import static dev.outrigger.benchmarks.Report.format;
import static dev.outrigger.benchmarks.Report.quote;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** FunctionsBenchmark's results: a Markdown table with both workers and the Outrigger / Pulsar ratios, and JSON. */
public final class FunctionsReport {

    /**
     * One flow of messages through a running function.
     *
     * @param sent        messages sent (send errors excluded)
     * @param sendErrors  sendAsync futures that failed
     * @param received    distinct expected outputs received
     * @param duplicates  outputs received more than once
     * @param strays      outputs of no message of this flow
     * @param seconds     first send to the last expected output (or to giving up)
     * @param p50Millis   send -> receive, 50th percentile (nearest rank), NaN without receipts
     * @param p99Millis   99th percentile
     * @param maxMillis   the largest
     * @param firstMissing up to 10 missing indices
     */
    public record Flow(int sent, int sendErrors, int received, int duplicates, int strays, double seconds,
                       double p50Millis, double p99Millis, double maxMillis, List<Integer> firstMissing) {

        public static Flow of(int sent, int sendErrors, Receipts receipts, double seconds) {
            List<Double> latencies = receipts.latenciesMillis();
            boolean any = !latencies.isEmpty();
            return new Flow(sent, sendErrors, receipts.distinct(), receipts.duplicates(), receipts.strays(), seconds,
                    any ? Stats.percentile(latencies, 50) : Double.NaN,
                    any ? Stats.percentile(latencies, 99) : Double.NaN,
                    any ? Stats.percentile(latencies, 100) : Double.NaN,
                    receipts.firstMissing(10));
        }

        public int missing() {
            return sent + sendErrors - received;
        }

        public double perSecond() {
            return seconds > 0 ? received / seconds : Double.NaN;
        }
    }

    /** One worker's results; null fields were not measured (see errors). */
    public record Worker(String key, String label, String launch, List<Double> createMillis,
                         List<Double> runningMillis, List<Double> firstResultMillis, List<Double> deleteMillis,
                         Flow throughput, Flow latency,
                         Long rssAfterKiB, List<String> errors) {
    }

    private final String title;
    private final List<String> notes;
    private final int messages;
    private final int rate;
    private final int latencySeconds;
    private final Worker subject;
    private final Worker baseline;

    public FunctionsReport(String title, List<String> notes, int messages, int rate, int latencySeconds,
                           Worker subject, Worker baseline) {
        this.title = title;
        this.notes = List.copyOf(notes);
        this.messages = messages;
        this.rate = rate;
        this.latencySeconds = latencySeconds;
        this.subject = subject;
        this.baseline = baseline;
    }

    public String table() {
        List<List<String>> rows = new ArrayList<>();
        rows.add(samples("REST createFunction (ms), median (min-max)", Worker::createMillis));
        rows.add(samples("create -> numRunning == 1 (ms), median (min-max)", Worker::runningMillis));
        rows.add(samples("create -> first result (ms), median (min-max)", Worker::firstResultMillis));
        rows.add(samples("REST deleteFunction (ms), median (min-max)", Worker::deleteMillis));
        rows.add(value("throughput, " + messages + " msgs unpaced (msg/s; higher is better)", Worker::throughput,
                Flow::perSecond, "%.0f"));
        rows.add(value("  same: first send -> last output (s)", Worker::throughput, Flow::seconds, "%.2f"));
        rows.add(counts("  same: received / missing / duplicated", Worker::throughput));
        String paced = rate + " msg/s for " + latencySeconds + " s";
        rows.add(value("latency at " + paced + ": p50 (ms)", Worker::latency, Flow::p50Millis, "%.1f"));
        rows.add(value("  same: p99 (ms)", Worker::latency, Flow::p99Millis, "%.1f"));
        rows.add(value("  same: max (ms)", Worker::latency, Flow::maxMillis, "%.1f"));
        rows.add(counts("  same: received / missing / duplicated", Worker::latency));
        List<String> rss = new ArrayList<>(List.of("worker RSS after the flows (MiB)"));
        Double[] v = new Double[2];
        List<Worker> both = List.of(subject, baseline);
        for (int i = 0; i < 2; i++) {
            Long kib = both.get(i).rssAfterKiB();
            v[i] = kib == null ? null : kib / 1024.0;
            rss.add(v[i] == null ? "-" : format("%.0f", v[i]));
        }
        rss.add(ratio(v[0], v[1]));
        rows.add(rss);
        return Report.table(List.of("metric", subject.label(), baseline.label(),
                subject.label() + " / " + baseline.label()), rows);
    }

    private List<String> samples(String metric, Function<Worker, List<Double>> get) {
        List<String> row = new ArrayList<>(List.of(metric));
        Double[] medians = new Double[2];
        List<Worker> both = List.of(subject, baseline);
        for (int i = 0; i < 2; i++) {
            List<Double> samples = get.apply(both.get(i));
            if (samples == null || samples.isEmpty()) {
                row.add("FAILED");
                continue;
            }
            Stats.Summary s = Stats.summarize(samples);
            medians[i] = s.median();
            row.add(format("%.0f", s.median()) + " (" + format("%.0f", s.min()) + "-" + format("%.0f", s.max())
                    + ", n=" + samples.size() + ")");
        }
        row.add(ratio(medians[0], medians[1]));
        return row;
    }

    private List<String> value(String metric, Function<Worker, Flow> flow, java.util.function.ToDoubleFunction<Flow> get,
                               String pattern) {
        List<String> row = new ArrayList<>(List.of(metric));
        Double[] v = new Double[2];
        List<Worker> both = List.of(subject, baseline);
        for (int i = 0; i < 2; i++) {
            Flow f = flow.apply(both.get(i));
            double d = f == null ? Double.NaN : get.applyAsDouble(f);
            v[i] = Double.isNaN(d) ? null : d;
            row.add(f == null ? "FAILED" : Double.isNaN(d) ? "-" : format(pattern, d));
        }
        row.add(ratio(v[0], v[1]));
        return row;
    }

    private List<String> counts(String metric, Function<Worker, Flow> flow) {
        List<String> row = new ArrayList<>(List.of(metric));
        for (Worker w : List.of(subject, baseline)) {
            Flow f = flow.apply(w);
            row.add(f == null ? "FAILED" : f.received() + " / " + f.missing() + " / " + f.duplicates());
        }
        row.add("");
        return row;
    }

    static String ratio(Double a, Double b) {
        if (a == null || b == null) {
            return "-";
        }
        double r = Stats.ratio(a, b);
        return Double.isNaN(r) ? "-" : format("%.2f", r);
    }

    public String markdown() {
        StringBuilder out = new StringBuilder("# ").append(title).append("\n\n");
        notes.forEach(n -> out.append("- ").append(n).append('\n'));
        for (Worker w : List.of(subject, baseline)) {
            out.append("- ").append(w.label()).append(": `").append(w.launch()).append("`\n");
        }
        out.append('\n').append(table());
        for (Worker w : List.of(subject, baseline)) {
            if (!w.errors().isEmpty()) {
                out.append("\n## ").append(w.label()).append(": errors\n");
                for (String e : w.errors()) {
                    out.append("\n```\n").append(e.strip()).append("\n```\n");
                }
            }
        }
        return out.toString();
    }

    public String json() {
        StringBuilder out = new StringBuilder("{\n  \"title\": ").append(quote(title)).append(",\n  \"notes\": [");
        for (int i = 0; i < notes.size(); i++) {
            out.append(i == 0 ? "" : ", ").append(quote(notes.get(i)));
        }
        out.append("],\n  \"messages\": ").append(messages).append(", \"rate\": ").append(rate)
                .append(", \"latencySeconds\": ").append(latencySeconds).append(",\n  \"workers\": {\n");
        List<Worker> both = List.of(subject, baseline);
        for (int i = 0; i < both.size(); i++) {
            Worker w = both.get(i);
            out.append("    ").append(quote(w.key())).append(": {\n")
                    .append("      \"label\": ").append(quote(w.label())).append(",\n")
                    .append("      \"launch\": ").append(quote(w.launch())).append(",\n")
                    .append("      \"createMillis\": ").append(numbers(w.createMillis())).append(",\n")
                    .append("      \"runningMillis\": ").append(numbers(w.runningMillis())).append(",\n")
                    .append("      \"firstResultMillis\": ").append(numbers(w.firstResultMillis())).append(",\n")
                    .append("      \"deleteMillis\": ").append(numbers(w.deleteMillis())).append(",\n")
                    .append("      \"throughput\": ").append(flow(w.throughput())).append(",\n")
                    .append("      \"latency\": ").append(flow(w.latency())).append(",\n")
                    .append("      \"rssAfterKiB\": ").append(w.rssAfterKiB()).append(",\n")
                    .append("      \"errors\": [");
            for (int e = 0; e < w.errors().size(); e++) {
                out.append(e == 0 ? "" : ", ").append(quote(w.errors().get(e)));
            }
            out.append("]\n    }").append(i + 1 < both.size() ? "," : "").append('\n');
        }
        return out.append("  }\n}\n").toString();
    }

    private static String numbers(List<Double> values) {
        if (values == null) {
            return "null";
        }
        List<String> s = values.stream().map(v -> format("%.1f", v)).toList();
        return "[" + String.join(", ", s) + "]";
    }

    private static String number(double d) {
        return Double.isNaN(d) || Double.isInfinite(d) ? "null" : format("%.3f", d);
    }

    private static String flow(Flow f) {
        if (f == null) {
            return "null";
        }
        return "{\"sent\": " + f.sent() + ", \"sendErrors\": " + f.sendErrors() + ", \"received\": " + f.received()
                + ", \"missing\": " + f.missing() + ", \"duplicates\": " + f.duplicates() + ", \"strays\": "
                + f.strays() + ", \"seconds\": " + number(f.seconds()) + ", \"perSecond\": " + number(f.perSecond())
                + ", \"p50Millis\": " + number(f.p50Millis()) + ", \"p99Millis\": " + number(f.p99Millis())
                + ", \"maxMillis\": " + number(f.maxMillis()) + ", \"firstMissing\": " + f.firstMissing() + "}";
    }
}
