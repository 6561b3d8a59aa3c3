package dev.outrigger.config.internal;

import dev.outrigger.api.config.SecretKeys;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.outrigger.config.internal.WorkerKeys.Key;
import dev.outrigger.config.internal.WorkerKeys.Target;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Turns the text of a {@code functions_worker.yml} into one property map per PID, driven by {@link WorkerKeys}. Pure:
 * no ConfigAdmin, no logging; the caller decides what to do with warnings and errors.
 */
final class WorkerYamlReader {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Supplier<String> localHostName;

    WorkerYamlReader() {
        this(WorkerYamlReader::canonicalLocalHostName);
    }

    /** @param localHostName the default of {@code workerHostname}; asked only when the file does not set it */
    WorkerYamlReader(Supplier<String> localHostName) {
        this.localHostName = localHostName;
    }

    /**
     * What the file says.
     *
     * @param configurations PID to properties, in {@link WorkerKeys#PIDS} write order; empty when there are errors
     * @param warnings messages for keys that were ignored or deprecated
     * @param errors every problem of the file, each naming the key, the value and what is expected
     */
    /**
     * Every key's value in force, for operators to see.
     *
     * @param effective key to its value (the file's, else its default), in the table's order; null for none
     * @param fromFile the keys the file sets
     */
    record Values(Map<String, Object> effective, Set<String> fromFile) {
        static final Values NONE = new Values(Map.of(), Set.of());

        Values {
            effective = Collections.unmodifiableMap(new LinkedHashMap<>(effective));
            fromFile = Set.copyOf(fromFile);
        }
    }

    record Result(Map<String, Map<String, Object>> configurations, List<String> warnings, List<String> errors,
            TlsSettings tls, Values values) {

        Result {
            configurations = Collections.unmodifiableMap(new LinkedHashMap<>(configurations));
            warnings = List.copyOf(warnings);
            errors = List.copyOf(errors);
        }

        Result(Map<String, Map<String, Object>> configurations, List<String> warnings, List<String> errors) {
            this(configurations, warnings, errors, TlsSettings.OFF, Values.NONE);
        }

        static Result failed(String error) {
            return new Result(Map.of(), List.of(), List.of(error));
        }

        boolean valid() {
            return errors.isEmpty();
        }
    }

    Result read(Path file) {
        try {
            return parse(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            return Result.failed(cannotRead(file, e));
        }
    }

    static String cannotRead(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return "Configuration file " + file + " does not exist";
        }
        return "Cannot read configuration file " + file + ": " + e;
    }

