package dev.outrigger.benchmarks;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** The benchmark's results as a padded Markdown table (readable as plain text too) and as JSON. */
public final class Report {

    /** One of the two workers compared, with its runs. */
    public record Worker(String key, String label, String launch, List<RunResult> runs) {
    }

    private final String title;
    private final List<String> notes;
    private final int settleSeconds;
    private final Worker subject;
    private final Worker baseline;

    /**
     * @param subject  the worker in the numerator of the ratios (Outrigger)
     * @param baseline the one in the denominator (Pulsar's worker)
     */
    public Report(String title, List<String> notes, int settleSeconds, Worker subject, Worker baseline) {
        this.title = title;
        this.notes = List.copyOf(notes);
        this.settleSeconds = settleSeconds;
        this.subject = subject;
        this.baseline = baseline;
    }

    /** The summary table: min / median / max per worker and the ratio of the medians. */
    public String summaryTable() {
        List<List<String>> rows = new ArrayList<>();
        rows.add(summaryRow("launch -> first 200 of GET /admin/v2/worker/cluster (s)",
                r -> r.readyMillis() / 1000.0, "%.2f"));
        rows.add(summaryRow("RSS at ready (MiB)", r -> r.rssReadyKiB() / 1024.0, "%.0f"));
        rows.add(summaryRow("RSS " + settleSeconds + " s after ready (MiB)", r -> r.rssSettledKiB() / 1024.0, "%.0f"));
        rows.add(summaryRow("SIGTERM -> exit (s)", r -> r.stopMillis() / 1000.0, "%.2f"));
        return table(List.of("metric", subject.label() + " min / median / max",
                baseline.label() + " min / median / max", subject.label() + " / " + baseline.label() + " (medians)"),
                rows);
    }

    /** Every run of both workers, in the order they ran. */
    public String runsTable() {
        record Row(Worker worker, RunResult result) {
        }
        List<Row> all = new ArrayList<>();
        for (Worker worker : List.of(subject, baseline)) {
            worker.runs().forEach(r -> all.add(new Row(worker, r)));
        }
        all.sort(Comparator.comparingInt((Row row) -> row.result().run()).thenComparingInt(row -> row.result().order()));
        List<List<String>> rows = new ArrayList<>();
        for (Row row : all) {
            RunResult r = row.result();
            rows.add(List.of(Integer.toString(r.run() + 1), row.worker().label(), Integer.toString(r.order() + 1),
                    format("%.2f", r.readyMillis() / 1000.0), format("%.0f", r.rssReadyKiB() / 1024.0),
                    format("%.0f", r.rssSettledKiB() / 1024.0), format("%.2f", r.stopMillis() / 1000.0),
                    String.valueOf(r.exitCode())));
        }
        return table(List.of("run", "worker", "started", "ready (s)", "RSS ready (MiB)",
                "RSS +" + settleSeconds + " s (MiB)", "stop (s)", "exit"), rows);
    }

    public String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("# ").append(title).append("\n\n");
        for (String note : notes) {
            out.append("- ").append(note).append('\n');
        }
        out.append("- ").append(subject.label()).append(": `").append(subject.launch()).append("`\n");
        out.append("- ").append(baseline.label()).append(": `").append(baseline.launch()).append("`\n\n");
        out.append(summaryTable()).append("\n## Runs\n\n").append(runsTable());
        return out.toString();
    }

    public String json() {
        StringBuilder out = new StringBuilder("{\n");
        out.append("  \"title\": ").append(quote(title)).append(",\n");
        out.append("  \"notes\": [");
        for (int i = 0; i < notes.size(); i++) {
            out.append(i == 0 ? "" : ", ").append(quote(notes.get(i)));
        }
        out.append("],\n  \"settleSeconds\": ").append(settleSeconds).append(",\n");
        out.append("  \"workers\": {\n");
        List<Worker> both = List.of(subject, baseline);
        for (int w = 0; w < both.size(); w++) {
            Worker worker = both.get(w);
            out.append("    ").append(quote(worker.key())).append(": {\n");
            out.append("      \"label\": ").append(quote(worker.label())).append(",\n");
            out.append("      \"launch\": ").append(quote(worker.launch())).append(",\n");
            out.append("      \"runs\": [\n");
            for (int i = 0; i < worker.runs().size(); i++) {
                RunResult r = worker.runs().get(i);
                out.append("        {\"run\": ").append(r.run())
                        .append(", \"order\": ").append(r.order())
                        .append(", \"pid\": ").append(r.pid())
                        .append(", \"readyMillis\": ").append(format("%.1f", r.readyMillis()))
                        .append(", \"rssReadyKiB\": ").append(r.rssReadyKiB())
                        .append(", \"rssSettledKiB\": ").append(r.rssSettledKiB())
                        .append(", \"stopMillis\": ").append(format("%.1f", r.stopMillis()))
                        .append(", \"exitCode\": ").append(r.exitCode())
                        .append(", \"readyBody\": ").append(r.readyBody() == null ? "null" : quote(r.readyBody()))
                        .append('}').append(i + 1 < worker.runs().size() ? "," : "").append('\n');
            }
            out.append("      ]\n    }").append(w + 1 < both.size() ? "," : "").append('\n');
        }
        out.append("  }\n}\n");
        return out.toString();
    }

    private List<String> summaryRow(String metric, ToDoubleFunction<RunResult> value, String pattern) {
        List<String> row = new ArrayList<>();
        row.add(metric);
        double[] medians = new double[2];
        List<Worker> both = List.of(subject, baseline);
        for (int i = 0; i < 2; i++) {
            List<RunResult> runs = both.get(i).runs();
            if (runs.isEmpty()) {
                row.add("-");
                medians[i] = Double.NaN;
                continue;
            }
            Stats.Summary s = Stats.summarize(runs.stream().map(r -> value.applyAsDouble(r)).toList());
            row.add(format(pattern, s.min()) + " / " + format(pattern, s.median()) + " / " + format(pattern, s.max()));
            medians[i] = s.median();
        }
        double ratio = Stats.ratio(medians[0], medians[1]);
        row.add(Double.isNaN(ratio) ? "-" : format("%.2f", ratio));
        return row;
    }

    /** A Markdown table with every column padded to its widest cell. */
    static String table(List<String> header, List<List<String>> rows) {
        int[] widths = new int[header.size()];
        for (int c = 0; c < header.size(); c++) {
            widths[c] = Math.max(3, header.get(c).length());
            for (List<String> row : rows) {
                widths[c] = Math.max(widths[c], row.get(c).length());
            }
        }
        StringBuilder out = new StringBuilder();
        appendRow(out, header, widths);
        List<String> rule = new ArrayList<>();
        for (int width : widths) {
            rule.add("-".repeat(width));
        }
        appendRow(out, rule, widths);
        for (List<String> row : rows) {
            if (row.size() != header.size()) {
                throw new IllegalArgumentException("row " + row + " has " + row.size() + " cells, header "
                        + header.size());
            }
            appendRow(out, row, widths);
        }
        return out.toString();
    }

    private static void appendRow(StringBuilder out, List<String> cells, int[] widths) {
        out.append('|');
        for (int c = 0; c < cells.size(); c++) {
            String cell = cells.get(c);
            out.append(' ').append(cell).append(" ".repeat(widths[c] - cell.length())).append(" |");
        }
        out.append('\n');
    }

    static String format(String pattern, double value) {
        return String.format(Locale.ROOT, pattern, value);
    }

    static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
