package dev.outrigger.itests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/** Raw requests for {@link RestFuzzIT} and the judgement every answer must pass. */
final class FuzzHttp {

    static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What a stack trace or an exception's toString leaves in an error body; the generators never produce these. A
     * 2xx status or stats body is only checked for stack frames: Pulsar's own field names there say "Exception"
     * ({@code latestSystemExceptions}), and a function's failure message is its to report.
     */
    private static final Pattern TRACE = Pattern.compile("Exception|at dev\\.|at org\\.");
    private static final Pattern FRAME = Pattern.compile("at (dev|org|java|jdk|com|net|sun)\\.[\\w$.]+\\(");

    /**
     * The raw paths Jetty 12 answers itself, with its HTML 400 and no {@code reason}, before the application sees them
     * (its default {@code UriCompliance}; each measured against the worker): an encoded {@code /} ({@code %2F},
     * "Ambiguous URI path separator"), {@code \} ({@code %5C}, "Suspicious Path Character") or {@code %}
     * ({@code %25}, "Ambiguous URI path encoding"); an empty segment ({@code //}, "Ambiguous URI empty segment"); an
     * encoded dot segment ({@code %2E}, {@code %2E%2E}, "Ambiguous URI path segment"); and, in
     * {@link #badEscapes}, escapes of control characters ({@code %00}-{@code %1F}, {@code %7F}) or of bytes that are
     * not UTF-8 ("Bad UTF-8 encoding"). Plain {@code .} and {@code ..} segments and {@code %3B} reach the application.
     * A request line longer than Jetty's header buffer (16 KiB; 9,000 characters still reach the application) is
     * Jetty's HTML 414.
     */
    private static final Pattern JETTY_REFUSES = Pattern.compile(
            "(?i)%2f|%5c|%25|//|/(%2e|%2e\\.|\\.%2e|%2e%2e)(/|$)");

    /** How many answers were Jetty's own 400 for such a path. */
    static final AtomicInteger JETTY_ANSWERS = new AtomicInteger();

    record Answer(String method, String path, int status, String contentType, String body) {
        @Override
        public String toString() {
            String shown = body.length() > 600 ? body.substring(0, 600) + "..." : body;
            String shownPath = path.length() > 300 ? path.substring(0, 300) + "...(" + path.length() + ")" : path;
            return method + " " + shownPath + " -> " + status + " " + contentType + " " + shown;
        }
    }

    private final String base;

    FuzzHttp(String adminUrl) {
        this.base = adminUrl;
    }

