package dev.outrigger.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/** Reads {@code /proc/<pid>/status} (Linux): the resident set size and the command name of a process. */
public final class ProcStatus {

    private ProcStatus() {
    }

    /** @return the status text of {@code pid}, or empty if the process is gone or this is not Linux */
    public static Optional<String> read(long pid) {
        try {
            return Optional.of(Files.readString(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** @return {@code VmRSS} of {@code pid} in KiB, or empty if it cannot be read */
    public static OptionalLong rssKiB(long pid) {
        return read(pid).map(ProcStatus::vmRssKiB).orElse(OptionalLong.empty());
    }

    /**
     * Parses the {@code VmRSS:   123456 kB} line (the kernel always reports it in kB, i.e. KiB).
     *
     * @return empty when there is no such line (kernel threads, zombies)
     */
    public static OptionalLong vmRssKiB(String status) {
        String value = field(status, "VmRSS");
        if (value == null) {
            return OptionalLong.empty();
        }
        String[] parts = value.split("\\s+");
        if (parts.length != 2 || !parts[1].equals("kB")) {
            throw new IllegalArgumentException("Unexpected VmRSS value: '" + value + "'");
        }
        return OptionalLong.of(Long.parseLong(parts[0]));
    }

    /** The {@code Name:} line: the command name, at most 15 characters ({@code java}, {@code bash}). */
    public static String name(String status) {
        String value = field(status, "Name");
        return value == null ? "" : value;
    }

    /** The trimmed value of the {@code key:} line, or null. */
    static String field(String status, String key) {
        String prefix = key + ":";
        for (String line : status.split("\n")) {
            if (line.startsWith(prefix)) {
                return line.substring(prefix.length()).trim();
            }
        }
        return null;
    }
}
