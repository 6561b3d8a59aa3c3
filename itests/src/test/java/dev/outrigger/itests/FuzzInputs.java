package dev.outrigger.itests;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * What {@link RestFuzzIT} sends: hostile strings, JSON values and function configurations, path segments. Every JSON
 * value is a JSON text fragment, written by hand so that it can be what Jackson would never write (1e400, duplicated
 * keys, 5,000 levels of nesting). Nothing generated contains the text the stack-trace check looks for.
 */
final class FuzzInputs {

    /** Replaced by the function's name when a try knows it. */
    static final String NAME = "@NAME@";

    private FuzzInputs() {}

    static Arbitrary<String> hostileString() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.of("", " ", " \t\r\n", "null", "undefined", "NaN", "-1", "0", "true",
                        "${x}", "$HOME", "../../etc/passwd", "\u0000", "'", "\"", "\\", "{}", "[]", "<b>x</b>",
                        "%s%n", "%00", "%2F", "\uFEFF", "\uD83D\uDE00", "a/b", "//", ":", "?", "#", ";", "a b",
                        "persistent://", "\u00c4\u00d6\u00dc", "\u540d\u524d", "\u202Eabc", "CON", "status", "upload",
                        "download", "admin", "v3", "functions", ".", "..", "...", "a.b", "fz.x", "=:-.")),
                Tuple.of(3, Arbitraries.strings().all().ofMaxLength(24)),
                Tuple.of(2, Arbitraries.strings().withCharRange('\u0080', '\u07ff').ofMinLength(1).ofMaxLength(16)),
                Tuple.of(2, Arbitraries.strings().withChars("-=:._azAZ09").ofMinLength(1).ofMaxLength(20)),
                Tuple.of(1, Arbitraries.integers().between(256, 120_000).map(n -> "x".repeat(n))))
                .filter(FuzzHttp::noTraceText);
    }

    static String quote(String s) {
        try {
            return FuzzHttp.JSON.writeValueAsString(s);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Arbitrary<String> number() {
        return Arbitraries.oneOf(
                Arbitraries.of("0", "-0", "-1", "1", "2", "-2147483648", "2147483647", "2147483648", "-2147483649",
                        "9223372036854775807", "9223372036854775808", "-9223372036854775809",
                        "99999999999999999999999999999999999999", "1e308", "1e400", "-1e400", "1.5", "-0.0",
                        "0.0000001", "1E2", "4.9e-324", "1e-400", "1000", "1001", "100000"),
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.doubles().map(String::valueOf).filter(s -> !s.contains("N") && !s.contains("I")),
                // past Jackson's 1,000-digit limit
                Arbitraries.integers().between(900, 3000).map("9"::repeat));
    }

    /** Any JSON value, nested at most {@code depth} levels (plus, sometimes, thousands of levels at once). */
    static Arbitrary<String> jsonValue(int depth) {
        List<Tuple.Tuple2<Integer, Arbitrary<String>>> choices = new ArrayList<>(List.of(
                Tuple.of(2, Arbitraries.of("null", "true", "false")),
                Tuple.of(3, number()),
                Tuple.of(4, hostileString().map(FuzzInputs::quote)),
                Tuple.of(1, Arbitraries.integers().between(100, 5000).map(n -> "[".repeat(n) + "]".repeat(n))),
                Tuple.of(1, Arbitraries.integers().between(100, 3000)
                        .map(n -> "{\"a\":".repeat(n) + "1" + "}".repeat(n)))));
        if (depth > 0) {
            choices.add(Tuple.of(2, Arbitraries.lazy(() -> jsonValue(depth - 1)).list().ofMaxSize(4)
                    .map(items -> "[" + String.join(",", items) + "]")));
            choices.add(Tuple.of(2, Combinators.combine(
                            Arbitraries.oneOf(hostileString(), Arbitraries.of(FIELDS)),
                            Arbitraries.lazy(() -> jsonValue(depth - 1)))
                    .as((k, v) -> quote(k) + ":" + v).list().ofMaxSize(4)
                    .map(items -> "{" + String.join(",", items) + "}")));
        }
        return Arbitraries.frequencyOf(choices);
    }

    /** FunctionConfig's fields (Pulsar 4.0.8), and a few it does not have. */
    static final String[] FIELDS = {"tenant", "namespace", "name", "className", "inputs", "inputSpecs",
        "customSerdeInputs", "topicsPattern", "customSchemaInputs", "customSchemaOutputs", "output",
        "outputSchemaType", "outputSerdeClassName", "logTopic", "processingGuarantees", "retainOrdering",
        "retainKeyOrdering", "batchBuilder", "forwardSourceMessageProperty", "userConfig", "secrets", "runtime",
        "autoAck", "maxMessageRetries", "deadLetterTopic", "subName", "parallelism", "resources", "fqfn",
        "windowConfig", "timeoutMs", "jar", "py", "go", "runtimeFlags", "cleanupSubscription", "customRuntimeOptions",
        "producerConfig", "subscriptionPosition", "skipToLatest", "exposePulsarAdminClientEnabled",
        "inputTypeClassName", "outputTypeClassName", "noSuchField", "", "\u00fcnknown", "className ", "Parallelism"};

    static Arbitrary<String> className() {
        return Arbitraries.oneOf(
                Arbitraries.of(ExampleFunctions.EXCLAMATION,
                        "org.apache.pulsar.functions.api.examples.WordCountFunction",
                        "org.apache.pulsar.functions.api.examples.AddWindowFunction",
                        "org.apache.pulsar.functions.api.examples.JavaNativeExclamationFunction",
                        "org.apache.pulsar.functions.api.examples.pojo.Tick",
                        "org.apache.pulsar.functions.api.examples.serde.CustomObjectSerde",
                        "org.apache.pulsar.functions.api.examples.NoSuchFunction", "java.lang.String",
                        "java.lang.Object", "java.util.function.Function", "ExclamationFunction", "1bad.Class",
                        "a..b", ".a", "a.", "org/apache/Foo", "org.apache.pulsar.functions.api.examples.Exclamation"
                                + "Function$Inner", "dev.outrigger.functions.internal.Functions", " ", ""),
                hostileString());
    }

    static Arbitrary<String> topic(String namespace) {
        return Arbitraries.oneOf(
                Arbitraries.of("persistent://public/" + namespace + "/fz-t", "public/" + namespace + "/fz-t2",
                        "persistent://public/" + namespace + "/fz-t-partition-0",
                        "persistent://nosuch/" + namespace + "/fz-t", "persistent://public/nosuch-ns/fz-t",
                        "persistent://public/" + namespace, "persistent://", "persistent:///", "://a/b/c",
                        "non-persistent://public/" + namespace + "/fz-np", "http://public/" + namespace + "/x",
                        "persistent://public/" + namespace + "/fz t", "persistent://public/" + namespace + "/fz?x",
                        "persistent://public/" + namespace + "/fz-\u00fc\u540d", "persistent://public/"
                                + namespace + "/" + "t".repeat(3000), "a/b/c/d/e", "/", " ", ""),
                hostileString().map(s -> "persistent://public/" + namespace + "/" + s));
    }

    /** Values meant for one field, as hostile as the field allows. */
    static Map<String, Arbitrary<String>> typedValues(String namespace) {
        Arbitrary<String> topicJson = topic(namespace).map(FuzzInputs::quote);
        Arbitrary<String> topics = topicJson.list().ofMaxSize(4).map(l -> "[" + String.join(",", l) + "]");
        Arbitrary<String> topicMap = Combinators.combine(topicJson, jsonValue(1)).as((k, v) -> k + ":" + v)
                .list().ofMaxSize(3).map(l -> "{" + String.join(",", l) + "}");
        Arbitrary<String> numberObject = Combinators.combine(
                        Arbitraries.of("cpu", "ram", "disk", "windowLengthCount", "windowLengthDurationMs",
                                "slidingIntervalCount", "slidingIntervalDurationMs", "maxLagMs",
                                "watermarkEmissionIntervalMs", "lateDataTopic", "timestampExtractorClassName",
                                "actualWindowFunctionClassName", "processingGuarantees"),
                        Arbitraries.oneOf(number(), jsonValue(0)))
                .as((k, v) -> quote(k) + ":" + v).list().ofMaxSize(5).map(l -> "{" + String.join(",", l) + "}");
        Arbitrary<String> enumish = Arbitraries.of("ATLEAST_ONCE", "ATMOST_ONCE", "EFFECTIVELY_ONCE", "MANUAL", "JAVA",
                "PYTHON", "GO", "Latest", "Earliest", "DEFAULT", "KEY_BASED", "atleast_once", "java", "", "X")
                .map(FuzzInputs::quote);
        Arbitrary<String> parallelism = Arbitraries.oneOf(number(), Arbitraries.integers().between(-5, 1100)
                .map(String::valueOf));
        return Map.ofEntries(
                Map.entry("className", className().map(FuzzInputs::quote)),
                Map.entry("inputs", topics),
                Map.entry("output", topicJson),
                Map.entry("logTopic", topicJson),
                Map.entry("deadLetterTopic", topicJson),
                Map.entry("topicsPattern", Arbitraries.oneOf(topicJson,
                        Arbitraries.of("\"persistent://public/" + namespace + "/fz-.*\"", "\"[\"", "\"(\"",
                                "\"persistent://public/" + namespace + "/(a|b\""))),
                Map.entry("customSchemaInputs", topicMap),
                Map.entry("customSerdeInputs", topicMap),
                Map.entry("inputSpecs", topicMap),
                Map.entry("parallelism", parallelism),
                Map.entry("resources", Arbitraries.oneOf(numberObject, jsonValue(1))),
                Map.entry("windowConfig", Arbitraries.oneOf(numberObject, jsonValue(1))),
                Map.entry("processingGuarantees", enumish),
                Map.entry("runtime", enumish),
                Map.entry("subscriptionPosition", enumish),
                Map.entry("batchBuilder", enumish),
                Map.entry("maxMessageRetries", number()),
                Map.entry("timeoutMs", number()),
                Map.entry("userConfig", jsonValue(2)),
                Map.entry("secrets", jsonValue(2)),
                Map.entry("producerConfig", jsonValue(2)),
                Map.entry("tenant", Arbitraries.oneOf(Arbitraries.of("\"public\""), hostileString().map(FuzzInputs::quote))),
                Map.entry("namespace", Arbitraries.oneOf(Arbitraries.of(quote(namespace)),
                        hostileString().map(FuzzInputs::quote))),
                Map.entry("name", hostileString().map(FuzzInputs::quote)));
    }

    private record Mutation(int kind, String field, String value) {}

    /**
     * A function configuration for {@code public/<namespace>/@NAME@}: ExclamationFunction as a test would register
     * it, then 0 to 5 mutations (a field set to a hostile value of its type or of any type, removed, duplicated, an
     * unknown field added); sometimes the whole text is garbage or cut short.
     */
    static Arbitrary<String> functionConfig(String namespace) {
        Map<String, Arbitrary<String>> typed = typedValues(namespace);
        List<String> typedFields = List.copyOf(typed.keySet());
        Arbitrary<Mutation> mutation = Arbitraries.integers().between(0, 3).flatMap(kind -> switch (kind) {
            case 0 -> Arbitraries.of(typedFields).flatMap(f -> typed.get(f).map(v -> new Mutation(0, f, v)));
            case 1 -> Combinators.combine(Arbitraries.of(FIELDS), jsonValue(2)).as((f, v) -> new Mutation(1, f, v));
            case 2 -> Arbitraries.of("className", "inputs", "output", "tenant", "namespace", "name", "runtime")
                    .map(f -> new Mutation(2, f, null));
            default -> Combinators.combine(Arbitraries.of(FIELDS), jsonValue(1)).as((f, v) -> new Mutation(3, f, v));
        });
        Arbitrary<List<Mutation>> mutations = Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just(List.<Mutation>of())),
                Tuple.of(10, mutation.list().ofMinSize(1).ofMaxSize(5)));
        Arbitrary<String> mutated = mutations.map(list -> {
            List<String[]> entries = new ArrayList<>(List.of(
                    new String[] {"tenant", quote("public")},
                    new String[] {"namespace", quote(namespace)},
                    new String[] {"name", quote(NAME)},
                    new String[] {"className", quote(ExampleFunctions.EXCLAMATION)},
                    new String[] {"inputs", "[" + quote("persistent://public/" + namespace + "/" + NAME + "-in") + "]"},
                    new String[] {"output", quote("persistent://public/" + namespace + "/" + NAME + "-out")},
                    new String[] {"runtime", quote("JAVA")}));
            for (Mutation m : list) {
                switch (m.kind()) {
                    case 0, 1 -> {
                        entries.removeIf(e -> e[0].equals(m.field()));
                        entries.add(new String[] {m.field(), m.value()});
                    }
                    case 2 -> entries.removeIf(e -> e[0].equals(m.field()));
                    default -> entries.add(new String[] {m.field(), m.value()}); // a duplicate or unknown key
                }
            }
            StringBuilder json = new StringBuilder("{");
            for (String[] e : entries) {
                json.append(json.length() > 1 ? "," : "").append(quote(e[0])).append(':').append(e[1]);
            }
            return json.append('}').toString();
        });
        Arbitrary<String> garbage = Arbitraries.oneOf(
                Arbitraries.of("", " ", "null", "[]", "42", "\"a\"", "{", "}", "{\"tenant\":}", "{'a':1}",
                        "\uFEFF{}", "{\"tenant\":\"public\"}{}", "{\"a\":1,}", "/* c */{}", "{\"a\":NaN}"),
                jsonValue(2),
                hostileString());
        Arbitrary<String> truncated = Combinators.combine(mutated, Arbitraries.doubles().between(0, 1))
                .as((json, cut) -> json.substring(0, (int) (json.length() * cut)));
        return Arbitraries.frequencyOf(Tuple.of(17, mutated), Tuple.of(2, garbage), Tuple.of(1, truncated))
                .filter(FuzzHttp::noTraceText);
    }

    /** Percent-encodes every byte of the UTF-8 form except RFC 3986's unreserved characters. */
    static String encode(String segment) {
        StringBuilder out = new StringBuilder();
        for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }

    /** A raw (already encoded) path segment: a hostile string percent-encoded, or arbitrary escaped bytes. */
    static Arbitrary<String> hostileSegment() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, hostileString().filter(s -> s.length() < 9000).map(FuzzInputs::encode)),
                Tuple.of(2, Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(6).map(bytes -> {
                    StringBuilder out = new StringBuilder("fz");
                    for (byte b : bytes) {
                        out.append('%').append(String.format("%02X", b & 0xff));
                    }
                    return out.toString();
                })),
                Tuple.of(1, Arbitraries.of("%7E", "%41", "%2e", "%2E%2E", "%2F", "%5C", "%25", "%3B", "a;b", "%C3%A9",
                        "%E2%82%AC", "%F0%9F%98%80", "%ED%A0%80", "%C0%AF", "%FF", "+", "a+b", "~", "-", "=", ":",
                        "%3A", "%3D", "null", "status", "stats", "trigger", "state", "upload", "download")));
    }
}