    /** @param source the file's path, quoted in every message */
    Result parse(byte[] content, String source) {
        JsonNode root;
        try {
            root = YAML.readTree(content);
        } catch (JsonProcessingException e) {
            return Result.failed(syntaxError(source, e));
        } catch (IOException e) {
            return Result.failed("Cannot read configuration file " + source + ": " + e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            root = YAML.createObjectNode(); // empty or comments only: all defaults
        }
        if (!root.isObject()) {
            return Result.failed("Invalid content in " + source + ": expected a mapping of keys to values, not '"
                    + root.asText() + "'");
        }

        List<String> warnings = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        Map<String, List<String>> notActedOn = new TreeMap<>();
        Map<String, Object> values = new HashMap<>();
        Map<String, Object> worker = new TreeMap<>();
        root.properties().forEach(field -> {
            String name = field.getKey();
            JsonNode node = field.getValue();
            Key key = WorkerKeys.KEYS.get(name);
            if (key == null) {
                warnings.add("Ignoring unknown key '" + name + "' in " + source);
                return;
            }
            if (node.isNull()) {
                // Pulsar's file leaves many keys empty; that means "not set", except where Outrigger cannot follow
                if (key.nullNotAllowed() != null) {
                    errors.add(invalid(key, node, source) + " (" + key.nullNotAllowed() + ")");
                }
                return;
            }
            Object value = key.type().convert(node);
            if (value == null || key.rule() != null && !key.rule().test(value)) {
                errors.add(invalid(key, node, source));
                return;
            }
            if (key.replacedBy() != null) {
                warnings.add("Key '" + name + "' in " + source + " is deprecated: use '" + key.replacedBy() + "'");
            }
            switch (key.handling()) {
                case NOT_APPLICABLE, NOT_YET -> notActedOn.computeIfAbsent(key.note(), why -> new ArrayList<>())
                        .add(name);
                case REFUSED_UNLESS -> {
                    if (!key.honoured().test(value)) {
                        errors.add(name + " = " + shown(key, node) + " in " + source + " cannot be honoured: "
                                + key.note());
                        return;
                    }
                }
                case ACTED_ON -> { }
            }
            values.put(name, value);
            if (value instanceof Map<?, ?> map) {
                map.forEach((child, v) -> worker.put(name + "." + child, v));
            } else {
                worker.put(name, value);
            }
        });
        errors.addAll(caseClashes(worker, source));
        if (!notActedOn.isEmpty()) {
            // one line for the whole file: each key Outrigger will not act on, grouped by why
            StringBuilder line = new StringBuilder("Keys in " + source + " that Outrigger does not act on: ");
            notActedOn.forEach((why, keys) -> line.append(String.join(", ", keys)).append(" (").append(why)
                    .append("); "));
            warnings.add(line.substring(0, line.length() - 2));
        }
        TlsSettings tls = TlsSettings.of(values);
        if (tls.enabled() && Boolean.TRUE.equals(values.get("tlsAllowInsecureConnection"))) {
            warnings.add("tlsAllowInsecureConnection in " + source + " applies to the worker's own TLS connections "
                    + "(to the brokers and other workers); the TLS listener still refuses client certificates it "
                    + "does not trust");
        }
        // Pulsar's workerPort: null turns plain HTTP off; absent means the default port
        boolean plainHttpOff = root.has("workerPort") && root.get("workerPort").isNull();
        if (errors.isEmpty()) {
            errors.addAll(SecurityChecks.errors(values, source));
            errors.addAll(tls.errors(source));
            if (plainHttpOff && !tls.enabled()) {
                errors.add("workerPort is null in " + source + " (no plain HTTP) but tlsEnabled is not true: the "
                        + "worker would serve nothing");
            }
        }
        if (!errors.isEmpty()) {
            return new Result(Map.of(), warnings, errors);
        }

        Map<String, Map<String, Object>> configurations = new LinkedHashMap<>();
        WorkerKeys.PIDS.forEach(pid -> configurations.put(pid, new TreeMap<>()));
        configurations.get(WorkerKeys.WORKER_PID).putAll(worker);
        Resolver effective = new Resolver(values);
        try {
            for (Key key : WorkerKeys.KEYS.values()) {
                for (Target target : key.targets()) {
                    Object value = effective.get(key.name());
                    if (value != null) {
                        configurations.get(target.pid()).put(target.property(), value);
                    }
                }
            }
        } catch (IllegalStateException e) {
            return new Result(Map.of(), warnings, List.of(e.getMessage() + "; set workerHostname in " + source));
        }
        WorkerKeys.FIXED.forEach((pid, properties) -> configurations.get(pid).putAll(properties));
        Map<String, Object> http = configurations.get(WorkerKeys.HTTP);
        Map<String, Object> cluster = configurations.get(WorkerKeys.CLUSTER);
        http.put(WorkerKeys.HTTP_ENABLE, !plainHttpOff);
        if (plainHttpOff) {
            http.remove(WorkerKeys.HTTP_PORT);
            cluster.remove("workerPort");
        }
        // what the cluster advertises and the worker channel speaks: Pulsar's worker uses the TLS port when TLS is on
        cluster.put("tlsEnabled", tls.enabled());
        // Pulsar applies properties.brokerClient_* to its PulsarClient and PulsarAdmin, so the pulsar bundle gets them
        if (values.get("properties") instanceof Map<?, ?> properties) {
            properties.forEach((name, value) -> {
                if (((String) name).startsWith(WorkerKeys.BROKER_CLIENT_PREFIX)) {
                    configurations.get(WorkerKeys.PULSAR).put((String) name, value);
                }
                Target provider = WorkerKeys.PROVIDER_PROPERTIES.get((String) name);
                if (provider != null && value != null && !String.valueOf(value).isBlank()) {
                    configurations.get(provider.pid()).put(provider.property(), String.valueOf(value));
                }
            });
        }
        Map<String, Object> inForce = new LinkedHashMap<>();
        WorkerKeys.KEYS.keySet().forEach(name -> inForce.put(name, effective.get(name)));
        return new Result(configurations, warnings, errors, tls, new Values(inForce, values.keySet()));
    }

    private static String shown(Key key, JsonNode node) {
        return SecretKeys.isSecret(key.name()) ? SecretKeys.HIDDEN : node.isValueNode() ? node.asText() : node.toString();
    }

    private static String invalid(Key key, JsonNode node, String source) {
        String shown = shown(key, node);
        String shape = "";
        if (node.isArray() && key.type() != ValueType.LIST) {
            shape = ", not a list";
        } else if (node.isObject() && key.type() != ValueType.MAP) {
            shape = ", not a mapping";
        }
        return "Invalid value '" + shown + "' for " + key.name() + " in " + source + ": expected "
                + key.expectation() + shape;
    }

    private static String syntaxError(String source, JsonProcessingException e) {
        JsonLocation location = e.getLocation();
        // SnakeYAML's message interleaves context and problem with indented position and snippet lines: drop those
        String problem = String.valueOf(e.getOriginalMessage()).lines()
                .filter(line -> !line.isBlank() && !Character.isWhitespace(line.charAt(0)))
                .collect(Collectors.joining("; "));
        String where = location == null || location.getLineNr() < 1
                ? ""
                : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
        return "Malformed YAML in " + source + where + ": " + problem;
    }

    /** ConfigAdmin property names are case-insensitive; two such keys would make the update itself fail. */
    private static List<String> caseClashes(Map<String, Object> properties, String source) {
        Map<String, String> seen = new HashMap<>();
        List<String> errors = new ArrayList<>();
        for (String name : properties.keySet()) {
            String other = seen.putIfAbsent(name.toLowerCase(Locale.ROOT), name);
            if (other != null) {
                errors.add("Keys '" + other + "' and '" + name + "' in " + source
                        + " differ only in case, which a configuration cannot hold");
            }
        }
        return errors;
    }

    private static String canonicalLocalHostName() {
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (UnknownHostException e) {
            throw new IllegalStateException("Cannot determine this host's name for workerHostname (" + e + ")", e);
        }
    }

    /** Effective values: the file's, else the key's default, which may depend on other keys. Memoised. */
    private final class Resolver implements WorkerKeys.Effective {

        private final Map<String, Object> fileValues;
        private final Map<String, Object> resolved = new HashMap<>();

        Resolver(Map<String, Object> fileValues) {
            this.fileValues = fileValues;
        }

        @Override
        public Object get(String name) {
            if (resolved.containsKey(name)) {
                return resolved.get(name);
            }
            Key key = WorkerKeys.KEYS.get(name);
            if (key == null) {
                throw new IllegalArgumentException("Not in the key table: " + name);
            }
            Object value = fileValues.get(name);
            if (value == null || key.blankIsUnset() && value instanceof String text && text.isBlank()) {
                value = key.fallback() == null ? null : key.fallback().apply(this);
            }
            resolved.put(name, value);
            return value;
        }

        @Override
        public String localHostName() {
            return localHostName.get();
        }
    }
}
