package dev.outrigger.auth.support;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A setting whose value is data, given in the forms Pulsar's {@code AuthTokenUtils.readKeyFromUrl} and
 * {@code AuthenticationProviderBasic.readData} accept: a
 * {@code data:} URL, a {@code file:} URL, the path of an existing file, or the bytes in base64. Messages name the
 * setting and, for files, the path; never the value, which may be a secret.
 */
public final class ConfigSource {

    // Pulsar's DataURLStreamHandler: data:[<mediatype>][;charset=...][;base64],<data>
    private static final Pattern DATA_URL = Pattern.compile(
            "(?<mimeType>[^;,]+)?(;(?<charset>charset=[^;,]+))?(;(?<base64>base64))?,(?<data>.+)", Pattern.DOTALL);

    private final String setting;
    private final Path file;
    private final byte[] inline;

    private ConfigSource(String setting, Path file, byte[] inline) {
        this.setting = setting;
        this.file = file;
        this.inline = inline;
    }

    /**
     * @param setting the configuration key, for messages
     * @param value its value, not blank
     * @throws IllegalArgumentException if the value is none of the accepted forms
     */
    public static ConfigSource parse(String setting, String value) {
        if (value.startsWith("data:")) {
            return new ConfigSource(setting, null, decodeDataUrl(setting, value));
        }
        if (value.startsWith("file:")) {
            return new ConfigSource(setting, fileUrlPath(setting, value), null);
        }
        Path path = existingFile(value);
        if (path != null) {
            return new ConfigSource(setting, path, null);
        }
        try {
            // Pulsar decodes the standard alphabet; line breaks from YAML block scalars are not data
            return new ConfigSource(setting, null, Base64.getDecoder().decode(value.replaceAll("\\s", "")));
        } catch (IllegalArgumentException e) {
            // no cause: its message quotes a character of the value
            throw new IllegalArgumentException(setting
                    + " is not a data: or file: URL, not the path of an existing file, and not base64");
        }
    }

    /** @return the file the data is read from, or null when the value holds the data itself */
    public Path file() {
        return file;
    }

    public String setting() {
        return setting;
    }

    /** @return the data; read from the file at each call */
    public byte[] read() throws IOException {
        if (file == null) {
            return inline.clone();
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IOException(setting + ": cannot read " + file + " (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    /** @return where the data comes from, for log lines */
    public String describe() {
        return file == null ? "inline value of " + setting : "file " + file;
    }

    private static byte[] decodeDataUrl(String setting, String value) {
        String specific;
        try {
            // as java.net.URL does for Pulsar: the scheme-specific part, percent-decoded
            specific = new URI(value).getSchemeSpecificPart();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(setting + " is not a valid data: URL");
        }
        Matcher matcher = DATA_URL.matcher(specific);
        if (!matcher.matches()) {
            throw new IllegalArgumentException(setting
                    + " is not a data: URL of the form data:[<mediatype>][;base64],<data>");
        }
        if (matcher.group("base64") == null) {
            return matcher.group("data").getBytes(StandardCharsets.UTF_8);
        }
        try {
            return Base64.getDecoder().decode(matcher.group("data"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(setting + " is a data: URL whose data is not valid base64");
        }
    }

    private static Path fileUrlPath(String setting, String value) {
        try {
            URI uri = new URI(value);
            // file:relative/path is opaque; java.net.URL reads it relative to the working directory, so do we
            return uri.isOpaque() ? Path.of(uri.getSchemeSpecificPart()) : Path.of(uri);
        } catch (URISyntaxException | IllegalArgumentException e) {
            // IllegalArgumentException covers InvalidPathException and URIs Path.of cannot take (file://host/x)
            throw new IllegalArgumentException(setting + " is not a valid file: URL (" + e.getMessage() + ")");
        }
    }

    private static Path existingFile(String value) {
        try {
            Path path = Path.of(value);
            return Files.isRegularFile(path) ? path : null;
        } catch (InvalidPathException e) {
            return null;
        }
    }
}