    Answer send(String method, String rawPath, String contentType, byte[] body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + rawPath))
                .timeout(Duration.ofSeconds(60));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body));
        HttpResponse<byte[]> response;
        try {
            response = Workers.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (java.io.IOException e) {
            if (jettyRefuses(rawPath)) {
                // Jetty answers a malformed URI at once and closes the connection without reading the rest: a client
                // may see the connection closed before it reads the 400
                return new Answer(method, rawPath, 400, "(connection closed by Jetty)", "");
            }
            // once more, on a new connection: a pooled one the server had just closed tells nothing of this request
            response = Workers.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        }
        return new Answer(method, rawPath, response.statusCode(),
                response.headers().firstValue("Content-Type").orElse(""),
                new String(response.body(), StandardCharsets.UTF_8));
    }

    Answer get(String rawPath) throws Exception {
        return send("GET", rawPath, null, null);
    }

    /**
     * The property: 2xx, or a 4xx with Pulsar's {@code {"reason": "..."}} body; never a 5xx, never a stack trace.
     * Jetty's own 400 is accepted only for the raw paths {@link #jettyRefuses} describes. 503 is accepted only where it
     * is the documented, Pulsar-compatible answer: the state endpoints (no state storage yet).
     */
    static void check(Answer answer, boolean binaryBodyOnSuccess) {
        int status = answer.status();
        boolean success = status >= 200 && status < 300;
        if (success) {
            if (!binaryBodyOnSuccess && FRAME.matcher(answer.body()).find()) {
                throw new AssertionError("Stack trace in the answer: " + answer);
            }
            return;
        }
        if (TRACE.matcher(answer.body()).find()) {
            throw new AssertionError("Stack trace or exception text in the answer: " + answer);
        }
        if (answer.method().equals("HEAD") && status >= 400 && status < 500) {
            return; // an answer to HEAD has no body to carry a reason
        }
        if (status == 503 && answer.path().matches("/admin/v3/functions/[^/]+/[^/]+/[^/]+/state/[^/?]*")
                && (answer.method().equals("HEAD")
                        || reason(answer).startsWith("State storage client is not done initializing"))) {
            return;
        }
        if (status < 400 || status >= 500) {
            throw new AssertionError("Neither 2xx nor 4xx: " + answer);
        }
        boolean html = !answer.contentType().startsWith("application/json");
        if (html && (status == 400 && jettyRefuses(answer.path()) || status == 414 && answer.path().length() > 9000)) {
            JETTY_ANSWERS.incrementAndGet();
            return;
        }
        if (reason(answer).isBlank()) {
            throw new AssertionError("A 4xx without a JSON reason: " + answer);
        }
    }

    static boolean jettyRefuses(String rawPath) {
        String path = rawPath.indexOf('?') < 0 ? rawPath : rawPath.substring(0, rawPath.indexOf('?'));
        return JETTY_REFUSES.matcher(path).find() || badEscapes(path);
    }

    /** True when the path's percent-escapes, decoded, are not well-formed UTF-8 (or encode a control character). */
    static boolean badEscapes(String rawPath) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < rawPath.length(); i++) {
            char c = rawPath.charAt(i);
            if (c == '%' && i + 2 < rawPath.length()) {
                int b;
                try {
                    b = Integer.parseInt(rawPath.substring(i + 1, i + 3), 16);
                } catch (NumberFormatException e) {
                    return true; // not an escape at all: Jetty's "Bad URI"
                }
                if (b < 0x20 || b == 0x7f) {
                    return true;
                }
                bytes.write(b);
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        try {
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes.toByteArray()));
            return false;
        } catch (java.nio.charset.CharacterCodingException e) {
            return true;
        }
    }

    /** The {@code reason} of a JSON error body, or "" when the body is not one. */
    static String reason(Answer answer) {
        try {
            JsonNode node = JSON.readTree(answer.body());
            return node != null && node.isObject() && node.path("reason").isTextual()
                    ? node.path("reason").asText() : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }

    static boolean noTraceText(String text) {
        return !TRACE.matcher(text).find();
    }

    /** A multipart body built part by part, so tests can also damage it. */
    static final class Multipart {
        final String boundary;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Multipart(String boundary) {
            this.boundary = boundary;
        }

        Multipart part(String disposition, String contentType, byte[] content) {
            StringBuilder head = new StringBuilder("--").append(boundary).append("\r\n");
            if (disposition != null) {
                head.append("Content-Disposition: ").append(disposition).append("\r\n");
            }
            if (contentType != null) {
                head.append("Content-Type: ").append(contentType).append("\r\n");
            }
            head.append("\r\n");
            out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
            out.writeBytes(content);
            out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
            return this;
        }

        Multipart field(String name, String value) {
            return part("form-data; name=\"" + name + "\"", null, value.getBytes(StandardCharsets.UTF_8));
        }

        Multipart json(String name, String value) {
            return part("form-data; name=\"" + name + "\"", "application/json", value.getBytes(StandardCharsets.UTF_8));
        }

        Multipart file(String name, String fileName, byte[] content) {
            return part("form-data; name=\"" + name + "\"; filename=\"" + fileName + "\"",
                    "application/octet-stream", content);
        }

        /** The body without its closing delimiter (a truncated upload). */
        byte[] open() {
            return out.toByteArray();
        }

        byte[] close() {
            ByteArrayOutputStream done = new ByteArrayOutputStream();
            done.writeBytes(out.toByteArray());
            done.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
            return done.toByteArray();
        }

        String contentType() {
            return "multipart/form-data; boundary=" + boundary;
        }
    }
}
