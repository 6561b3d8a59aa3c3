package dev.outrigger.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Reads a Karaf features repository: the single list of which bundles make each capability, used by the assembly,
 * the launcher and the integration tests alike. Only what Outrigger uses is read: features, their bundles with start
 * levels, and features that include other features.
 */
public final class Features {

    private final Map<String, Element> features;

    private Features(Map<String, Element> features) {
        this.features = features;
    }

    public static Features read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document document = factory.newDocumentBuilder().parse(in);
            Map<String, Element> features = new LinkedHashMap<>();
            for (Element feature : children(document.getDocumentElement(), "feature")) {
                features.put(feature.getAttribute("name"), feature);
            }
            return new Features(features);
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException("Cannot read the features file " + file + ": " + e.getMessage(), e);
        }
    }

    /** @return the names of all features, in file order */
    public List<String> names() {
        return List.copyOf(features.keySet());
    }

    /**
     * @param name a feature name
     * @return the bundles of that feature and of every feature it includes, each once, includes first
     * @throws IllegalArgumentException if the feature, or one it includes, is not in the file
     */
    public List<FeatureBundle> bundles(String name) {
        Map<String, FeatureBundle> bundles = new LinkedHashMap<>();
        collect(name, new LinkedHashSet<>(), bundles);
        return new ArrayList<>(bundles.values());
    }

    private void collect(String name, Set<String> seen, Map<String, FeatureBundle> bundles) {
        if (!seen.add(name)) {
            return;
        }
        Element feature = features.get(name);
        if (feature == null) {
            throw new IllegalArgumentException("No feature named '" + name + "'; known features: " + names());
        }
        for (Element included : children(feature, "feature")) {
            collect(included.getTextContent().trim(), seen, bundles);
        }
        for (Element bundle : children(feature, "bundle")) {
            String location = bundle.getTextContent().trim();
            String level = bundle.getAttribute("start-level");
            bundles.putIfAbsent(location, new FeatureBundle(location, level.isEmpty() ? 0 : Integer.parseInt(level)));
        }
    }

    private static List<Element> children(Element parent, String localName) {
        List<Element> result = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node node = nodes.item(i);
            if (node instanceof Element element && localName.equals(element.getLocalName())) {
                result.add(element);
            }
        }
        return result;
    }
}
