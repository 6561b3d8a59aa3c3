package dev.outrigger.launcher;

/**
 * A bundle of a Karaf feature.
 *
 * @param location its {@code mvn:group/artifact/version[/type[/classifier]]} location
 * @param startLevel its start level, or 0 where the feature gives none
 */
public record FeatureBundle(String location, int startLevel) {

    /** @return the path of this bundle inside a Maven repository layout ({@code group/as/dirs/artifact/version/...}) */
    public String repositoryPath() {
        if (!location.startsWith("mvn:")) {
            throw new IllegalArgumentException("Only mvn: bundle locations are supported: " + location);
        }
        String[] parts = location.substring(4).split("/");
        if (parts.length < 3) {
            throw new IllegalArgumentException("Not a mvn:group/artifact/version location: " + location);
        }
        String group = parts[0];
        String artifact = parts[1];
        String version = parts[2];
        String type = parts.length > 3 && !parts[3].isEmpty() ? parts[3] : "jar";
        String classifier = parts.length > 4 ? "-" + parts[4] : "";
        return group.replace('.', '/') + "/" + artifact + "/" + version + "/" + artifact + "-" + version + classifier
                + "." + type;
    }
}
