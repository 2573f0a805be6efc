package dev.hcsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** hcsim-bom must manage every library module of the reactor, at the reactor's version, so one import gives a consistent set. */
class BomTest {
    /** Reactor modules that are not libraries a user depends on. */
    static final List<String> NOT_LIBRARIES = List.of("abi-cli", "abi-bench", "hcsim-bom", "kvm-selftests", "web");

    static Document pom(String path) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of(path).toFile());
    }

    static String child(Element e, String name) {
        NodeList l = e.getElementsByTagName(name);
        return l.getLength() == 0 ? null : l.item(0).getTextContent().trim();
    }

    @Test
    @DisplayName("the BOM lists exactly the reactor's library modules, and its version is the reactor's")
    void bomCoversTheReactor() throws Exception {
        Document root = pom("../pom.xml");
        TreeSet<String> modules = new TreeSet<>();
        NodeList ms = root.getElementsByTagName("module");
        for (int i = 0; i < ms.getLength(); i++) {
            String m = ms.item(i).getTextContent().trim();
            if (!NOT_LIBRARIES.contains(m)) {
                modules.add(m);
            }
        }
        Document bom = pom("../hcsim-bom/pom.xml");
        TreeSet<String> managed = new TreeSet<>();
        NodeList deps = bom.getElementsByTagName("dependency");
        for (int i = 0; i < deps.getLength(); i++) {
            Element d = (Element) deps.item(i);
            assertEquals("dev.hcsim", child(d, "groupId"));
            assertEquals("${project.version}", child(d, "version"), "the BOM's own version, so the two cannot drift");
            managed.add(child(d, "artifactId"));
        }
        assertEquals(modules, managed);
        String rootVersion = child(root.getDocumentElement(), "version");
        assertEquals(rootVersion, child(bom.getDocumentElement(), "version"));
    }

    @Test
    @DisplayName("the consumer example imports the BOM at the reactor's version, and names no hcsim version anywhere else")
    void consumerImportsTheBom() throws Exception {
        String rootVersion = child(pom("../pom.xml").getDocumentElement(), "version");
        Document consumer = pom("../examples/consumer/pom.xml");
        assertEquals(rootVersion, child(consumer.getDocumentElement(), "hcsim.version"));
        NodeList deps = consumer.getElementsByTagName("dependency");
        int imports = 0;
        for (int i = 0; i < deps.getLength(); i++) {
            Element d = (Element) deps.item(i);
            if ("hcsim-bom".equals(child(d, "artifactId"))) {
                imports++;
                assertEquals("import", child(d, "scope"));
            } else {
                assertEquals(null, child(d, "version"), child(d, "artifactId") + " takes its version from the BOM");
            }
        }
        assertEquals(1, imports);
    }
}
